"""What a plan's people do: open a plan, add and update steps, decide go or no-go, schedule and
record check-ins, and record the outcome; and what the background task does with missed
check-ins. Every read of plan details is audited, and so is every write.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.roles import Role
from passage.cases.actions import CaseActionError, move_case
from passage.cases.lifecycle import Stage
from passage.cases.models import Case
from passage.core import audit
from passage.core.access import Action, plan_people_ids, require
from passage.core.actions import ActionError, save_audited, update_audited
from passage.core.models import AuditRecord
from passage.core.sealing import state
from passage.planning.models import Alert, CheckIn, GoDecision, Outcome, Plan, Step

PLANNABLE = (Stage.CLEARED, Stage.PLANNING)
# The stage an outcome moves the case to, where one follows from it.
STAGE_OF_OUTCOME = {Outcome.ARRIVED: Stage.ARRIVED, Outcome.LOST_CONTACT: Stage.LOST_CONTACT}


class PlanningError(ActionError):
    """A rule said no; the message is for the user."""


def create_plan(actor, case: Case, *, planners, request=None) -> Plan:
    """Open the exit plan of a cleared case; the coordinator who opens it approves it. Moves the
    case from "cleared" to "planning"."""
    require(actor, Action.CREATE_PLAN, case)
    if case.stage not in PLANNABLE:
        raise PlanningError(_("Only a cleared case can get an exit plan."))
    planners = _planners_ok(planners)
    with transaction.atomic():
        if Plan.objects.filter(case=case).exists():
            raise PlanningError(_("This case already has an exit plan."))
        plan = Plan.objects.create(case=case, approver=actor)
        plan.planners.set(planners)
        audit.record(
            actor,
            "plan.create",
            plan,
            request=request,
            detail={"case": str(case.pk), "planners": sorted(p.pk for p in planners)},
        )
        if case.stage == Stage.CLEARED:
            try:
                move_case(actor, case, Stage.PLANNING, request=request)
            except CaseActionError as exc:
                raise PlanningError(str(exc)) from exc
    return plan


def _planners_ok(planners) -> list:
    planners = list(planners)
    if not planners or any(p.role != Role.PLANNER or not p.is_active for p in planners):
        raise PlanningError(_("Choose at least one planner."))
    return planners


def change_planners(actor, plan: Plan, *, planners, request=None) -> Plan:
    """The approving coordinator adds or removes planners. A removed planner loses the plan at
    once (need-to-know): the steps they owned lose their owner, and their alerts on this plan,
    which name the case, go. At least one planner stays."""
    require(actor, Action.CHANGE_PLANNERS, plan)
    planners = _planners_ok(planners)
    with transaction.atomic():
        # Locked: two coordinators' edits (or an edit and a new step's owner check) in turn.
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        before = set(plan.planners.values_list("pk", flat=True))
        after = {p.pk for p in planners}
        removed, added = before - after, after - before
        plan.planners.set(planners)
        plan.__dict__.pop("_people_ids", None)
        unowned = plan.steps.filter(owner__in=removed).update(owner=None)
        Alert.objects.filter(plan=plan, recipient__in=removed).delete()
        audit.record(
            actor,
            "plan.planners",
            plan,
            request=request,
            detail={
                "case": str(plan.case_id),
                "added": sorted(added),
                "removed": sorted(removed),
                "steps_unowned": unowned,
            },
        )
    return plan


@dataclass(frozen=True)
class PlanDetails:
    steps: list
    check_ins: list
    go_decisions: list


def read_plan(actor, plan: Plan, *, request=None) -> PlanDetails:
    """Open the plan's sealed details for one of its people, and audit the read."""
    require(actor, Action.VIEW_PLAN, plan)
    audit.record(actor, "plan.read", plan, request=request, detail={"case": str(plan.case_id)})
    return PlanDetails(
        steps=list(plan.steps.select_related("owner")),
        check_ins=list(plan.check_ins.select_related("recorded_by")),
        go_decisions=list(plan.go_decisions.select_related("decided_by")),
    )


