"""The canonical syllable table: Burmese syllables and Latin spellings mapped to one key each."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from . import burmese, latin
from .build_table import DATA, read_tsv

_VOWEL_RUN = re.compile(r"[aeiou]+(?:w|y(?![aeiou]))?")


@dataclass(frozen=True)
class SyllableKey:
    """How one syllable was keyed: the key, a looser key, and whether the table knew it."""

    key: str
    loose: str
    known: bool
    burmese: str  # the commonest Burmese syllable with this key, "" if none is known


class SyllableTable:
    """Lookups built from syllables.tsv and parts.tsv rows; use load() for the shipped table."""

    def __init__(self, syllable_rows: Iterable[dict], part_rows: Iterable[dict]):
        self.spelling_class: dict[str, str] = {}
        self.class_count: Counter[str] = Counter()
        by_syllable: dict[str, Counter[str]] = defaultdict(Counter)
        by_class: dict[str, Counter[str]] = defaultdict(Counter)
        for row in syllable_rows:
            n = int(row["count"])
            self.spelling_class[row["spelling"]] = row["key"]
            self.class_count[row["key"]] += n
            by_syllable[row["burmese"]][row["key"]] += n + 0.5  # curated rows count a little
            by_class[row["key"]][row["burmese"]] += n + 0.5
        self.burmese_key = {b: c.most_common(1)[0][0] for b, c in by_syllable.items()}
        self.toneless_key = {burmese.toneless(b): k for b, k in self.burmese_key.items()}
        self.class_burmese = {k: c.most_common(1)[0][0] for k, c in by_class.items()}
        self.loose_class: dict[str, str] = {}
        for spelling, key in sorted(self.spelling_class.items()):
            self.loose_class.setdefault(latin.loose_key(spelling), key)
        parts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for row in part_rows:
            parts[row["part"], row["burmese"]][row["latin"]] += int(row["count"])
            if row["part"] == "rhyme":  # a rhyme seen only with another tone still tells its vowel
                parts["toneless", burmese.toneless(row["burmese"])][row["latin"]] += int(
                    row["count"]
                )
        self.parts = {k: c.most_common(1)[0][0] for k, c in parts.items()}
        self.total = sum(self.class_count.values()) or 1

    @classmethod
    def from_names(cls, rows: Iterable[dict], variants: Iterable[dict] = ()) -> SyllableTable:
        """Build a table in memory from name rows (as names.tsv), e.g. to leave some names out."""
        from .build_table import build

        return cls(*build(rows, variants))

    def latin(self, word: str) -> SyllableKey:
        """Key a Latin spelling: its class in the table if known, else its folded form."""
        s = latin.spelling_key(word)
        key = self.spelling_class.get(s)
        if key is None:
            return SyllableKey(s, latin.loose_key(s), False, "")
        return SyllableKey(key, latin.loose_key(key), True, self.class_burmese.get(key, ""))

    def burmese(self, syllable: str) -> SyllableKey:
        """Key a Burmese syllable: from the table, else spelled out from its onset and rhyme."""
        key = self.burmese_key.get(syllable) or self.toneless_key.get(burmese.toneless(syllable))
        if key:
            return SyllableKey(key, latin.loose_key(key), True, syllable)
        onset, rhyme = burmese.onset_rhyme(syllable)
        head = self.parts.get(("onset", onset))
        if head is None:
            head = burmese.spell_onset(onset)
        tail = self.parts.get(("rhyme", rhyme)) or self.parts.get(
            ("toneless", burmese.toneless(rhyme))
        )
        if tail is None:  # nothing to spell it with: only the same Burmese syllable will match
            key = "my:" + burmese.toneless(syllable)
            return SyllableKey(key, key, False, syllable)
        s = latin.spelling_key(head + tail)
        key = self.spelling_class.get(s) or self.loose_class.get(latin.loose_key(s)) or s
        return SyllableKey(key, latin.loose_key(key), False, syllable)

    def is_spelling(self, word: str) -> bool:
        """Say whether the table knows this Latin spelling as one syllable."""
        return latin.spelling_key(word) in self.spelling_class

    def segment(self, word: str) -> list[str]:
        """Split a run-together Latin word into known syllable spellings (Thurein → Thu, Rein)."""
        if self.is_spelling(word) or len(_VOWEL_RUN.findall(latin.spelling_key(word))) < 2:
            return [word]
        best = _segment(word.lower(), self)
        if not best:
            return [word]
        out, i = [], 0
        for piece in best:  # keep the caller's capitals
            out.append(word[i : i + len(piece)])
            i += len(piece)
        return out

    def share(self, key: str) -> float:
        """The share of syllables in the source names that have this key (0 if never seen)."""
        return self.class_count.get(key, 0) / self.total

    def commonness(self, keys: list[str]) -> float:
        """-log10 of the estimated share of names with these syllables: small means common."""
        p = 1.0
        for k in keys:
            p *= max(self.share(k), 0.5 / self.total)
        return -math.log10(p)


def _segment(word: str, table: SyllableTable) -> list[str] | None:
    """Fewest pieces, each a known spelling of at least two letters; None if impossible."""
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(0, end - 1):
            prev = best[start]
            if prev is None or latin.spelling_key(word[start:end]) not in table.spelling_class:
                continue
            cand = [*prev, word[start:end]]
            if best[end] is None or _rank(cand, table) > _rank(best[end], table):
                best[end] = cand
    result = best[n]
    return result if result and len(result) > 1 else None


def _rank(pieces: list[str], table: SyllableTable) -> tuple[int, float]:
    """Prefer fewer pieces, then commoner syllables (Min Aung over Mi Naung)."""
    return (-len(pieces), sum(math.log1p(table.class_count[table.latin(p).key]) for p in pieces))


@lru_cache(maxsize=1)
def load() -> SyllableTable:
    """The table shipped in data/, read once."""
    return SyllableTable(read_tsv(DATA / "syllables.tsv"), read_tsv(DATA / "parts.tsv"))
