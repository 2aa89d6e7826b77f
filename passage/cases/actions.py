"""What users do to cases: move a case to another stage, assign it, read its identity details.

Each function checks the rule, writes the change, the timeline entry and the audit record in
one transaction, and changes nothing when the rule says no.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passage.cases.lifecycle import OPEN_STAGES, Needs, Stage, requirement, roles_allowed
from passage.cases.models import Case, TimelineEntry
from passage.core import audit
from passage.core.access import Action, can


class CaseActionError(Exception):
    """A rule said no; the message is for the user."""


def _requirement_met(need: str, actor, case: Case, approval) -> bool:
    if need == Needs.APPROVED_CLEARANCE:
        # The approval object checks itself: approved, for this case, by this actor, who is not
        # the person who recommended it (passage/vetting/models.py, Decision.clears).
        return approval is not None and approval.clears(case, actor)
    if need == Needs.GO_DECISION:
        from passage.planning.models import Plan

        return Plan.go_given(case)
    return False


def open_hits(case: Case) -> int:
    """Screening matches shown on the case (found on it, or a later request matching it) that
    nobody has reviewed yet: a clearance over one would clear a possible spy unexamined."""
    from django.db.models import Q

    from passage.screening.models import Hit

    return Hit.objects.filter(Q(case=case) | Q(other_case=case), status=Hit.Status.OPEN).count()


def move_case(
    actor, case: Case, to_stage: str, *, note: str = "", request=None, approval=None
) -> Case:
    """Move `case` to `to_stage` if that move is allowed from its stage and for the actor's role,
    and if what the move needs (lifecycle.REQUIREMENTS) is there: `approval` is the approved
    vetting decision that clears a case."""
    if not can(actor, Action.TRANSITION, case):
        raise PermissionDenied
    from_stage = case.stage
    if to_stage not in Stage.values:
        raise CaseActionError(_("“%(stage)s” is not a stage.") % {"stage": to_stage})
    allowed = roles_allowed(from_stage, to_stage)
    if not allowed:
        raise CaseActionError(
            _("A case cannot move from “%(from)s” to “%(to)s”.")
            % {"from": Stage(from_stage).label, "to": Stage(to_stage).label}
        )
    if actor.role not in allowed:
        raise CaseActionError(
            _("Your role cannot move a case from “%(from)s” to “%(to)s”.")
            % {"from": Stage(from_stage).label, "to": Stage(to_stage).label}
        )
    need = requirement(from_stage, to_stage)
    if need and not _requirement_met(need, actor, case, approval):
        raise CaseActionError(
            _("Moving a case from “%(from)s” to “%(to)s” needs %(need)s.")
            % {
                "from": Stage(from_stage).label,
                "to": Stage(to_stage).label,
                "need": Needs(need).label,
            }
        )
    if to_stage == Stage.CLEARED and (unreviewed := open_hits(case)):
        raise CaseActionError(
            ngettext(
                "%(n)d screening match on this case is still open: it must be reviewed before "
                "the case is cleared.",
                "%(n)d screening matches on this case are still open: they must be reviewed "
                "before the case is cleared.",
                unreviewed,
            )
            % {"n": unreviewed}
        )
    now = timezone.now()
    detail = {"from": from_stage, "to": to_stage}
    if approval is not None:
        detail["approval"] = str(approval.pk)
    with transaction.atomic():
        # Compare-and-set: of two concurrent moves from the same stage, only one matches a row.
        moved = Case.objects.filter(pk=case.pk, stage=from_stage).update(
            stage=to_stage, stage_changed_at=now, is_open=to_stage in OPEN_STAGES
        )
        if not moved:
            raise CaseActionError(
                _("Someone else changed this case a moment ago. Reload it and try again.")
            )
        TimelineEntry.objects.create(
            case=case,
            at=now,
            actor=actor,
            kind=TimelineEntry.Kind.STAGE,
            from_stage=from_stage,
            to_stage=to_stage,
            note=note,
        )
        audit.record(actor, "case.move", case, request=request, detail=detail)
    case.stage, case.stage_changed_at, case.is_open = to_stage, now, to_stage in OPEN_STAGES
    return case


def assign_case(actor, case: Case, *, cell, users, request=None) -> Case:
    """Give the case to a cell and to named users (replacing the previous assignment)."""
    if not can(actor, Action.ASSIGN, case):
        raise PermissionDenied
    with transaction.atomic():
        case.cell = cell
        case.save(update_fields=["cell"])
        case.assignees.set(users)
        _record_assignment(actor, case, request=request, users=users)
    return case


def assign_request_logger(actor, case: Case, *, request=None) -> Case:
    """Assign the person who just logged the first request of `case` to it, next to anyone
    already assigned: they typed the names, so seeing them again tells them nothing new, and
    without it they could not check what they typed or follow up.

    Only for someone who may log requests and logged one on this case, so it cannot be used to
    take a case; a follow-up request never calls it (a name alone must not open a case).
    """
    if not can(actor, Action.LOG_REQUEST) or not case.requests.filter(logged_by=actor).exists():
        raise PermissionDenied
    with transaction.atomic():
        case.assignees.add(actor)
        _record_assignment(
            actor, case, request=request, users=case.assignees.all(), why="logged_request"
        )
    return case


def _record_assignment(actor, case: Case, *, request, users, why: str = "") -> None:
    """The timeline entry and audit record of an assignment; `users` is who is assigned now."""
    TimelineEntry.objects.create(case=case, actor=actor, kind=TimelineEntry.Kind.ASSIGNMENT)
    detail = {"cell": case.cell_id, "users": sorted(u.pk for u in users)}
    if why:
        detail["why"] = why
    audit.record(actor, "case.assign", case, request=request, detail=detail)


@dataclass(frozen=True)
class Identity:
    names: list[str]
    unit: str
    township: str
    contact_handle: str
    age: int | None
    family_at_risk: bool
    request_notes: list[tuple]
    # Names an integration sent that failed the name checks, as sent: for someone to verify.
    unverified_names: list[str]


def read_identity(actor, case: Case, *, request=None) -> Identity:
    """Open the person's sealed details for someone assigned to the case, and audit the read."""
    if not can(actor, Action.VIEW_IDENTITY, case):
        raise PermissionDenied
    person = case.person
    audit.record(
        actor, "person.read_identity", person, request=request, detail={"case": str(case.pk)}
    )
    requests = list(case.requests.all())
    notes = [(r.received_at, r.get_channel_display(), r.notes) for r in requests]
    unverified = list(dict.fromkeys(n for r in requests for n in r.unverified_names or ()))
    return Identity(
        names=person.names,
        unit=person.unit,
        township=person.township,
        contact_handle=person.contact_handle,
        age=person.age,
        family_at_risk=person.family_at_risk,
        request_notes=notes,
        unverified_names=unverified,
    )
