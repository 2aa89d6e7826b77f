"""Compare two names: a score in [0, 1], whether they are the same name, and the reasons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .align import align, align_credit
from .features import NAME_FEATURES
from .parse import InvalidName, ParsedName, parse
from .reasons import Reason
from .table import SyllableTable, load

# Chosen on dev_pairs.tsv and names held out of the table (benchmarks/names_bench.py).
DEFAULT_THRESHOLD = 0.8
# -log10 of a name's estimated share below which it is reported as common.
COMMON_BELOW = 3.0


def score_parsed(a: ParsedName, b: ParsedName, table: SyllableTable) -> tuple[float, list[Reason]]:
    """Score two parsed names: mean syllable credit over the longer name, then the adjustments."""
    credit, reasons = align(a.syllables, b.syllables)
    score = credit / max(len(a.syllables), len(b.syllables))
    for feature in NAME_FEATURES:
        hit = feature(a, b)
        if hit:
            score += hit[0]
            reasons.append(hit[1])
    if a.inverted or b.inverted:
        reasons.append(Reason("inverted"))
    return min(max(score, 0.0), 1.0), reasons


def score_only(a: ParsedName, b: ParsedName) -> float:
    """The score of score_parsed, without building its reasons (to rank many candidates)."""
    score = align_credit(a.syllables, b.syllables) / max(len(a.syllables), len(b.syllables))
    for feature in NAME_FEATURES:
        hit = feature(a, b)
        if hit:
            score += hit[0]
    return min(max(score, 0.0), 1.0)


def compare(a: str, b: str, threshold: float = DEFAULT_THRESHOLD, table=None) -> dict:
    """Compare two names; return {"score", "same", "reasons"} (reasons as English sentences).

    Raise InvalidName on bad input.
    """
    table = table or load()
    pa, pb = parse(a, table), parse(b, table)
    score, reasons = score_parsed(pa, pb, table)
    same = score >= threshold
    if same:
        note = frequency_note(pa, table)
        if note:
            reasons.append(note)
    return {"score": round(score, 4), "same": same, "reasons": [r.text for r in reasons]}


def frequency_note(name: ParsedName, table: SyllableTable) -> Reason | None:
    """A reason when a name is common enough that a match says little on its own."""
    rarity = table.commonness(name.keys)
    if rarity < COMMON_BELOW:
        shown = " ".join(s.text for s in name.syllables)
        return Reason("common_name", {"name": shown, "one_in": round(10**rarity)})
    return None


def compare_pairs(
    rows: Iterable[dict], threshold: float = DEFAULT_THRESHOLD, table=None
) -> Iterator[dict]:
    """Add "score" and "same" to each row with "a" and "b"; a bad name gives an "error" instead."""
    for row in rows:
        out = dict(row)
        try:
            result = compare(row["a"], row["b"], threshold, table)
        except InvalidName as e:
            out.update(score="", same="", error=str(e))
        else:
            out.update(score=result["score"], same=result["same"])
        yield out


def explain(name: str, table=None) -> dict:
    """Show how a name is read: syllables with their keys, titles and ranks set aside, frequency."""
    table = table or load()
    p = parse(name, table)
    rarity = table.commonness(p.keys)
    return {
        "name": p.original,
        "syllables": [
            {
                "text": s.text,
                "script": s.script,
                "key": s.key.key,
                "loose_key": s.key.loose,
                "burmese": s.key.burmese,
                "in_table": s.key.known,
            }
            for s in p.syllables
        ],
        "titles": list(p.titles),
        "ranks": list(p.ranks),
        "inverted": p.inverted,
        "frequency": {"one_in": round(10**rarity), "common": rarity < COMMON_BELOW},
    }
