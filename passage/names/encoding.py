"""Bring Burmese text to one form: Zawgyi converted, Unicode NFC, no invisible characters."""

from __future__ import annotations

import re
import unicodedata
import warnings
from functools import lru_cache

import para
from myanmartools import ZawgyiDetector

# myanmartools documents these cut-offs: above 0.95 the text is Zawgyi, below 0.05 it is Unicode.
ZAWGYI_LIKELY = 0.95
UNICODE_LIKELY = 0.05

_BURMESE = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
# Only Zawgyi writes these: its asat as U+1039 with no consonant after it, a vowel E or medial RA
# before the consonant it belongs to, or code points from Zawgyi's private block.
_ZAWGYI_SHAPES = re.compile(
    r"\u1039(?![\u1000-\u1021])|(?:^|[^\u1000-\u1021\u103f])[\u1031\u103b]|[\u1060-\u1097]"
)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_BURMESE_DIGITS = str.maketrans("၀၁၂၃၄၅၆၇၈၉", "0123456789")


@lru_cache(maxsize=1)
def _detector() -> ZawgyiDetector:
    # myanmartools 1.2 loads its model with a deprecated importlib call; the warning is theirs.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="myanmartools")
        warnings.filterwarnings("ignore", message="open_binary is deprecated")
        return ZawgyiDetector()


def is_zawgyi(text: str) -> bool:
    """Say whether Burmese text is in the legacy Zawgyi encoding (False without Burmese)."""
    if not _BURMESE.search(text):
        return False
    p = _detector().get_zawgyi_probability(text)
    if p > ZAWGYI_LIKELY:
        return True
    if p < UNICODE_LIKELY:
        return False
    # The detector is unsure (short names): decide on letter shapes that only Zawgyi produces.
    return bool(_ZAWGYI_SHAPES.search(text))


def is_unsure(text: str) -> bool:
    """Say whether the detector cannot tell Zawgyi from Unicode (short names such as လွ)."""
    if not _BURMESE.search(text):
        return False
    return UNICODE_LIKELY <= _detector().get_zawgyi_probability(text) <= ZAWGYI_LIKELY


def other_reading(text: str) -> str:
    """The text read the other way from to_unicode(): as Zawgyi if that took it as Unicode."""
    text = _INVISIBLE.sub("", text)
    if is_zawgyi(text):
        return unicodedata.normalize("NFC", text)
    return unicodedata.normalize("NFC", para.zg_to_unicode(text, force=True))


def to_unicode(text: str) -> str:
    """Return text in standard Unicode: Zawgyi converted, NFC, zero-width characters removed."""
    text = _INVISIBLE.sub("", text)
    if is_zawgyi(text):
        # paraencoder's own detector is not trusted; force=True converts what we detected.
        text = para.zg_to_unicode(text, force=True)
    return unicodedata.normalize("NFC", text)


def normalise(text: str) -> str:
    """Return to_unicode(text) with Burmese digits as ASCII and runs of white space as one space."""
    text = to_unicode(text).translate(_BURMESE_DIGITS)
    return " ".join(text.split())
