"""What users (and intake) do with screening: screen a case, review a hit, import a list.

Each function checks the rule, writes, and appends its audit record in one transaction.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.cases.models import Case
from passage.core import audit
from passage.core.access import Action, can, require
from passage.core.actions import update_audited

from . import blind
from .imports import next_reference
from .models import RECORD_MODELS, Hit, ImportBatch, Kind, WatchlistEntry
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
    hits that no longer match are dropped; reviewed ones stay, with their decision. The audit
    record says how many candidates were scored and, for a common name, that the cap applied.
    """
    if trigger == "on_demand" and not can(actor, Action.SCREEN, case):
        raise PermissionDenied
    person = case.person
    with transaction.atomic():
        blind.file_record(Kind.PERSON, person.pk, person.names)
        found = blind.candidates(person.names, exclude=person.pk)
        matches = find_matches(
            person.names, person_attributes(person), exclude_person=person.pk, found=found
        )
        hits, new = save_hits(case, matches, drop_stale=True)
        audit.record(
            actor,
            "screening.run",
            case,
            request=request,
            detail={
                "trigger": trigger,
                "hits": len(hits),
                "new": new,
                "candidates": sum(len(ids) for ids in found.values()),
                "capped": found.capped,
            },
        )
    return hits


def record_names(kind: str, record) -> list[str]:
    """The names a list record is filed and matched under."""
    if kind == Kind.WATCHLIST:
        return list(record.names)
    return [p["name"] for p in record.perpetrators]


def rescreen_record(kind: str, record) -> tuple[int, int]:
    """Screen earlier people against one added or changed list record: (new hits, withdrawn).

    Cases it already hit are scored again too: an open hit the record no longer explains is
    withdrawn; a reviewed one keeps its decision (and its score is refreshed if it still matches).
    """
    only_this = {kind: {record.pk}}
    targets = {
        h.case_id: h.case
        for h in Hit.objects.filter(other_kind=kind, other_id=record.pk).select_related(
            "case__person"
        )
    }
    # Uncapped: a watchlist "Aung Aung" must reach every earlier Aung Aung, not the first 100.
    people = blind.candidates(record_names(kind, record), [Kind.PERSON], capped=False).get(
        Kind.PERSON, ()
    )
    latest = {}  # each candidate's latest case: intake files a person's hits there
    for case in (
        Case.objects.filter(person__in=people).select_related("person").order_by("opened_at")
    ):
        latest[case.person_id] = case
    for case in latest.values():
        targets.setdefault(case.pk, case)
    new = withdrawn = 0
    for case in targets.values():
        person = case.person
        matches = find_matches(
            person.names, person_attributes(person), kinds=[kind], found=only_this
        )
        new += save_hits(case, matches, drop_stale=False)[1]
        if not matches:
            withdrawn += Hit.objects.filter(
                case=case, other_kind=kind, other_id=record.pk, status=Hit.Status.OPEN
            ).delete()[0]
    return new, withdrawn


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def save_record(actor, kind: str, record, row: dict, *, request=None):
    """Add a list record (record None) or change one from a checked row, then screen again.

    `row` is what imports.check_record returns. The audit names the changed fields, never
    their values: those are as sensitive as the record.
    """
    require(actor, Action.MANAGE_LISTS)
    model = RECORD_MODELS[kind]
    with transaction.atomic():
        added = record is None
        if added:
            record = model(created_by=actor)
        changed = sorted(f for f, v in row.items() if _plain(getattr(record, f)) != v)
        for name, value in row.items():
            setattr(record, name, value)
        if not record.reference:
            record.reference = next_reference(model)
        record.save()
        record.refresh_from_db()  # the date back as a date, not the row's text
        blind.file_record(kind, record.pk, record_names(kind, record))
        new, withdrawn = rescreen_record(kind, record)
        audit.record(
            actor,
            f"screening.{'add' if added else 'change'}_{kind}",
            record,
            request=request,
            detail={"fields": changed, "new_hits": new, "withdrawn_hits": withdrawn},
        )
    return record


