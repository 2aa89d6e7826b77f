from passage.core.access import Action, can
from passage.core.models import Organisation


def organisation(request):
    """The organisation's name and which menu entries this user may see."""
    user = getattr(request, "user", None)
    org = Organisation.current()
    return {
        "organisation": org,
        "nav": {
            "queue": can(user, Action.VIEW_QUEUE),
            "log_request": can(user, Action.LOG_REQUEST),
            "audit": can(user, Action.VIEW_AUDIT),
            "sealing": can(user, Action.SEAL),
            "users": can(user, Action.MANAGE_USERS),
            "account_requests": can(user, Action.APPROVE_ACCOUNT_REQUEST),
            "figures": can(user, Action.VIEW_FIGURES),
            "lists": can(user, Action.VIEW_LISTS),
            "import_cases": can(user, Action.IMPORT_CASES),
            "checklists": can(user, Action.EDIT_CHECKLISTS),
            "public_inbox": can(user, Action.VIEW_PUBLIC_INBOX),
            "aftercare": can(user, Action.VIEW_AFTERCARE),
            "live": can(user, Action.SCHEDULE_LIVE),
        },
    }
