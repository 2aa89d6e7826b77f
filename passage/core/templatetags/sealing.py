from django import template

from passage.core import audit
from passage.core.access import Action, can
from passage.core.models import PurgeRequest
from passage.core.sealing import actions
from passage.core.sealing.forms import PurgeRequestForm

register = template.Library()


@register.simple_tag(takes_context=True)
def purge_panel(context, case):
    """The case page's purge section: when it was purged (for all who see the case); for
    coordinators, the request form or the request waiting for a second coordinator."""
    user = context["request"].user
    purged = actions.purged_at(case)
    if purged is not None:
        return {"show": True, "purged_at": purged}
    if not can(user, Action.PURGE_IDENTITY, case):
        return {"show": False}
    pending = (
        PurgeRequest.objects.filter(case=case, done_at=None).select_related("requested_by").first()
    )
    if pending is not None:
        # The reason may say why the person is at risk: reading it is audited like identity.
        audit.record(user, "case.read_purge_reason", case, request=context["request"])
    return {
        "show": True,
        "pending": pending,
        "may_approve": pending is not None and pending.requested_by_id != user.pk,
        "form": None if pending else PurgeRequestForm(),
    }
