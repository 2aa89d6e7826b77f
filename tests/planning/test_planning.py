import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from passage.accounts.roles import Role
from passage.cases.actions import CaseActionError, move_case
from passage.cases.lifecycle import Stage
from passage.core import audit
from passage.core.access import Action, can, get_plan_or_404
from passage.core.models import AuditRecord
from passage.planning import actions
from passage.planning.actions import PlanningError
from passage.planning.models import Alert, CheckIn, Plan, Step
from tests.conftest import make_user, signed_in
from tests.planning.helpers import cleared_case, go, make_plan, new_step


@pytest.fixture
def plan(people, cells):
    return make_plan(people, cells["north"])


def test_a_coordinator_opens_the_plan_of_a_cleared_case_and_it_moves_to_planning(people, cells):
    case = cleared_case(people, cells["north"])
    with pytest.raises(PermissionDenied):
        actions.create_plan(people["planner"], case, planners=[people["planner"]])
    with pytest.raises(PlanningError, match="at least one planner"):
        actions.create_plan(people["coordinator"], case, planners=[people["vetter"]])
    plan = actions.create_plan(people["coordinator"], case, planners=[people["planner"]])
    case.refresh_from_db()
    assert case.stage == Stage.PLANNING and plan.approver == people["coordinator"]
    with pytest.raises(PlanningError, match="already has"):
        actions.create_plan(people["coordinator"], case, planners=[people["planner"]])


def test_a_case_still_in_vetting_gets_no_plan(people, cells):
    from tests.conftest import make_case

    case = make_case(people["coordinator"], cell=cells["north"], stage=Stage.VETTING)
    with pytest.raises(PlanningError, match="cleared"):
        actions.create_plan(people["coordinator"], case, planners=[people["planner"]])


def test_only_the_plans_own_people_see_it(people, cells, plan):
    other_planner = make_user("planner-2", Role.PLANNER, cells=[cells["north"]])
    assert can(people["planner"], Action.VIEW_PLAN, plan)
    assert can(people["coordinator"], Action.VIEW_PLAN, plan)
    # Same cell, same role, a coordinator elsewhere, an admin: none of them.
    for user in (
        other_planner,
        people["vetter"],
        people["outsider_coordinator"],
        people["admin"],
    ):
        assert not can(user, Action.VIEW_PLAN, plan)
        with pytest.raises(Http404):
            get_plan_or_404(user, plan.pk)
        assert signed_in(user).get(reverse("planning:plan", args=[plan.pk])).status_code == 404
    body = signed_in(people["coordinator"]).get(reverse("cases:detail", args=[plan.case.pk]))
    assert reverse("planning:plan", args=[plan.pk]) in body.content.decode()
    body = signed_in(people["vetter"]).get(reverse("cases:detail", args=[plan.case.pk]))
    assert reverse("planning:plan", args=[plan.pk]) not in body.content.decode()


def test_every_read_of_the_plan_is_audited_and_details_are_encrypted(people, plan):
    step = new_step(
        people["planner"],
        plan,
        title="Cross at the river",
        details="Boatman U Hla, 09-555 0101",
        owner=people["planner"],
    )
    raw = Step.objects.filter(pk=step.pk).values_list("details", flat=True).get()
    assert "U Hla" not in raw.token
    client = signed_in(people["planner"])
    body = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "Boatman U Hla" in body
    client.get(reverse("planning:edit_step", args=[step.pk]))
    reads = AuditRecord.objects.filter(action="plan.read", object_id=str(plan.pk))
    assert reads.count() == 2 and {r.actor for r in reads} == {people["planner"]}


def test_a_step_owner_must_be_on_the_plan(people, plan):
    with pytest.raises(PlanningError, match="owner"):
        new_step(people["planner"], plan, owner=people["vetter"])


