"""What users do in vetting: keep checklist templates, tick a case's checklist, add references,
recommend a decision (and withdraw it while it waits), and approve or decline someone else's
recommendation.

Clearing takes two people: one recommends, a coordinator who did none of the vetting approves;
the approval moves the case through `move_case`, which checks the same rule again.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.cases.actions import CaseActionError, move_case
from passage.cases.lifecycle import Stage
from passage.cases.models import Case, Person
from passage.core import audit
from passage.core.access import Action, can, require, require_second_pair_of_eyes
from passage.core.actions import ActionError, save_audited, update_audited
from passage.core.models import AuditRecord
from passage.vetting.models import (
    CLEARANCES,
    ChecklistItem,
    ChecklistTemplate,
    Decision,
    Reference,
    TemplateItem,
)

# The vetting work whose authors may not approve the case's clearance.
# Reviewing a screening match is vetting work too: whoever judged a hit a false positive must not
# also be the second pair of eyes on the clearance.
VETTING_WORK = ("vetting.item", "vetting.reference", "vetting.recommend", "screening.review_hit")

STAGE_OF = {
    Decision.Kind.CLEAR: Stage.CLEARED,
    Decision.Kind.CLEAR_WITH_CONDITIONS: Stage.CLEARED,
    Decision.Kind.REJECT: Stage.REJECTED,
    Decision.Kind.REFER: Stage.REFERRED,
    Decision.Kind.SUSPEND: Stage.SUSPENDED,
}


class VettingError(ActionError):
    """A rule said no; the message is for the user."""


def _require_vetting_stage(case: Case) -> None:
    if case.stage != Stage.VETTING:
        raise VettingError(
            _("This case is not in vetting (it is “%(stage)s”).")
            % {"stage": case.get_stage_display()}
        )


# --- templates --------------------------------------------------------------------------------


def save_template(
    actor,
    template: ChecklistTemplate | None,
    *,
    name: str,
    items: list,
    is_default: bool,
    request=None,
) -> ChecklistTemplate:
    """Create or replace a template's name and checks; cases' own checklists keep their copy."""
    require(actor, Action.EDIT_CHECKLISTS)
    with transaction.atomic():
        template = template or ChecklistTemplate()
        template.name, template.is_default = name, is_default
        template.updated_at, template.updated_by = timezone.now(), actor
        template.save()
        if is_default:
            ChecklistTemplate.objects.exclude(pk=template.pk).update(is_default=False)
        template.items.all().delete()
        TemplateItem.objects.bulk_create(
            TemplateItem(template=template, position=i, text_en=en, text_my=my)
            for i, (en, my) in enumerate(items, start=1)
        )
        audit.record(
            actor,
            "vetting.template_save",
            template,
            request=request,
            detail={"items": len(items), "default": is_default},
        )
    return template


# --- a case's checklist -----------------------------------------------------------------------


def start_checklist(actor, case: Case, template: ChecklistTemplate, *, request=None) -> int:
    """Copy a template's checks onto the case (once)."""
    require(actor, Action.DO_VETTING, case)
    _require_vetting_stage(case)
    with transaction.atomic():
        if case.checklist.exists():
            raise VettingError(_("This case already has a checklist."))
        items = [
            ChecklistItem(case=case, position=t.position, text_en=t.text_en, text_my=t.text_my)
            for t in template.items.all()
        ]
        for item in items:
            item.save()  # one by one: each note is encrypted with the row's own id
        audit.record(
            actor,
            "vetting.checklist_start",
            case,
            request=request,
            detail={"template": template.pk, "items": len(items)},
        )
    return len(items)


def update_item(
    actor, item: ChecklistItem, *, status: str, note: str, request=None
) -> ChecklistItem:
    """Record that a check was done, not done, or does not apply, with a note."""
    case = item.case
    require(actor, Action.DO_VETTING, case)
    _require_vetting_stage(case)
    if status not in ChecklistItem.Status.values:
        raise VettingError(_("Choose done, not done or not applicable."))
    return update_audited(
        actor,
        item,
        {"status": status, "note": note, "recorded_by": actor, "recorded_at": timezone.now()},
        "vetting.item",
        request=request,
        detail={"case": str(case.pk), "status": status},
    )


