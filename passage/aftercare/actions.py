"""What caseworkers do in after-care: record needs and services, take testimony, change or
withdraw consent. Each checks the rule and writes its audit record in one transaction."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from passage.aftercare.models import Need, Statement
from passage.aftercare.redaction import redact
from passage.core import audit
from passage.core.access import Action, require
from passage.core.actions import save_audited, update_audited

NEED_FIELDS = ("kind", "status", "provider", "starts_on", "ends_on", "details")


def add_need(actor, case, *, request=None, **data) -> Need:
    require(actor, Action.EDIT_AFTERCARE, case)
    need = Need(case=case, created_by=actor, **{f: data[f] for f in NEED_FIELDS if f in data})
    return save_audited(
        actor, need, "aftercare.need_add", request=request, detail={"kind": need.kind}
    )


def update_need(actor, need: Need, data: dict, *, request=None) -> Need:
    require(actor, Action.EDIT_AFTERCARE, need.case)
    changed = [f for f in NEED_FIELDS if f in data and getattr(need, f) != data[f]]
    if not changed:
        return need
    return update_audited(
        actor,
        need,
        {f: data[f] for f in changed},
        "aftercare.need_update",
        request=request,
        detail={"fields": changed},
    )


def record_statement(actor, case, *, text: str, consent: str, reasons, request=None) -> Statement:
    require(actor, Action.EDIT_AFTERCARE, case)
    statement = Statement(
        case=case, text=text, consent=consent, reasons=sorted(set(reasons)), recorded_by=actor
    )
    return save_audited(
        actor, statement, "testimony.record", request=request, detail={"consent": consent}
    )


def read_statement(actor, statement: Statement, *, request=None) -> dict:
    """The text and its redaction preview (names, aliases and township replaced); audited."""
    require(actor, Action.VIEW_AFTERCARE, statement.case)
    if statement.withdrawn_at is not None:
        raise PermissionDenied
    person = statement.case.person
    audit.record(actor, "testimony.read", statement, request=request)
    return {
        "text": statement.text,
        "redacted": redact(statement.text, names=person.names, township=person.township),
    }


def change_consent(actor, statement: Statement, consent: str, *, request=None) -> Statement:
    require(actor, Action.EDIT_AFTERCARE, statement.case)
    if statement.withdrawn_at is not None or consent == statement.consent:
        return statement
    return update_audited(
        actor,
        statement,
        {"consent": consent},
        "testimony.consent",
        request=request,
        detail={"from": statement.consent, "to": consent},
    )


def withdraw_consent(actor, statement: Statement, *, request=None) -> Statement:
    """The person withdrew consent: from now on the statement is never shown or exported."""
    require(actor, Action.EDIT_AFTERCARE, statement.case)
    with transaction.atomic():
        updated = Statement.objects.filter(pk=statement.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if updated:
            audit.record(actor, "testimony.withdraw", statement, request=request)
    statement.refresh_from_db(fields=["withdrawn_at"])
    return statement


class LiveError(Exception):
    """A rule said no; the message is for the user."""


def schedule_live(actor, *, title: str, starts_at, details: str = "", request=None):
    from passage.aftercare.models import LiveSession

    require(actor, Action.SCHEDULE_LIVE)
    session = LiveSession(title=title, starts_at=starts_at, details=details, created_by=actor)
    return save_audited(actor, session, "live.schedule", request=request)


def add_live_participant(actor, session, case, *, request=None):
    """Put a person in a session: only with a standing "live-stream" consent on a statement."""
    from django.utils.translation import gettext as _

    from passage.aftercare.models import Consent, LiveParticipant

    require(actor, Action.EDIT_AFTERCARE, case)
    if not Statement.objects.shown().filter(case=case, consent=Consent.LIVE).exists():
        raise LiveError(_("This person has not consented to a live-stream."))
    with transaction.atomic():
        participant, created = LiveParticipant.objects.get_or_create(
            session=session, case=case, defaults={"added_by": actor}
        )
        if created:
            audit.record(actor, "live.add", session, request=request, detail={"case": str(case.pk)})
    return participant


def attach(actor, statement: Statement, *, content_type: str, data: bytes, request=None):
    """Store checked bytes (attachments.check) encrypted with the statement."""
    import base64

    from passage.aftercare.models import Attachment

    require(actor, Action.EDIT_AFTERCARE, statement.case)
    item = Attachment(
        statement=statement,
        case_id=statement.case_id,
        content_type=content_type,
        size=len(data),
        data=base64.b64encode(data).decode("ascii"),
        added_by=actor,
    )
    return save_audited(
        actor,
        item,
        "testimony.attach",
        request=request,
        detail={"statement": str(statement.pk), "type": content_type},
    )


def read_attachment(actor, item, *, request=None) -> bytes:
    import base64

    require(actor, Action.VIEW_AFTERCARE, item.statement.case)
    if item.statement.withdrawn_at is not None:
        raise PermissionDenied
    audit.record(actor, "testimony.attachment_read", item, request=request)
    return base64.b64decode(item.data)
