from django import template

from passage.core.access import Action, can

register = template.Library()


@register.filter
def may_see_aftercare(case, user) -> bool:
    return can(user, Action.VIEW_AFTERCARE, case)
