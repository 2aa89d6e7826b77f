"""What happens in the anonymous channel: a requester writes or reads replies; staff open
submissions, log them as requests, dismiss them, and reply.

A requester's own actions write no audit record: the audit chain keeps the exact time and the
peer address, which is what this channel promises not to keep. Every staff action is audited.
"""

import json
from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from passage.cases.models import Case
from passage.cases.vocab import Channel, Language
from passage.core import audit, sealed_box
from passage.core.access import Action, can
from passage.intake.actions import log_follow_up_request, log_new_request
from passage.public import receipts, tokens
from passage.public.models import Reply, Source, Submission

FIRST_FIELDS = ("message", "names", "contact_handle", "branch", "rank", "region", "urgency")


def _seal(content: dict) -> bytes:
    return sealed_box.seal_for_organisation(
        json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    )


def submit_first(data: dict, *, token: str, language: str) -> receipts.Receipt:
    """A first message: a new source with a fresh receipt, and the message sealed on arrival."""
    receipt = receipts.new_receipt()
    content = {f: data.get(f) for f in FIRST_FIELDS} | {"language": language}
    sealed = _seal(content)
    # Hashed before the transaction: inside it, SQLite's write lock would be held for the whole
    # Argon2 run and a flood would make every other writer wait, then fail "database is locked".
    # A forged or too quick token costs us no hash.
    tokens.check(token)
    verifier = receipts.make_verifier(receipt.passphrase)
    with transaction.atomic():
        tokens.take_daily_place()
        tokens.spend(token)
        source = Source.objects.create(
            lookup_id=receipts.lookup_id(receipt.code_name),
            verifier=verifier,
            created_on=timezone.localdate(),
        )
        Submission.objects.create(source=source, sealed=sealed, received_on=source.created_on)
    return receipt


def open_receipt(code_name: str, passphrase: str, *, token: str) -> Source | None:
    """The source this receipt belongs to, or None (wrong code name or passphrase alike)."""
    with transaction.atomic():
        tokens.spend(token)
    source = Source.objects.filter(lookup_id=receipts.lookup_id(code_name)).first()
    if not receipts.check_passphrase(source.verifier if source else None, passphrase):
        return None
    return source


def submit_more(source: Source, message: str, *, token: str, language: str) -> Submission:
    sealed = _seal({"message": message, "language": language})
    with transaction.atomic():
        tokens.take_daily_place()
        tokens.spend(token)
        return Submission.objects.create(
            source=source, sealed=sealed, received_on=timezone.localdate()
        )


def replies_for(source: Source) -> list[tuple]:
    """(day, text) of every reply to this source, oldest first. Needs Passage unsealed."""
    return [(r.sent_at.date(), r.body) for r in source.replies.all()]


# --- staff -----------------------------------------------------------------------------------


def read_submission(actor, submission: Submission, *, request=None) -> dict:
    """Open a sealed submission (the caller fetched it through access.get_submission_or_404)."""
    if not can(actor, Action.VIEW_PUBLIC_INBOX):
        raise PermissionDenied
    content = json.loads(sealed_box.open_for_organisation(bytes(submission.sealed)))
    audit.record(actor, "public.submission_read", submission, request=request)
    return content


def log_submission(actor, submission: Submission, *, request=None) -> Case:
    """Turn a submission into a request (channel "web form"): a new case for a first message,
    or one more request on the case the source's earlier message opened."""
    content = read_submission(actor, submission, request=request)
    source = submission.source
    received = timezone.make_aware(datetime.combine(submission.received_on, time(12)))
    data = {
        "channel": Channel.WEB_FORM,
        "received_at": received,
        "language": content.get("language") if content.get("language") in Language.values else "my",
        "urgency": content.get("urgency") or 2,
        "names": content.get("names") or [],
        "contact_handle": content.get("contact_handle") or "",
        "notes": content.get("message", ""),
    }
    for field in ("branch", "rank", "region"):
        if content.get(field):
            data[field] = content[field]
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != Submission.Status.NEW:
            raise PermissionDenied
        if source.case_id is None:
            case = log_new_request(actor, data, request=request)
            source.case = case
            source.save(update_fields=["case"])
        else:
            case = log_follow_up_request(actor, source.case, data, request=request)
        locked.status, locked.handled_by = Submission.Status.LOGGED, actor
        locked.save(update_fields=["status", "handled_by"])
        audit.record(
            actor,
            "public.submission_logged",
            locked,
            request=request,
            detail={"case": str(case.pk)},
        )
    return case


def dismiss_submission(actor, submission: Submission, *, request=None) -> None:
    if not can(actor, Action.VIEW_PUBLIC_INBOX):
        raise PermissionDenied
    with transaction.atomic():
        updated = Submission.objects.filter(pk=submission.pk, status=Submission.Status.NEW).update(
            status=Submission.Status.DISMISSED, handled_by=actor
        )
        if not updated:
            raise PermissionDenied
        audit.record(actor, "public.submission_dismissed", submission, request=request)


def reply(actor, case: Case, body: str, *, request=None) -> Reply:
    """A reply to the requester(s) behind this case, stored encrypted under the case's key."""
    if not can(actor, Action.REPLY_PUBLIC, case):
        raise PermissionDenied
    source = case.sources.first()
    if source is None:
        raise PermissionDenied
    with transaction.atomic():
        message = Reply.objects.create(source=source, case=case, body=body, author=actor)
        audit.record(actor, "public.reply", message, request=request, detail={"case": str(case.pk)})
    return message
