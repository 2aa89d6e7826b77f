"""Burmese script: syllable breaking, and the split of a syllable into onset and rhyme."""

from __future__ import annotations

import re

CONSONANTS = "\u1000-\u1021"
# A syllable starts at a consonant that is not stacked under another (no U+1039 before it) and
# not killed by an asat (U+103A after it, maybe behind a dot below), or at an independent vowel.
_BREAK = re.compile(
    r"((?<!\u1039)[\u1000-\u1021](?![\u1037]?[\u103a\u1039])|[\u1023-\u102a\u103f\u104c-\u104f])"
)
_MEDIALS = "\u103b\u103c\u103d\u103e"
_ONSET = re.compile(rf"^([{CONSONANTS}\u1023-\u102a\u103f][{_MEDIALS}]*)(.*)$", re.S)
_TONES = re.compile("[\u1037\u1038]")
BURMESE_CHAR = re.compile(r"[\u1000-\u109f]")


def syllables(text: str) -> list[str]:
    """Split a run of Burmese letters into syllables (ကျော်ထူး → ကျော်, ထူး)."""
    return _BREAK.sub(r" \1", text).split()


def onset_rhyme(syllable: str) -> tuple[str, str]:
    """Split a syllable into its initial consonant with medials and the rest (ကျော် → ကျ, ော်)."""
    m = _ONSET.match(syllable)
    if not m:
        return "", syllable
    return m.group(1), m.group(2)


def toneless(syllable: str) -> str:
    """Drop the tone marks, so ဝင်း and ဝင် compare as one sound with a different tone."""
    return _TONES.sub("", syllable)


def is_burmese(text: str) -> bool:
    """Say whether the text holds any Burmese letter."""
    return bool(BURMESE_CHAR.search(text))


# Everyday Latin for each consonant, used only when the table has never seen a syllable's onset.
_CONSONANT_LATIN = dict(
    zip(
        "ကခဂဃငစဆဇဈညဋဌဍဎဏတထဒဓနပဖဗဘမယရလဝသဟဠအ",
        "k kh g g ng s hs z z ny t ht d d n t ht d d n p ph b b m y y l w th h l -".split(),
        strict=True,
    )
)
_PALATAL = {"k": "ky", "kh": "ch", "g": "gy"}


def spell_onset(onset: str) -> str:
    """Spell an onset by rule (ကျ → ky, လှ → hl, ရှ → sh), for onsets the table lacks."""
    if not onset:
        return ""
    base = _CONSONANT_LATIN.get(onset[0], "").replace("-", "")
    medials = onset[1:]
    if "\u103b" in medials or "\u103c" in medials:
        base = _PALATAL.get(base, base + "y")
    if "\u103d" in medials:
        base += "w"
    if "\u103e" in medials:
        base = "sh" if base.startswith("y") else "h" + base
    return base
