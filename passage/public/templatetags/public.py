from django import template

from passage.core.access import Action, can

register = template.Library()


@register.simple_tag(takes_context=True)
def public_channel(context, case):
    """Replies to the requester behind this case, for those who may reply."""
    user = context["request"].user
    if not can(user, Action.REPLY_PUBLIC, case) or not case.sources.exists():
        return {"show": False}
    return {
        "show": True,
        "can_reply": True,
        "replies": case.sources.first().replies.select_related("author"),
    }
