"""Find what a set of names matches: candidates from the blind index, decrypted and scored exactly.

Pure lookups and scoring; writing hits and audit records is for actions.py.
"""

from dataclasses import dataclass, field

from passage.cases.models import Case, Person
from passage.names import DEFAULT_THRESHOLD, InvalidName, ParsedName, Reason, parse
from passage.names.compare import score_only, score_parsed
from passage.names.table import load

from . import blind
from .evidence import Attributes, compare_attributes, rank_code
from .models import AbuseRecord, Kind, WatchlistEntry


@dataclass
class Match:
    """The best-scoring pair of names between a subject and one other record."""

    kind: str
    record: object
    name_score: float
    reasons: list[dict]  # Reason.as_dict(): stored so the page can show them in its language
    evidence: list[dict] = field(default_factory=list)
    other_case: Case | None = None

    @property
    def score(self) -> float:
        moved = self.name_score + sum(line["change"] for line in self.evidence)
        return round(min(max(moved, 0.0), 1.0), 4)


def parsed_names(names) -> list[ParsedName]:
    out = []
    for name in names:
        try:
            out.append(parse(name, load()))
        except InvalidName:
            continue
    return out


def best_pair(query: list[ParsedName], names) -> tuple[float, list[dict]] | None:
    """The best (score, reasons) of any query name against any of `names`, with the pair named."""
    best = None
    for other in parsed_names(names):
        for q in query:
            score = score_only(q, other)
            if best is None or score > best[0]:
                best = (score, q, other)
    if best is None:
        return None
    # Reasons only for the best pair: building them is most of the cost of a full score.
    score, q, other = best
    reasons = score_parsed(q, other, load())[1]
    pair = Reason("names_compared", {"a": q.original, "b": other.original})
    return score, [r.as_dict() for r in (pair, *reasons)]


def person_attributes(person: Person | WatchlistEntry) -> Attributes:
    """The attributes of a person or a watchlist entry (both have unit, township, rank, age)."""
    return Attributes(
        units=(person.unit,) if person.unit else (),
        township=person.township,
        rank=person.rank,
        age=person.age,
    )


def _abuse_attributes(record: AbuseRecord, perpetrator: dict) -> Attributes:
    return Attributes(units=tuple(record.units), township=record.place, rank=perpetrator["rank"])


def perpetrator_rank(name: str) -> str:
    """The Rank value of the first rank written before a perpetrator's name, or ""."""
    try:
        ranks = parse(name, load()).ranks
    except InvalidName:
        return ""
    return next((r for r in (rank_code(x) for x in ranks) if r), "")


def find_matches(
    names,
    subject: Attributes,
    *,
    kinds=(Kind.PERSON, Kind.WATCHLIST, Kind.ABUSE),
    exclude_person=None,
    threshold: float = DEFAULT_THRESHOLD,
    found: dict | None = None,
) -> list[Match]:
    """Every record of the given kinds whose names match `names` at the threshold, best first.

    `found` gives the candidates when the caller already has them (blind.candidates, or one
    record just changed); by default they are looked up.
    """
    query = parsed_names(names)
    if not query:
        return []
    if found is None:
        found = blind.candidates(names, kinds, exclude=exclude_person)
    matches: list[Match] = []
    person_ids = found.get(Kind.PERSON, set()) - {exclude_person}
    if person_ids:
        latest = {}
        for case in Case.objects.filter(person__in=person_ids).order_by("opened_at"):
            latest[case.person_id] = case
        for person in Person.objects.filter(pk__in=person_ids):
            best = best_pair(query, person.names)
            if best and best[0] >= threshold:
                m = Match(Kind.PERSON, person, best[0], best[1], other_case=latest.get(person.pk))
                m.evidence = compare_attributes(
                    subject, person_attributes(person), other_is_request=True
                )
                matches.append(m)
    for entry in WatchlistEntry.objects.filter(pk__in=found.get(Kind.WATCHLIST, ())):
        best = best_pair(query, entry.names)
        if best and best[0] >= threshold:
            m = Match(Kind.WATCHLIST, entry, best[0], best[1])
            m.evidence = compare_attributes(
                subject, person_attributes(entry), other_is_request=False
            )
            matches.append(m)
    for record in AbuseRecord.objects.filter(pk__in=found.get(Kind.ABUSE, ())):
        best_match = None
        for perpetrator in record.perpetrators:
            best = best_pair(query, [perpetrator["name"]])
            if (
                best
                and best[0] >= threshold
                and (not best_match or best[0] > best_match.name_score)
            ):
                best_match = Match(Kind.ABUSE, record, best[0], best[1])
                best_match.evidence = compare_attributes(
                    subject, _abuse_attributes(record, perpetrator), other_is_request=False
                )
        if best_match:
            matches.append(best_match)
    matches.sort(key=lambda m: -m.score)
    return matches
