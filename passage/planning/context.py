from django.utils.functional import SimpleLazyObject

from passage.accounts.roles import Role

# Only a plan's people get alerts: its planners and its approving coordinator.
ALERTED_ROLES = {Role.PLANNER, Role.COORDINATOR}


def alerts(request):
    """How many alerts the user has not seen yet, for the header (counted only when shown)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.role in ALERTED_ROLES):
        return {"unseen_alerts": 0}

    def count():
        from passage.planning.models import Alert

        return Alert.objects.filter(recipient=user, seen_at=None).count()

    return {"unseen_alerts": SimpleLazyObject(count), "may_have_alerts": True}
