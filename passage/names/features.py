"""Small scoring features. Each returns (score, reason) so a vetter can see why names matched."""

from __future__ import annotations

from . import burmese, latin
from .parse import ParsedName, Syllable
from .reasons import Reason

# Credit for one aligned syllable pair, by how it matched. A whole name scores the mean credit,
# so one loose syllable in a two-syllable name still clears the default threshold, one wrong
# syllable does not.
SAME = 1.0
SAME_SOUND = 0.9
LOOSE = 0.8
CLOSE = 0.6
CLOSE_MIN_SIMILARITY = 0.8


def _show(s: Syllable) -> str:
    return s.key.burmese or s.text


def same_syllable(a: Syllable, b: Syllable) -> tuple[float, Reason] | None:
    """Both map to one canonical syllable (Htoo ≈ Htu: same syllable ထူး)."""
    if a.key.key != b.key.key:
        return None
    if a.script == b.script == "my" and burmese.toneless(a.text) != burmese.toneless(b.text):
        return SAME_SOUND, Reason("said_alike", {"a": a.text, "b": b.text, "key": a.key.key})
    if a.script == b.script == "my" and a.text != b.text:
        return SAME_SOUND, Reason("other_tone", {"a": a.text, "b": b.text})
    if a.text == b.text:
        return SAME, Reason("same", {"a": a.text, "b": b.text})
    shown = _show(a) if a.script == "my" or not b.key.burmese else _show(b)
    if not a.key.burmese and not b.key.burmese:
        shown = a.key.key
    return SAME, Reason("same_syllable", {"a": a.text, "b": b.text, "syllable": shown})


def loose_syllable(a: Syllable, b: Syllable) -> tuple[float, Reason] | None:
    """Same sound once aspiration, voicing and r/y are ignored (Tun ≈ Htun); unseen spellings."""
    if a.key.known and b.key.known:
        return None  # the table knows both, as different syllables (Hla လှ, La လ)
    if a.key.loose and a.key.loose == b.key.loose:
        return LOOSE, Reason("close_spelling", {"a": a.text, "b": b.text, "key": a.key.loose})
    return None


def close_spelling(a: Syllable, b: Syllable) -> tuple[float, Reason] | None:
    """Spellings a letter apart in a long syllable (Kyawe ≈ Kyaw), when neither is in the table."""
    if a.key.known and b.key.known:
        return None  # the table knows both as different syllables
    x, y = a.key.key, b.key.key
    if min(len(x), len(y)) < 4 or x.startswith("my:") or y.startswith("my:"):
        return None
    sim = 1 - _levenshtein(x, y) / max(len(x), len(y))
    if sim >= CLOSE_MIN_SIMILARITY:
        return CLOSE, Reason("one_letter", {"a": a.text, "b": b.text})
    return None


SYLLABLE_FEATURES = (same_syllable, loose_syllable, close_spelling)


def syllable_score(a: Syllable, b: Syllable) -> tuple[float, Reason]:
    """The first feature that fires, or (0, reason) for different syllables."""
    for feature in SYLLABLE_FEATURES:
        hit = feature(a, b)
        if hit:
            return hit
    return 0.0, Reason("different", {"a": a.text, "b": b.text})


def joined_score(one: Syllable, many: list[Syllable]) -> tuple[float, Reason] | None:
    """One written word against several syllables run together (Thuya ≈ Thu Ya)."""
    credit = joined_credit(run_keys((one,)), run_keys(many))
    if credit is None:
        return None
    params = {"a": one.text, "b": " ".join(s.text for s in many)}
    if credit == SAME:
        return SAME, Reason("run_together", params)
    return LOOSE, Reason("run_together_close", params)


def run_keys(syllables) -> tuple[str, str]:
    """Spelling and loose keys of syllables written as one word (Burmese ones by their key)."""
    text = "".join(s.key.key if s.script == "my" else s.text for s in syllables)
    return latin.spelling_key(text), latin.loose_key(text)


def joined_credit(word: tuple[str, str], run: tuple[str, str]) -> float | None:
    """Credit per syllable when a word's run_keys meet those of syllables run together."""
    if word[0] == run[0]:
        return SAME
    if word[1] == run[1]:
        return LOOSE
    return None


# Adjustments from what was set aside.
RANK_DIFFERS = -0.05  # small: people are promoted, and a rank may be given wrongly
GENDER_DIFFERS = -0.25  # enough to part two otherwise identical names


def rank_agreement(a: ParsedName, b: ParsedName) -> tuple[float, Reason] | None:
    """Ranks on both sides agree (evidence for) or differ (a little against)."""
    ra, rb = set(a.ranks) - {"police"}, set(b.ranks) - {"police"}
    if not ra or not rb:
        return None
    if ra & rb:
        return 0.0, Reason("same_rank", {"ranks": ", ".join(sorted(ra & rb))})
    return RANK_DIFFERS, Reason(
        "ranks_differ", {"a": ", ".join(sorted(ra)), "b": ", ".join(sorted(rb))}
    )


def gender_agreement(a: ParsedName, b: ParsedName) -> tuple[float, Reason] | None:
    """Honorifics that imply different genders (U vs Daw) count against a match."""
    if len(a.genders) == 1 and len(b.genders) == 1 and a.genders != b.genders:
        return GENDER_DIFFERS, Reason(
            "genders_differ", {"a": " ".join(a.titles), "b": " ".join(b.titles)}
        )
    return None


NAME_FEATURES = (rank_agreement, gender_agreement)


def _levenshtein(x: str, y: str) -> int:
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        cur = [i]
        for j, cy in enumerate(y, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
        prev = cur
    return prev[-1]
