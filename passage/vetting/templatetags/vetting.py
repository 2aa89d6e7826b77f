from django import template

from passage.cases.lifecycle import Stage
from passage.core.access import Action, can

register = template.Library()

# A plan can exist only once a case was cleared; earlier stages skip the query.
NO_PLAN_YET = {Stage.RECEIVED, Stage.VETTING, Stage.REJECTED, Stage.REFERRED}


@register.simple_tag(takes_context=True)
def case_work(context, case):
    """Links from the case page to its vetting and its exit plan, as far as the user may go."""
    from passage.planning.models import Plan

    user = context["request"].user
    plan = None if case.stage in NO_PLAN_YET else Plan.objects.filter(case=case).first()
    return {
        "vetting": can(user, Action.VIEW_VETTING, case),
        "plan": plan if plan is not None and can(user, Action.VIEW_PLAN, plan) else None,
        "plan_exists": plan is not None,
        "new_plan": plan is None
        and case.stage in (Stage.CLEARED, Stage.PLANNING)
        and can(user, Action.CREATE_PLAN, case),
    }
