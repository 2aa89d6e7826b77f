"""What every app's actions share."""

from django.db import transaction

from passage.core import audit


class ActionError(Exception):
    """A rule said no; the message is for the user. Each app's own error (VettingError,
    PlanningError) is one of these, so one view helper (`passage.core.views.submit`) serves all."""


def save_audited(actor, obj, event: str, *, update_fields=None, request=None, detail=None):
    """Save `obj` (a new record, or only `update_fields` of one) and write the audit record
    `event`, in one transaction: a change is never saved without its record. Inside a caller's
    transaction it joins that one (no savepoint), so a failure still rolls back the caller's
    work too."""
    with transaction.atomic(savepoint=False):
        obj.save(update_fields=update_fields)
        audit.record(actor, event, obj, request=request, detail=detail)
    return obj


def update_audited(actor, obj, fields: dict, event: str, *, request=None, detail=None):
    """Set `fields` on `obj` and save only those columns, audited as `save_audited` does."""
    for name, value in fields.items():
        setattr(obj, name, value)
    return save_audited(
        actor, obj, event, update_fields=list(fields), request=request, detail=detail
    )