# --- references -------------------------------------------------------------------------------


def add_reference(
    actor, case: Case, *, pseudonym: str, description: str, strength: str, request=None
) -> Reference:
    """Someone who vouches for the requester; a known person is found by pseudonym among the
    cases the actor may see (so nobody learns of a case through this form)."""
    require(actor, Action.DO_VETTING, case)
    _require_vetting_stage(case)
    person = None
    if pseudonym:
        visible = Case.objects.visible_to(actor).filter(person__pseudonym=pseudonym)
        person = Person.objects.filter(cases__in=visible).distinct().first()
        if person is None:
            raise VettingError(
                _(
                    "No one called “%(p)s” among the cases you can see. Check the pseudonym, or "
                    "describe the reference instead."
                )
                % {"p": pseudonym}
            )
        if person.pk == case.person_id:
            raise VettingError(_("A person cannot vouch for themselves."))
    if person is None and not description:
        raise VettingError(_("Give the reference's pseudonym or describe who they are."))
    ref = Reference(
        case=case, person=person, description=description, strength=strength, added_by=actor
    )
    return save_audited(
        actor,
        ref,
        "vetting.reference",
        request=request,
        detail={"case": str(case.pk), "strength": strength, "known_person": person is not None},
    )


@dataclass(frozen=True)
class Flag:
    reference: Reference
    reasons: list[str]


def reference_flags(references) -> dict:
    """Reference id -> why that reference is flagged: their own case was rejected or referred,
    or a screening hit on them was confirmed. Unflagged references are left out."""
    person_ids = {r.person_id for r in references if r.person_id}
    if not person_ids:
        return {}
    reasons: dict = {pid: [] for pid in person_ids}
    bad_stages = {
        Stage.REJECTED: _("their case was rejected"),
        Stage.REFERRED: _("their case was referred for accountability"),
    }
    for pid, stage in Case.objects.filter(person__in=person_ids, stage__in=bad_stages).values_list(
        "person_id", "stage"
    ):
        reasons[pid].append(str(bad_stages[stage]))
    try:
        from passage.screening.models import Hit
    except ImportError:  # screening not installed: the case outcome alone decides
        Hit = None
    if Hit is not None:
        confirmed = Hit.objects.filter(
            case__person__in=person_ids, status=Hit.Status.CONFIRMED
        ).values_list("case__person_id", flat=True)
        for pid in set(confirmed):
            reasons[pid].append(_("a screening match on them was confirmed"))
    return {
        r.pk: sorted(set(reasons[r.person_id]))
        for r in references
        if r.person_id and reasons[r.person_id]
    }


@dataclass(frozen=True)
class Trust:
    references: int
    strong: int
    flagged: int

    @property
    def lowered(self) -> bool:
        return self.flagged > 0


def trust_of(references, flags: dict) -> Trust:
    usable = [r for r in references if r.pk not in flags]
    return Trust(
        references=len(references),
        strong=sum(1 for r in usable if r.strength == Reference.Strength.STRONG),
        flagged=len(flags),
    )


# --- decisions --------------------------------------------------------------------------------


def vetters_of(case: Case) -> set:
    """Everyone who did vetting work on the case, read from the audit chain."""
    return set(
        AuditRecord.objects.filter(action__in=VETTING_WORK, detail__case=str(case.pk))
        .exclude(actor=None)
        .values_list("actor_id", flat=True)
    )


