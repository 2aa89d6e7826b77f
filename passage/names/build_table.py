"""Rebuild the canonical syllable table (data/syllables.tsv, data/parts.tsv) from data/names.tsv.

Run `python -m passage.names.build_table` after changing names.tsv or variants.tsv.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from . import burmese, latin

DATA = Path(__file__).parent / "data"
# The source has typos (အောင် spelled "Maung"); an alignment joins a syllable and a spelling into
# one class only when it is at least this share of both the syllable's and the spelling's uses.
MIN_SHARE = 0.1


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Read a tab-separated file with a header into a list of dicts."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _split_word(word: str, options: list[set[str]]) -> list[str] | None:
    """Split a Latin word into pieces whose spelling keys are known for each syllable in turn."""
    if len(options) == 1:
        return [word] if latin.spelling_key(word) in options[0] else None
    for cut in range(1, len(word)):
        head = word[:cut]
        if latin.spelling_key(head) in options[0]:
            rest = _split_word(word[cut:], options[1:])
            if rest:
                return [head, *rest]
    return None


def _align_uneven(syls: list[str], words: list[str], known: dict[str, set[str]]):
    """Align more syllables than words by letting a word cover several syllables (Thida → သီ, တာ)."""

    def go(i: int, j: int):
        if i == len(syls) and j == len(words):
            return []
        if i == len(syls) or j == len(words):
            return None
        for span in range(1, min(4, len(syls) - i) + 1):
            pieces = _split_word(words[j], [known.get(s, set()) for s in syls[i : i + span]])
            if pieces:
                rest = go(i + span, j + 1)
                if rest is not None:
                    return list(zip(syls[i : i + span], pieces, strict=True)) + rest
        return None

    return go(0, 0)


def align(rows: Iterable[dict[str, str]]) -> list[tuple[str, str]]:
    """Pair each Burmese syllable of each name with the Latin spelling its owner used."""
    rows = list(rows)
    pairs: list[tuple[str, str]] = []
    uneven = []
    for row in rows:
        syls = burmese.syllables(row["burmese_unicode"])
        words = [w for w in row["latin"].split() if latin.fold(w)]
        if len(syls) == len(words):
            pairs.extend(zip(syls, words, strict=True))
        elif len(syls) > len(words):
            uneven.append((syls, words))
    known: dict[str, set[str]] = defaultdict(set)
    for syl, word in pairs:
        known[syl].add(latin.spelling_key(word))
    for syls, words in uneven:
        pairs.extend(_align_uneven(syls, words, known) or [])
    return pairs


def build(rows: Iterable[dict[str, str]], variants: Iterable[dict[str, str]] = ()):
    """Return (syllable rows, part rows) for the table, from name rows and curated variants."""
    pairs = Counter((b, latin.spelling_key(w)) for b, w in align(rows))
    parts: Counter[tuple[str, str, str]] = Counter()
    for (syl, spelling), n in pairs.items():
        b_on, b_rh = burmese.onset_rhyme(syl)
        l_on, l_rh = latin.onset_rhyme(spelling)
        parts["onset", b_on, l_on] += n
        parts["rhyme", b_rh, l_rh] += n
    for v in variants:
        pairs[v["burmese"], latin.spelling_key(v["spelling"])] += 0  # mark as known
    keys = _classes(pairs, {(v["burmese"], latin.spelling_key(v["spelling"])) for v in variants})
    syl_rows = [
        {"burmese": b, "spelling": s, "key": keys[s], "count": n}
        for (b, s), n in sorted(pairs.items())
    ]
    part_rows = [
        {"part": p, "burmese": b, "latin": la, "count": n}
        for (p, b, la), n in sorted(parts.items())
    ]
    return syl_rows, part_rows


def _classes(pairs: Counter, curated: set[tuple[str, str]]) -> dict[str, str]:
    """Group spellings that write one Burmese syllable; name each group by its commonest one."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    per_syllable: Counter[str] = Counter()
    per_spelling: Counter[str] = Counter()
    for (b, s), n in pairs.items():
        per_syllable[b] += n
        per_spelling[s] += n
    for (b, s), n in pairs.items():
        find(s)
        strong = (b, s) in curated or (
            n / max(per_syllable[b], 1) >= MIN_SHARE and n / max(per_spelling[s], 1) >= MIN_SHARE
        )
        if strong:
            parent[find("\0" + b)] = find(s)
    weight: Counter[str] = Counter()
    for (_b, s), n in pairs.items():
        weight[s] += n + 1
    best: dict[str, str] = {}
    for s in weight:
        root = find(s)
        if root not in best or (weight[s], -len(s)) > (weight[best[root]], -len(best[root])):
            best[root] = s
    return {s: best[find(s)] for s in weight}


def write(path: Path, rows: list[dict], columns: list[str]) -> None:
    """Write rows as a tab-separated file with a header."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, columns, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Rebuild the table files in data/ from data/names.tsv and data/variants.tsv."""
    syl_rows, part_rows = build(read_tsv(DATA / "names.tsv"), read_tsv(DATA / "variants.tsv"))
    write(DATA / "syllables.tsv", syl_rows, ["burmese", "spelling", "key", "count"])
    write(DATA / "parts.tsv", part_rows, ["part", "burmese", "latin", "count"])
    print(f"{len(syl_rows)} syllable spellings, {len(part_rows)} parts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
