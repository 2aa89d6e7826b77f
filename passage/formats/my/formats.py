"""Dates and numbers on Burmese pages.

Django has a Burmese message catalogue but no `formats.py` for `my`, so without this module a
Burmese page would fall back to the English "Nov. 24, 2026, 1:36 a.m.". Myanmar writes the day
first ("၂၄ နိုဝင်ဘာ ၂၀၂၆"); Passage keeps Latin digits, which every volunteer reads, a 24-hour
clock, and Burmese month names (translated in passage/locale; see ../django_strings.py).
The syntax is Django's `date` template filter; Burmese letters are not format characters.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y၊ H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 0  # Sunday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
