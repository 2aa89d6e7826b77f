"""Reasons for a score, structured: a stable code and its parameters, with the English sentence.

Callers that show reasons in another language translate by code (the screening page does);
the command line prints the English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The English sentence of each code; {name} fields are the reason's parameters.
ENGLISH = {
    "same": "{a} = {b}",
    "same_syllable": "{a} ≈ {b}: same syllable {syllable}",
    "said_alike": "{a} ≈ {b}: spelled differently, said alike ({key})",
    "other_tone": "{a} ≈ {b}: same syllable, other tone",
    "close_spelling": "{a} ≈ {b}: close spelling ({key})",
    "one_letter": "{a} ~ {b}: one letter apart",
    "different": "{a} ≠ {b}",
    "run_together": "{a} ≈ {b}: same syllables run together",
    "run_together_close": "{a} ≈ {b}: close spelling, run together",
    "no_counterpart": "{a}: no counterpart",
    "same_rank": "same rank: {ranks}",
    "ranks_differ": "ranks differ: {a} vs {b}",
    "genders_differ": "honorifics imply different genders: {a} vs {b}",
    "inverted": "family-name-first order (with a comma) read as the name order",
    "common_name": "{name} is a common name (about 1 in {one_in:,} names): weak evidence",
    "names_compared": "{a} ~ {b}",
}


@dataclass(frozen=True)
class Reason:
    """One reason: `code` (a key of ENGLISH), its `params`, and `text`, the English sentence."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in ENGLISH:
            raise ValueError(f"unknown reason code {self.code!r}")

    @property
    def text(self) -> str:
        return ENGLISH[self.code].format(**self.params)

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict:
        """The form stored (as JSON) with a hit."""
        return {"code": self.code, "params": dict(self.params), "text": self.text}
