"""What every app's actions share."""

from django.db import transaction

from passage.core import audit


class ActionError(Exception):
    """A rule said no; the message is for the user. Each app's own error (VettingError,
    PlanningError) is one of these, so one view helper (`passage.core.views.submit`) serves all."""


def update_audited(actor, obj, fields: dict, event: str, *, request=None, detail=None):
    """Set `fields` on `obj`, save only those columns, and write the audit record `event`, in one
    transaction: a change is never saved without its record. Inside a caller's transaction it
    joins that one (no savepoint), so a failure still rolls back the caller's work too."""
    with transaction.atomic(savepoint=False):
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(fields))
        audit.record(actor, event, obj, request=request, detail=detail)
    return obj