def recommend(
    actor, case: Case, *, kind: str, reason: str = "", conditions: str = "", request=None
) -> Decision:
    """Recommend a decision. It replaces any recommendation still waiting. A coordinator's own
    reject, referral or suspension takes effect at once; a clearance always waits for a second
    person."""
    require(actor, Action.DO_VETTING, case)
    _require_vetting_stage(case)
    if kind not in Decision.Kind.values:
        raise VettingError(_("Choose a decision."))
    if kind not in CLEARANCES and not reason:
        raise VettingError(_("Give the reason for this decision."))
    if kind == Decision.Kind.CLEAR_WITH_CONDITIONS and not conditions:
        raise VettingError(_("Write the conditions of the clearance."))
    with transaction.atomic():
        case.decisions.filter(status=Decision.Status.PENDING).update(
            status=Decision.Status.SUPERSEDED
        )
        decision = Decision(
            case=case, kind=kind, reason=reason, conditions=conditions, recommended_by=actor
        )
        decision.save()
        audit.record(
            actor,
            "vetting.recommend",
            decision,
            request=request,
            detail={"case": str(case.pk), "kind": kind},
        )
        if kind not in CLEARANCES and can(actor, Action.APPROVE_DECISION, case):
            _decide(actor, decision, request=request)
    return decision


def _decide(actor, decision: Decision, *, request=None) -> None:
    update_audited(
        actor,
        decision,
        {"status": Decision.Status.APPROVED, "decided_by": actor, "decided_at": timezone.now()},
        "vetting.decide",
        request=request,
        detail={"case": str(decision.case_id), "kind": decision.kind},
    )
    try:
        move_case(
            actor,
            decision.case,
            STAGE_OF[decision.kind],
            request=request,
            approval=decision if decision.is_clearance else None,
        )
    except CaseActionError as exc:
        raise VettingError(str(exc)) from exc


def _pending(decision: Decision) -> None:
    if decision.status != Decision.Status.PENDING:
        raise VettingError(
            _("This recommendation is no longer waiting (it is “%(status)s”).")
            % {"status": decision.get_status_display()}
        )


def approve(actor, decision: Decision, *, request=None) -> Decision:
    """A second person agrees: the decision takes effect and the case moves."""
    case = decision.case
    require(actor, Action.APPROVE_DECISION, case)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("case").get(pk=decision.pk)
        decision.case = case
        _pending(decision)
        if decision.recommended_by_id == actor.pk:
            raise VettingError(_("You recommended this. A different coordinator must approve it."))
        if decision.is_clearance and actor.pk in vetters_of(case):
            raise VettingError(
                _(
                    "You did part of the vetting on this case. A coordinator who did not must "
                    "approve its clearance."
                )
            )
        if decision.is_clearance:
            require_second_pair_of_eyes(actor, VettingError)
        _decide(actor, decision, request=request)
    return decision


def _settle(actor, decision: Decision, status, *, note_field, note, event, request, refuse=None):
    """Close a waiting recommendation without it taking effect (declined, withdrawn), with the
    note saying why. Locked and re-read, as approve() does: of two people acting on it at once
    (a withdrawal racing an approval), the second finds it no longer waiting."""
    case = decision.case
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        decision.case = case
        _pending(decision)
        if refuse is not None:
            refuse(decision)
        return update_audited(
            actor,
            decision,
            {"status": status, "decided_by": actor, "decided_at": timezone.now(), note_field: note},
            event,
            request=request,
            detail={"case": str(case.pk), "kind": decision.kind},
        )


def decline(actor, decision: Decision, *, note: str, request=None) -> Decision:
    """A second person disagrees: the case stays in vetting and the note says why."""
    require(actor, Action.APPROVE_DECISION, decision.case)
    if not note:
        raise VettingError(_("Say why you decline it."))

    def not_ones_own(decision):
        if decision.recommended_by_id == actor.pk:
            raise VettingError(_("You cannot decline your own recommendation; make a new one."))

    return _settle(
        actor,
        decision,
        Decision.Status.DECLINED,
        note_field="decline_note",
        note=note,
        event="vetting.decline",
        request=request,
        refuse=not_ones_own,
    )


def withdraw(actor, decision: Decision, *, note: str, request=None) -> Decision:
    """The person who recommended takes it back before anyone approves it: nothing is left to
    approve, and the case stays in vetting."""
    require(actor, Action.WITHDRAW_RECOMMENDATION, decision)
    if not note:
        raise VettingError(_("Say why you withdraw it."))
    return _settle(
        actor,
        decision,
        Decision.Status.WITHDRAWN,
        note_field="withdraw_note",
        note=note,
        event="vetting.withdraw",
        request=request,
    )