def test_transit_needs_a_go_and_a_later_no_go_stops_it(people, plan):
    case = plan.case
    with pytest.raises(CaseActionError, match="go"):
        move_case(people["planner"], case, Stage.IN_TRANSIT)
    with pytest.raises(PermissionDenied):
        actions.decide_go(people["planner"], plan, go=True, reason="")
    go(people, plan)
    with pytest.raises(PlanningError, match="no-go"):
        actions.decide_go(people["coordinator"], plan, go=False, reason="")
    actions.decide_go(people["coordinator"], plan, go=False, reason="Checkpoint moved")
    with pytest.raises(PlanningError, match="go"):
        actions.start_transit(people["planner"], plan)
    go(people, plan)
    actions.start_transit(people["planner"], plan)
    case.refresh_from_db()
    assert case.stage == Stage.IN_TRANSIT
    assert {"plan.go", "plan.no_go"} <= set(AuditRecord.objects.values_list("action", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_missed_check_in_alerts_the_plans_people_through_a_real_worker(people, cells):
    plan = make_plan(people, cells["north"])
    go(people, plan)
    actions.start_transit(people["planner"], plan)
    started = timezone.now()
    check_in = actions.schedule_check_in(
        people["planner"], plan, due_at=started + timedelta(seconds=2)
    )
    worker = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"]

    call_command(*worker, verbosity=0)  # before it is due: nothing to run yet
    assert not Alert.objects.exists()

    time.sleep(max(0.0, (check_in.due_at - timezone.now()).total_seconds()) + 0.1)
    call_command(*worker, verbosity=0)

    check_in.refresh_from_db()
    assert check_in.status == CheckIn.Status.MISSED
    alerts = Alert.objects.filter(check_in=check_in)
    assert {a.recipient for a in alerts} == {people["planner"], people["coordinator"]}
    assert all(a.raised_at - check_in.due_at < timedelta(minutes=1) for a in alerts)
    assert all(a.audited for a in alerts)
    raised = AuditRecord.objects.filter(action="alert.raise")
    assert raised.count() == 2 and audit.verify().ok

    # Shown in the app, with a count in the header; seeing it is audited.
    client = signed_in(people["planner"])
    body = client.get(reverse("planning:alerts")).content.decode()
    assert "Missed check-in" in body and plan.case.person.pseudonym in body
    header = client.get(reverse("cases:queue")).content.decode()
    assert '<span class="count">1</span>' in header
    mine = alerts.get(recipient=people["planner"])
    client.post(reverse("planning:alert_seen", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.seen_at is not None
    assert AuditRecord.objects.filter(action="alert.seen", object_id=str(mine.pk)).exists()
    # Running again raises nothing twice.
    call_command(*worker, verbosity=0)
    assert Alert.objects.count() == 2


def test_a_check_in_with_contact_made_raises_no_alert(people, plan):
    check_in = actions.schedule_check_in(
        people["planner"], plan, due_at=timezone.now() + timedelta(minutes=30)
    )
    actions.record_check_in(people["planner"], check_in, note="Called from the bus")
    CheckIn.objects.filter(pk=check_in.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert actions.find_missed_check_ins() == []
    with pytest.raises(PlanningError, match="already recorded"):
        actions.record_check_in(people["planner"], check_in, note="")


def test_alerts_raised_while_sealed_are_audited_by_the_next_process_with_keys(people, plan):
    from passage.core.sealing import state

    check_in = actions.schedule_check_in(
        people["planner"], plan, due_at=timezone.now() + timedelta(minutes=5)
    )
    CheckIn.objects.filter(pk=check_in.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    real = state.is_unsealed
    state.is_unsealed = lambda: False  # the worker process has no keys
    try:
        actions.find_missed_check_ins()
    finally:
        state.is_unsealed = real
    assert Alert.objects.filter(audited=False).count() == 2
    assert not AuditRecord.objects.filter(action="alert.raise").exists()
    assert actions.audit_raised_alerts() == 2
    assert AuditRecord.objects.filter(action="alert.raise").count() == 2


def test_a_compromised_plan_lists_every_account_that_read_it(people, plan):
    for user in (people["planner"], people["coordinator"], people["planner"]):
        signed_in(user).get(reverse("planning:plan", args=[plan.pk]))
    response = signed_in(people["planner"]).post(
        reverse("planning:outcome", args=[plan.pk]),
        {"outcome": "compromised", "note": "Phone seized"},
    )
    assert response.status_code == 302 and response.url == reverse("planning:reads", args=[plan.pk])
    plan.refresh_from_db()
    readers = actions.plan_readers(people["coordinator"], plan)
    assert {(r.name, r.reads) for r in readers} == {("planner", 2), ("coordinator", 1)}
    page = signed_in(people["coordinator"]).get(reverse("planning:reads", args=[plan.pk]))
    assert "compromised" in page.content.decode()
    with pytest.raises(PermissionDenied):
        actions.plan_readers(people["planner"], plan)
    # A finished plan is read-only.
    assert not can(people["planner"], Action.EDIT_PLAN, plan)


def test_arrived_moves_the_case(people, plan):
    go(people, plan)
    actions.start_transit(people["planner"], plan)
    actions.record_outcome(people["planner"], plan, outcome="arrived", note="")
    plan.case.refresh_from_db()
    assert plan.case.stage == Stage.ARRIVED


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("planning:add_step", {"status": "todo"}, "This field is required"),
        ("planning:add_step", {"title": "x" * 201, "status": "todo"}, "at most 200"),
        ("planning:add_step", {"title": "x", "status": "todo", "due_at": "soon"}, "valid date"),
        ("planning:go", {"go": "no"}, "Say why it is a no-go"),
        ("planning:go", {"go": "perhaps"}, "Select a valid choice"),
        ("planning:schedule_check_in", {"due_at": "2001-01-01T10:00"}, "in the future"),
        ("planning:schedule_check_in", {"due_at": "2999-01-01T10:00"}, "within 60 days"),
        ("planning:outcome", {"outcome": "vanished"}, "Select a valid choice"),
    ],
)
def test_bad_plan_input_gets_a_clear_error_and_saves_nothing(people, plan, url, data, message):
    before = AuditRecord.objects.exclude(action="plan.read").count()
    response = signed_in(people["coordinator"]).post(reverse(url, args=[plan.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not plan.steps.exists() and not plan.go_decisions.exists()
    assert not plan.check_ins.exists()
    assert Plan.objects.get(pk=plan.pk).outcome == ""
    assert AuditRecord.objects.exclude(action="plan.read").count() == before


def test_a_new_plan_without_planners_is_refused(people, cells):
    case = cleared_case(people, cells["north"])
    response = signed_in(people["coordinator"]).post(reverse("planning:new", args=[case.pk]), {})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not Plan.objects.exists()


# --- changing the planners --------------------------------------------------------------------


def test_a_removed_planner_loses_the_plan_at_once_and_the_new_one_gets_it(people, cells, plan):
    from passage.core.access import get_check_in_or_404, get_step_or_404

    old, new = people["planner"], make_user("planner-2", Role.PLANNER, cells=[cells["north"]])
    step = new_step(old, plan, owner=old)
    check_in = actions.schedule_check_in(old, plan, due_at=timezone.now() + timedelta(hours=2))
    Alert.objects.create(recipient=old, plan=plan, kind=Alert.Kind.MISSED_CHECK_IN)
    assert get_plan_or_404(old, plan.pk) and not can(new, Action.VIEW_PLAN, plan)

    actions.change_planners(people["coordinator"], plan, planners=[new])

    # The same object the change went through, and a fresh one, both say no at once.
    assert not can(old, Action.VIEW_PLAN, plan) and can(new, Action.EDIT_PLAN, plan)
    for lookup, pk in ((get_plan_or_404, plan.pk), (get_step_or_404, step.pk)):
        with pytest.raises(Http404):
            lookup(old, pk)
    with pytest.raises(Http404):
        get_check_in_or_404(old, check_in.pk, Action.EDIT_PLAN)
    assert get_step_or_404(new, step.pk).plan == plan
    assert signed_in(old).get(reverse("planning:plan", args=[plan.pk])).status_code == 404
    assert signed_in(new).get(reverse("planning:plan", args=[plan.pk])).status_code == 200
    step.refresh_from_db()
    assert step.owner is None  # a step's owner is always one of the plan's people
    assert not Alert.objects.filter(recipient=old).exists()
    record = AuditRecord.objects.get(action="plan.planners")
    assert record.actor == people["coordinator"]
    assert (record.detail["added"], record.detail["removed"]) == ([new.pk], [old.pk])
    assert audit.verify().ok


def test_only_the_approver_changes_the_planners_and_one_always_stays(people, cells, plan):
    new = make_user("planner-2", Role.PLANNER, cells=[cells["north"]])
    for someone in (people["planner"], people["outsider_coordinator"], people["admin"]):
        with pytest.raises(PermissionDenied):
            actions.change_planners(someone, plan, planners=[new])
    for planners in ([], [people["vetter"]]):
        with pytest.raises(PlanningError, match="at least one planner"):
            actions.change_planners(people["coordinator"], plan, planners=planners)
    url = reverse("planning:planners", args=[plan.pk])
    response = signed_in(people["coordinator"]).post(url, {"planners": []})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = signed_in(people["planner"]).post(url, {"planners": [new.pk]})
    assert response.status_code == 403
    assert list(Plan.objects.get().planners.all()) == [people["planner"]]
    assert not AuditRecord.objects.filter(action="plan.planners").exists()
    response = signed_in(people["coordinator"]).post(
        url, {"planners": [people["planner"].pk, new.pk]}
    )
    assert response.status_code == 302
    assert set(Plan.objects.get().planners.all()) == {people["planner"], new}
