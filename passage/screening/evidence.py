"""Attribute evidence: unit, township, rank and age move a name hit up or down, with a reason.

Each check returns (change to the score, reason) or None when there is nothing to compare.
A claimed rank that differs from a watchlist or abuse record lowers nothing: someone hiding a
past has every reason to claim a lower one.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import RANK_GROUP, Rank

SAME_UNIT = 0.1
SAME_TOWNSHIP = 0.05
OTHER_TOWNSHIP = -0.05
SAME_RANK = 0.05
OTHER_RANK_GROUP = -0.05  # only between two requests: both are the requester's own account
CLOSE_AGE = 0.05
FAR_AGE = -0.1
CLOSE_AGE_YEARS = 3
FAR_AGE_YEARS = 10

_UNIT_WORDS = [
    ("light infantry battalion", "lib"),
    ("light infantry division", "lid"),
    ("infantry battalion", "ib"),
    ("military operations command", "moc"),
    ("regional operations command", "roc"),
    ("battalion", "bn"),
]


@dataclass(frozen=True)
class Attributes:
    """What is known of one side of a hit; empty strings and None mean unknown."""

    units: tuple[str, ...] = ()
    township: str = ""
    rank: str = ""
    age: int | None = None


def normal_unit(text: str) -> str:
    """Light Infantry Battalion 999, LIB-999 and lib no. 999 are one unit."""
    t = " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
    t = re.sub(r"\bno\b", " ", t)
    for long, short in _UNIT_WORDS:
        t = t.replace(long, short)
    return re.sub(r"\s+", "", t)


def normal_place(text: str) -> str:
    t = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(w for w in t.split() if w not in ("township", "tsp", "town"))


def rank_code(name_rank: str) -> str:
    """A rank code from passage.names (lieutenant-colonel) as a Rank value, or ""."""
    code = name_rank.replace("-", "_")
    if code in Rank.values:
        return code
    return Rank.GENERAL if code.endswith("general") else ""


MESSAGES = {
    "same_unit": _("same unit (%(unit)s)"),
    "same_township": _("same township (%(township)s)"),
    "other_township": _("different township (%(a)s; the other record: %(b)s)"),
    "same_rank": _("same rank (%(a)s)"),
    "other_rank": _("rank differs: %(a)s here, %(b)s in the other record"),
    "claimed_rank": _(
        "rank differs: says %(a)s, the record has %(b)s (a claimed rank may be false; no change)"
    ),
    "close_age": _("ages close (%(a)s and %(b)s)"),
    "far_age": _("ages far apart (%(a)s and %(b)s)"),
}


def describe(line: dict) -> str:
    """One stored evidence line in the reader's language (ranks shown by their labels)."""
    args = dict(line["args"])
    for k in ("a", "b"):
        if line["code"].endswith("rank") and args.get(k) in Rank.values:
            args[k] = Rank(args[k]).label
    return str(MESSAGES[line["code"]]) % args


def _line(change: float, code: str, **args) -> dict:
    return {"change": change, "code": code, "args": args}


def compare_attributes(subject: Attributes, other: Attributes, *, other_is_request: bool):
    """Every evidence line for one hit, as {"change", "code", "args"} (see describe)."""
    lines = []
    units_a = {normal_unit(u): u for u in subject.units if u.strip()}
    units_b = {normal_unit(u): u for u in other.units if u.strip()}
    shared = sorted(units_a.keys() & units_b.keys())
    if shared:
        lines.append(_line(SAME_UNIT, "same_unit", unit=units_b[shared[0]]))
    if subject.township and other.township:
        if normal_place(subject.township) == normal_place(other.township):
            lines.append(_line(SAME_TOWNSHIP, "same_township", township=other.township))
        else:
            lines.append(
                _line(OTHER_TOWNSHIP, "other_township", a=subject.township, b=other.township)
            )
    if subject.rank not in ("", Rank.UNKNOWN) and other.rank not in ("", Rank.UNKNOWN):
        if subject.rank == other.rank:
            lines.append(_line(SAME_RANK, "same_rank", a=subject.rank))
        elif other_is_request:
            differ = RANK_GROUP.get(subject.rank) != RANK_GROUP.get(other.rank)
            change = OTHER_RANK_GROUP if differ else 0.0
            lines.append(_line(change, "other_rank", a=subject.rank, b=other.rank))
        else:
            lines.append(_line(0.0, "claimed_rank", a=subject.rank, b=other.rank))
    if subject.age is not None and other.age is not None:
        gap = abs(subject.age - other.age)
        if gap <= CLOSE_AGE_YEARS:
            lines.append(_line(CLOSE_AGE, "close_age", a=subject.age, b=other.age))
        elif gap > FAR_AGE_YEARS:
            lines.append(_line(FAR_AGE, "far_age", a=subject.age, b=other.age))
    return lines
