"""Cleared cases with exit plans: whose plan it is decides who may see it."""

from passage.accounts.roles import Role
from passage.cases.lifecycle import Stage
from passage.planning import actions
from tests.conftest import make_case, make_user


def cleared_case(people, cell):
    return make_case(people["coordinator"], cell=cell, stage=Stage.CLEARED)


def make_plan(people, cell, *, scenario="own"):
    """ "own": the North coordinator approves and the North planner plans. "other": a South case
    whose plan belongs to the South coordinator and a South planner. "not_on_plan": a North
    case whose plan belongs to the South coordinator and another North planner."""
    if scenario == "own":
        approver, planners = people["coordinator"], [people["planner"]]
    else:
        approver = people["outsider_coordinator"]
        planners = [make_user(f"planner-{scenario}", Role.PLANNER, cells=[cell])]
    case = cleared_case(people, cell)
    if scenario != "own":
        # The South coordinator is in the South cell; assign them so they may open the plan.
        case.assignees.add(approver)
    return actions.create_plan(approver, case, planners=planners)


def go(people, plan):
    actions.decide_go(plan.approver, plan, go=True, reason="")
    return plan


def new_step(user, plan, **fields):
    """A step added by `user`, plain but for the `fields` a test is about."""
    defaults = {
        "title": "Meet the driver",
        "details": "Tea shop by the bridge, 06:00",
        "owner": None,
        "due_at": None,
        "status": "todo",
    }
    return actions.add_step(user, plan, **(defaults | fields))


def make_step(people, cell, *, scenario="own"):
    plan = make_plan(people, cell, scenario=scenario)
    return new_step(plan.approver, plan)


def make_check_in(people, cell, *, scenario="own"):
    from datetime import timedelta

    from django.utils import timezone

    plan = make_plan(people, cell, scenario=scenario)
    return actions.schedule_check_in(
        plan.approver, plan, due_at=timezone.now() + timedelta(hours=1)
    )


def make_alert(people, cell):
    from passage.planning.models import Alert

    plan = make_plan(people, cell)
    return Alert.objects.create(
        recipient=people["planner"], plan=plan, kind=Alert.Kind.MISSED_CHECK_IN
    )