def review_hit(actor, hit: Hit, status: str, note: str, *, request=None) -> Hit:
    """Mark a hit confirmed or false positive with a note: an assigned vetter or coordinator."""
    require(actor, Action.REVIEW_HIT, hit.case)
    if status not in (Hit.Status.CONFIRMED, Hit.Status.FALSE_POSITIVE):
        raise ScreeningError(_("Choose confirmed or false positive."))
    if not note.strip():
        raise ScreeningError(_("Say why, in a note: the next reader needs the reason."))
    if not may_see_other_side(actor, hit):
        raise ScreeningError(_("This match is restricted: ask a coordinator to review it."))
    return update_audited(
        actor,
        hit,
        {
            "status": status,
            "review_note": note.strip(),
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
        },
        "screening.review_hit",
        request=request,
        detail={"case": str(hit.case_id), "from": hit.status, "to": status},
    )


def may_see_other_side(user, hit: Hit) -> bool:
    """Need-to-know for the record a hit points at: the lists, or the other case's identity."""
    if hit.other_kind == Kind.PERSON:
        return hit.other_case is not None and can(user, Action.VIEW_IDENTITY, hit.other_case)
    return can(user, Action.VIEW_LISTS)


# An uploaded list waits in preview this long; then it is gone (its sealed rows hold names).
IMPORT_HOURS = 24


def _fresh_imports():
    return ImportBatch.objects.filter(
        uploaded_at__gte=timezone.now() - timedelta(hours=IMPORT_HOURS)
    )


def get_import_batch_or_404(user, batch_id) -> ImportBatch:
    """Only the coordinator who uploaded a list sees its preview, and only while it is fresh."""
    require(user, Action.MANAGE_LISTS)
    batch = _fresh_imports().filter(pk=batch_id, uploaded_by=user).first()
    if batch is None:
        raise Http404
    return batch


def drop_expired_imports() -> int:
    """Delete the previews nobody committed in time, and the names they hold."""
    return ImportBatch.objects.exclude(pk__in=_fresh_imports().values("pk")).delete()[0]


def commit_import(actor, batch: ImportBatch, *, request=None) -> int:
    """Add every row of a previewed import, or none: one transaction, then screen earlier people."""
    require(actor, Action.MANAGE_LISTS)
    if batch.uploaded_by_id != actor.pk or not _fresh_imports().filter(pk=batch.pk).exists():
        raise PermissionDenied
    if batch.committed_at is not None:
        raise ScreeningError(_("This file was already imported."))
    if batch.errors:
        raise ScreeningError(_("Fix the rows with errors and upload the file again."))
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.committed_at is not None:
            raise ScreeningError(_("This file was already imported."))
        model = RECORD_MODELS[batch.kind]
        records = []
        for row in batch.rows:
            record = model(created_by=actor, **row)
            if not record.reference:
                record.reference = next_reference(model)
            record.save()
            blind.file_record(batch.kind, record.pk, record_names(batch.kind, record))
            records.append(record)
        new_hits = sum(rescreen_record(batch.kind, record)[0] for record in records)
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


def remove_record(actor, record, *, request=None) -> int:
    """Take a watchlist or abuse record off the list and out of the index (no rebuild).

    Open hits it raised are withdrawn; reviewed ones stay as the record of a decision, and the
    panel says their record was removed. Returns how many hits were withdrawn.
    """
    require(actor, Action.MANAGE_LISTS)
    kind = Kind.WATCHLIST if isinstance(record, WatchlistEntry) else Kind.ABUSE
    with transaction.atomic():
        blind.unfile_record(kind, record.pk)
        withdrawn = Hit.objects.filter(
            other_kind=kind, other_id=record.pk, status=Hit.Status.OPEN
        ).delete()[0]
        audit.record(
            actor,
            f"screening.remove_{kind}",
            record,
            request=request,
            detail={"reference": record.reference, "withdrawn_hits": withdrawn},
        )
        record.delete()
    return withdrawn