def _owner_ok(plan: Plan, owner) -> None:
    if owner is not None and owner.pk not in plan_people_ids(plan):
        raise PlanningError(_("A step's owner must be one of the plan's people."))


def add_step(actor, plan: Plan, *, title, details, owner, due_at, status, request=None) -> Step:
    require(actor, Action.EDIT_PLAN, plan)
    _owner_ok(plan, owner)
    step = Step(
        plan=plan,
        case_id=plan.case_id,
        title=title,
        details=details,
        owner=owner,
        due_at=due_at,
        status=status,
    )
    return save_audited(
        actor, step, "plan.step_add", request=request, detail={"plan": str(plan.pk)}
    )


def update_step(actor, step: Step, *, title, details, owner, due_at, status, request=None) -> Step:
    plan = step.plan
    require(actor, Action.EDIT_PLAN, plan)
    _owner_ok(plan, owner)
    return update_audited(
        actor,
        step,
        {"title": title, "details": details, "owner": owner, "due_at": due_at, "status": status},
        "plan.step_update",
        request=request,
        detail={"plan": str(plan.pk), "status": status},
    )


def decide_go(actor, plan: Plan, *, go: bool, reason: str, request=None) -> GoDecision:
    """The approving coordinator's go or no-go; the latest one counts."""
    require(actor, Action.DECIDE_GO, plan)
    if plan.case.stage != Stage.PLANNING:
        raise PlanningError(_("A go or no-go is decided while the case is in planning."))
    if not go and not reason:
        raise PlanningError(_("Say why it is a no-go."))
    with transaction.atomic():
        decision = GoDecision(
            plan=plan, case_id=plan.case_id, go=go, reason=reason, decided_by=actor
        )
        decision.save()
        audit.record(
            actor, "plan.go" if go else "plan.no_go", plan, request=request, detail={"go": go}
        )
    return decision


def start_transit(actor, plan: Plan, *, request=None) -> Case:
    """Move the case to "in transit" (move_case refuses without a go)."""
    require(actor, Action.EDIT_PLAN, plan)
    try:
        return move_case(actor, plan.case, Stage.IN_TRANSIT, request=request)
    except CaseActionError as exc:
        raise PlanningError(str(exc)) from exc


def schedule_check_in(actor, plan: Plan, *, due_at, request=None) -> CheckIn:
    """Expect contact by `due_at`; if none is recorded by then, the plan's people are alerted."""
    from passage.planning.tasks import raise_missed_check_ins

    require(actor, Action.EDIT_PLAN, plan)
    if due_at <= timezone.now():
        raise PlanningError(_("A check-in must be due in the future."))
    with transaction.atomic():
        check_in = CheckIn(plan=plan, case_id=plan.case_id, due_at=due_at, created_by=actor)
        check_in.save()
        audit.record(
            actor,
            "plan.check_in_schedule",
            check_in,
            request=request,
            detail={"plan": str(plan.pk), "due": due_at.isoformat()},
        )
        # In the same transaction: a check-in is never saved without its deadline queued.
        raise_missed_check_ins.using(run_after=due_at).enqueue()
    return check_in


def record_check_in(actor, check_in: CheckIn, *, note: str, request=None) -> CheckIn:
    """Contact was made (even late, after an alert)."""
    plan = check_in.plan
    require(actor, Action.EDIT_PLAN, plan)
    with transaction.atomic():
        updated = CheckIn.objects.filter(
            pk=check_in.pk, status__in=[CheckIn.Status.EXPECTED, CheckIn.Status.MISSED]
        ).update(status=CheckIn.Status.RECEIVED, recorded_by=actor, recorded_at=timezone.now())
        if not updated:
            raise PlanningError(_("Contact was already recorded for this check-in."))
        check_in.refresh_from_db()
        check_in.note = note
        check_in.save(update_fields=["note"])
        audit.record(
            actor, "plan.check_in_record", check_in, request=request, detail={"plan": str(plan.pk)}
        )
    return check_in


