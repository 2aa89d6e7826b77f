"""What users (and intake) do with screening: screen a case, review a hit, import a list.

Each function checks the rule, writes, and appends its audit record in one transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.cases.models import Case, Person
from passage.core import audit
from passage.core.access import Action, can

from . import blind
from .models import AbuseRecord, Hit, ImportBatch, Kind, WatchlistEntry
from .screen import Match, find_matches, person_attributes


class ScreeningError(Exception):
    """A rule said no; the message is for the user."""


def _apply(hit: Hit, match: Match) -> bool:
    """Copy a match's score and reasons onto a hit; say whether anything changed."""
    before = (hit.other_case_id, hit.name_score, hit.score, hit.reasons, hit.evidence)
    hit.other_case = match.other_case
    hit.name_score = round(match.name_score, 4)
    hit.score = match.score
    hit.reasons = match.reasons
    hit.evidence = match.evidence
    return before != (hit.other_case_id, hit.name_score, hit.score, hit.reasons, hit.evidence)


def save_hits(case: Case, matches: list[Match], *, drop_stale: bool) -> tuple[list[Hit], int]:
    """Create new hits and refresh known ones (a review stays); return (hits, how many new).

    With drop_stale, open hits of the case that no longer match are removed.
    """
    known = {(h.other_kind, h.other_id): h for h in Hit.objects.filter(case=case)}
    hits, new = [], []
    now = timezone.now()
    for match in matches:
        hit = known.pop((match.kind, match.record.pk), None)
        if hit is None:
            hit = Hit(case=case, other_kind=match.kind, other_id=match.record.pk, found_at=now)
            _apply(hit, match)
            new.append(hit)
        elif _apply(hit, match):
            hit.updated_at = now
            hit.save(
                update_fields=[
                    "other_case",
                    "name_score",
                    "score",
                    "reasons",
                    "evidence",
                    "updated_at",
                ]
            )
        hits.append(hit)
    Hit.objects.bulk_create(new)
    stale = [h.pk for h in known.values() if h.status == Hit.Status.OPEN]
    if drop_stale and stale:
        Hit.objects.filter(pk__in=stale).delete()
    return hits, len(new)


def screen_case(actor, case: Case, *, trigger: str = "on_demand", request=None) -> list[Hit]:
    """Re-file the case's person in the blind index and screen them against everything.

    Called by intake for every request (trigger "intake") and by users from the case page. Open
    hits that no longer match are dropped; reviewed ones stay, with their decision.
    """
    if trigger == "on_demand" and not can(actor, Action.SCREEN, case):
        raise PermissionDenied
    person = case.person
    with transaction.atomic():
        blind.file_record(Kind.PERSON, person.pk, person.names)
        matches = find_matches(person.names, person_attributes(person), exclude_person=person.pk)
        hits, new = save_hits(case, matches, drop_stale=True)
        audit.record(
            actor,
            "screening.run",
            case,
            request=request,
            detail={"trigger": trigger, "hits": len(hits), "new": new},
        )
    return hits


def screen_new_records(actor, kind: str, records, *, request=None) -> int:
    """Screen every earlier person against newly listed records; return how many hits were new."""
    new = 0
    for record in records:
        names = record.names if kind == Kind.WATCHLIST else [p["name"] for p in record.perpetrators]
        for person_id in blind.candidates(names, [Kind.PERSON]).get(Kind.PERSON, ()):
            person = Person.objects.get(pk=person_id)
            case = person.cases.order_by("-opened_at").first()
            if case is None:
                continue
            matches = find_matches(
                person.names, person_attributes(person), kinds=[kind], exclude_person=person.pk
            )
            mine = [m for m in matches if m.record.pk == record.pk]
            new += save_hits(case, mine, drop_stale=False)[1]
    return new


def review_hit(actor, hit: Hit, status: str, note: str, *, request=None) -> Hit:
    """Mark a hit confirmed or false positive with a note: an assigned vetter or coordinator."""
    if not can(actor, Action.REVIEW_HIT, hit.case):
        raise PermissionDenied
    if status not in (Hit.Status.CONFIRMED, Hit.Status.FALSE_POSITIVE):
        raise ScreeningError(_("Choose confirmed or false positive."))
    if not note.strip():
        raise ScreeningError(_("Say why, in a note: the next reader needs the reason."))
    if not may_see_other_side(actor, hit):
        raise ScreeningError(_("This match is restricted: ask a coordinator to review it."))
    with transaction.atomic():
        previous = hit.status
        hit.status, hit.review_note = status, note.strip()
        hit.reviewed_by, hit.reviewed_at = actor, timezone.now()
        hit.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        audit.record(
            actor,
            "screening.review_hit",
            hit,
            request=request,
            detail={"case": str(hit.case_id), "from": previous, "to": status},
        )
    return hit


def may_see_other_side(user, hit: Hit) -> bool:
    """Need-to-know for the record a hit points at: the lists, or the other case's identity."""
    if hit.other_kind == Kind.PERSON:
        return hit.other_case is not None and can(user, Action.VIEW_IDENTITY, hit.other_case)
    return can(user, Action.VIEW_LISTS)


def commit_import(actor, batch: ImportBatch, *, request=None) -> int:
    """Add every row of a previewed import, or none: one transaction, then screen earlier people."""
    if not can(actor, Action.MANAGE_LISTS):
        raise PermissionDenied
    if batch.committed_at is not None:
        raise ScreeningError(_("This file was already imported."))
    if batch.errors:
        raise ScreeningError(_("Fix the rows with errors and upload the file again."))
    from .imports import next_reference

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.committed_at is not None:
            raise ScreeningError(_("This file was already imported."))
        model = WatchlistEntry if batch.kind == Kind.WATCHLIST else AbuseRecord
        records = []
        for row in batch.rows:
            record = model(created_by=actor, **row)
            if not record.reference:
                record.reference = next_reference(model)
            record.save()
            names = (
                row["names"]
                if batch.kind == Kind.WATCHLIST
                else [p["name"] for p in row["perpetrators"]]
            )
            blind.file_record(batch.kind, record.pk, names)
            records.append(record)
        new_hits = screen_new_records(actor, batch.kind, records, request=request)
        locked.committed_at = timezone.now()
        locked.rows = []  # the records hold them now; no second copy at rest
        locked.save(update_fields=["committed_at", "rows"])
        audit.record(
            actor,
            "screening.import",
            locked,
            request=request,
            detail={"kind": batch.kind, "records": len(records), "new_hits": new_hits},
        )
    batch.committed_at = locked.committed_at
    return len(records)


def remove_record(actor, record, *, request=None) -> None:
    """Take a watchlist or abuse record off the list and out of the index (no rebuild)."""
    if not can(actor, Action.MANAGE_LISTS):
        raise PermissionDenied
    kind = Kind.WATCHLIST if isinstance(record, WatchlistEntry) else Kind.ABUSE
    with transaction.atomic():
        blind.unfile_record(kind, record.pk)
        Hit.objects.filter(other_kind=kind, other_id=record.pk, status=Hit.Status.OPEN).delete()
        audit.record(actor, f"screening.remove_{kind}", record, request=request)
        record.delete()
