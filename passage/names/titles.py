"""Honorifics and ranks that come before a Burmese name: recognised, set aside, and kept."""

from __future__ import annotations

# Latin rank phrases (lower case, split on spaces, dots and hyphens) to one canonical code.
RANKS: dict[tuple[str, ...], str] = {}
for _code, _phrases in {
    "senior-general": ["senior general", "snr gen", "sr gen"],
    "vice-senior-general": ["vice senior general", "vice snr gen"],
    "general": ["general", "gen"],
    "lieutenant-general": ["lieutenant general", "lt gen", "ltgen"],
    "major-general": ["major general", "maj gen", "majgen"],
    "brigadier-general": ["brigadier general", "brig gen", "brigadier", "brig"],
    "colonel": ["colonel", "col"],
    "lieutenant-colonel": ["lieutenant colonel", "lt col", "ltcol"],
    "major": ["major", "maj"],
    "captain": ["captain", "capt", "cpt"],
    "lieutenant": ["lieutenant", "lt", "lieut", "1st lt"],
    "second-lieutenant": ["second lieutenant", "2nd lt", "2lt"],
    "warrant-officer": ["warrant officer", "wo", "wo1", "wo2"],
    "sergeant": ["sergeant", "sgt", "staff sergeant", "ssgt"],
    "corporal": ["corporal", "cpl"],
    "lance-corporal": ["lance corporal", "l cpl", "lcpl"],
    "private": ["private", "pvt", "pte"],
    "police": ["police", "pol"],
    "inspector": ["inspector", "insp"],
}.items():
    for _p in _phrases:
        RANKS[tuple(_p.split())] = _code

# Burmese ranks, longest first so ဗိုလ်မှူးကြီး wins over ဗိုလ်မှူး.
BURMESE_RANKS = dict(
    sorted(
        {
            "ဗိုလ်ချုပ်မှူးကြီး": "senior-general",
            "ဒုဗိုလ်ချုပ်မှူးကြီး": "vice-senior-general",
            "ဒုတိယဗိုလ်ချုပ်ကြီး": "lieutenant-general",
            "ဗိုလ်ချုပ်ကြီး": "general",
            "ဗိုလ်ချုပ်": "major-general",
            "ဗိုလ်မှူးချုပ်": "brigadier-general",
            "ဗိုလ်မှူးကြီး": "colonel",
            "ဒုဗိုလ်မှူးကြီး": "lieutenant-colonel",
            "ဗိုလ်မှူး": "major",
            "ဗိုလ်ကြီး": "captain",
            "ဒုဗိုလ်": "second-lieutenant",
            "ဗိုလ်": "lieutenant",
            "အရာခံဗိုလ်": "warrant-officer",
            "တပ်ကြပ်ကြီး": "sergeant",
            "တပ်ကြပ်": "corporal",
            "ဒုတပ်ကြပ်": "lance-corporal",
            "တပ်သား": "private",
            "ရဲ": "police",
            "ရဲအုပ်": "inspector",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)

# Honorific to the gender it implies ("" when it says nothing about gender).
HONORIFICS = {
    "u": "m", "daw": "f", "ko": "m", "ma": "f", "saw": "m", "naw": "f", "sai": "m",
    "nang": "f", "nan": "f", "mahn": "m", "khun": "", "salai": "m", "dr": "", "mr": "m",
    "mrs": "f", "ms": "f", "miss": "f",
}  # fmt: skip
BURMESE_HONORIFICS = {
    "ဦး": "m", "ဒေါ်": "f", "ကို": "m", "မ": "f", "စော": "m", "နော်": "f", "စိုင်း": "m",
    "နန်း": "f", "မန်း": "m", "ခွန်": "", "ဆလိုင်း": "m", "ဒေါက်တာ": "",
}  # fmt: skip
# These are also name syllables, so written in Burmese they count as titles only before a space.
BURMESE_NEED_SPACE = {"ကို", "မ", "စော", "နော်", "စိုင်း", "နန်း", "မန်း", "ခွန်", "ရဲ", "ဗိုလ်"}


def match_rank(words: list[str]) -> tuple[str, int]:
    """Return (rank code, words used) for the longest rank phrase at the start, or ("", 0)."""
    for size in (3, 2, 1):
        code = RANKS.get(tuple(words[:size]))
        if code and len(words) >= size:
            return code, size
    return "", 0