def record_outcome(actor, plan: Plan, *, outcome: str, note: str, request=None) -> Plan:
    """How the exit ended. Arrived and lost contact move the case; compromised opens the review
    of who read the plan."""
    require(actor, Action.EDIT_PLAN, plan)
    if outcome not in Outcome.values:
        raise PlanningError(_("Choose an outcome."))
    with transaction.atomic():
        update_audited(
            actor,
            plan,
            {
                "outcome": outcome,
                "outcome_note": note,
                "outcome_by": actor,
                "outcome_at": timezone.now(),
            },
            "plan.outcome",
            request=request,
            detail={"outcome": outcome},
        )
        to_stage = STAGE_OF_OUTCOME.get(outcome)
        if to_stage and plan.case.stage != to_stage:
            try:
                move_case(actor, plan.case, to_stage, request=request)
            except CaseActionError as exc:
                raise PlanningError(str(exc)) from exc
    return plan


@dataclass(frozen=True)
class Reader:
    actor_id: int | None
    name: str
    reads: int
    first: object
    last: object


def plan_readers(actor, plan: Plan, *, request=None) -> list[Reader]:
    """Every account that read the plan, from the audit chain: for the review after a compromise."""
    require(actor, Action.VIEW_PLAN_READS, plan)
    reads = AuditRecord.objects.filter(
        action="plan.read", object_type=Plan._meta.label_lower, object_id=str(plan.pk)
    ).order_by("seq")
    by_actor: dict = {}
    for r in reads.values("actor_id", "actor_name", "at"):
        key = r["actor_id"]
        known = by_actor.get(key)
        if known is None:
            by_actor[key] = [r["actor_name"], 1, r["at"], r["at"]]
        else:
            known[1] += 1
            known[3] = r["at"]
    audit.record(actor, "plan.review_reads", plan, request=request)
    return [Reader(k, v[0], v[1], v[2], v[3]) for k, v in by_actor.items()]


# --- alerts -----------------------------------------------------------------------------------


def find_missed_check_ins(now=None) -> list[Alert]:
    """Mark every overdue check-in missed and alert the plan's people. Safe to run twice at once:
    a check-in is claimed by one compare-and-set update."""
    now = now or timezone.now()
    raised = []
    overdue = CheckIn.objects.filter(status=CheckIn.Status.EXPECTED, due_at__lte=now)
    for check_in in overdue.select_related("plan"):
        with transaction.atomic():
            claimed = CheckIn.objects.filter(pk=check_in.pk, status=CheckIn.Status.EXPECTED).update(
                status=CheckIn.Status.MISSED
            )
            if not claimed:
                continue
            plan = check_in.plan
            raised += Alert.objects.bulk_create(
                Alert(
                    recipient_id=uid,
                    plan=plan,
                    check_in=check_in,
                    kind=Alert.Kind.MISSED_CHECK_IN,
                    raised_at=now,
                )
                for uid in sorted(plan_people_ids(plan))
            )
    audit_raised_alerts()
    return raised


def audit_raised_alerts() -> int:
    """Write the audit record of alerts raised by a process without keys (the worker while
    Passage is sealed there). Does nothing in a sealed process."""
    if not state.is_unsealed():
        return 0
    done = 0
    with transaction.atomic():
        for alert in Alert.objects.select_for_update().filter(audited=False).order_by("raised_at"):
            audit.record(
                None,
                "alert.raise",
                alert,
                detail={
                    "kind": alert.kind,
                    "recipient": alert.recipient_id,
                    "plan": str(alert.plan_id),
                    "raised_at": alert.raised_at.isoformat(),
                },
            )
            Alert.objects.filter(pk=alert.pk).update(audited=True)
            done += 1
    return done


def mark_alert_seen(actor, alert: Alert, *, request=None) -> Alert:
    if alert.recipient_id != actor.pk:
        raise PermissionDenied
    if alert.seen_at is None:
        update_audited(actor, alert, {"seen_at": timezone.now()}, "alert.seen", request=request)
    return alert
