"""Making a value safe for a spreadsheet cell. Pure Python: no Django."""

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets
# (CSV injection); a leading apostrophe makes it plain text and is not shown.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Numbers and booleans as they are; text with a formula start prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
