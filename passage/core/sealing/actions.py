"""What people do to the seal: unseal, seal now (button, shell, duress), purge a case's identity."""

import threading
import time

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.core import audit
from passage.core.access import Action, can, require_second_pair_of_eyes
from passage.core.sealing import datakeys, keyring, state
from passage.core.sealing.state import SealedError

MAX_DELAY_SECONDS = 3600


class TooSoon(Exception):
    def __init__(self, wait: int):
        super().__init__(f"wait {wait} s")
        self.wait = wait


def _pending(shared: dict, action: str, actor_name: str = "", **detail) -> None:
    """Remember what happened while sealed; it enters the audit chain at the next unseal."""
    shared.setdefault("pending_audit", []).append(
        {"action": action, "actor": actor_name, "at": time.time(), **detail}
    )


# Wrong tries are counted per place: the unseal page (anyone who reaches it) and the local shell
# (someone who can already run code as the service user) each have their own counter and wait.
WEB, SHELL = "web", "shell"
_argon2_lock = threading.Lock()  # one Argon2 guess at a time in this process


def _counter(shared: dict, counter: str) -> dict:
    # The web counter keeps its top-level keys (older state files, the tests of the wait).
    if counter == WEB:
        return shared
    return shared.setdefault(counter, {"failed": 0, "next_attempt_at": 0.0})


def _delay(failed: int) -> float:
    return min(2 ** (failed - 1), MAX_DELAY_SECONDS)


def _reserve_attempt(counter: str) -> None:
    """Count the attempt *before* hashing, under the state file's lock: concurrent guesses see
    the wait at once instead of all passing the check and all running Argon2."""
    with state.updating_shared() as shared:
        c = _counter(shared, counter)
        wait = c["next_attempt_at"] - time.time()
        if wait > 0:
            raise TooSoon(int(wait) + 1)
        c["failed"] += 1
        c["next_attempt_at"] = time.time() + _delay(c["failed"])


def unseal(
    *, passphrase: str = "", shares: list[str] | None = None, request=None, counter: str = WEB
) -> None:
    """Unseal this process. Each attempt is counted before its Argon2 runs and each failure
    doubles the wait, persisted in the shared state so a restart does not reset it; one guess is
    hashed at a time. Raises TooSoon or keyring.KeyringError."""
    _reserve_attempt(counter)
    with _argon2_lock:
        try:
            if shares:
                opened, via = keyring.open_with_shares(shares), "shares"
            else:
                opened, via = keyring.open_with_passphrase(passphrase), "passphrase"
        except keyring.KeyringError:
            with state.updating_shared() as s:
                c = _counter(s, counter)  # the wait counts from the end of the slow hash
                c["next_attempt_at"] = max(c["next_attempt_at"], time.time() + _delay(c["failed"]))
            raise
    with state.updating_shared() as s:
        c = _counter(s, counter)
        failed, pending = c["failed"] - 1, s.get("pending_audit", [])
        c["failed"], c["next_attempt_at"], s["pending_audit"] = 0, 0.0, []
        s["quiet"] = False
    state.install(*opened)
    keyring.signing_key(opened[0])  # made now, once, rather than racing at the first checkpoint
    from passage.core import sealed_box

    sealed_box.ensure_key_pair()
    for event in pending:
        audit.record(None, event.pop("action"), request=None, detail=event)
    detail = {"via": via, "failed": failed}
    if counter != WEB:
        detail["from"] = counter
    audit.record(None, "seal.unseal", request=request, detail=detail)


def seal_now(actor, *, reason: str, request=None) -> None:
    """Drop the keys in every process and end every session, with an audit record first."""
    if actor is not None and not can(actor, Action.SEAL):
        raise PermissionDenied
    if state.is_unsealed():
        audit.record(actor, "seal.seal", request=request, detail={"reason": reason})
    else:
        with state.updating_shared() as s:
            _pending(s, "seal.seal", getattr(actor, "username", ""), reason=reason)
    Session.objects.all().delete()
    if request is not None and hasattr(request, "session"):
        request.session.flush()  # or the middleware would save this one back after the response
    state.seal_everywhere(quiet=reason == "duress")


def is_duress_password(password: str) -> bool:
    from django.conf import settings

    if not settings.SEALING_DURESS or not keyring.exists():
        return False
    stored = keyring.load().get("duress")
    if not stored:
        return False
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    try:
        return PasswordHasher().verify(stored, password)
    except VerificationError:
        return False


def set_duress_password(passphrase: str, password: str) -> None:
    """Store only an Argon2 hash of the duress password, after checking the unseal passphrase."""
    from argon2 import PasswordHasher

    data = keyring.load()
    keyring.open_with_passphrase(passphrase, data)
    data["duress"] = PasswordHasher().hash(password)
    keyring.save(data)


# --- purging a case's identity (crypto-shredding) ---------------------------------------------


class PurgeError(Exception):
    """A rule said no; the message is for the user."""


def request_purge(actor, case, *, reason: str, request=None):
    """Ask for the case's identity to be destroyed; nothing happens until another coordinator
    approves. The reason is sealed under the case's key, so the purge shreds it too."""
    from passage.core.models import PurgeRequest

    if not can(actor, Action.PURGE_IDENTITY, case):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise PurgeError(_("Say why this case's identity must be destroyed."))
    if datakeys.is_destroyed(datakeys.owner_for(case)):
        raise PurgeError(_("This case's identity was already purged."))
    with transaction.atomic():
        purge, created = PurgeRequest.objects.get_or_create(
            case=case, done_at=None, defaults={"requested_by": actor}
        )
        if not created:
            raise PurgeError(_("A purge of this case is already waiting for approval."))
        purge.reason = reason  # sealed with the row's id as associated data, so after the insert
        purge.save(update_fields=["reason"])
        audit.record(actor, "case.purge_requested", case, request=request)
    return purge


def approve_purge(actor, purge, *, request=None) -> None:
    """The second coordinator's approval purges at once."""
    if not can(actor, Action.PURGE_IDENTITY, purge.case):
        raise PermissionDenied
    if purge.done_at is not None:
        raise PurgeError(_("This purge was already done."))
    if purge.requested_by_id == actor.pk:
        raise PurgeError(_("Another coordinator must approve a purge you asked for."))
    require_second_pair_of_eyes(actor, PurgeError)
    with transaction.atomic():
        purge.approved_by, purge.done_at = actor, timezone.now()
        purge.save(update_fields=["approved_by", "done_at"])
        purge_case(purge.case, actor=actor, reason="approved", request=request)


def purged_at(case):
    """When the case's key was destroyed, or None while its identity can still be read."""
    from passage.core.models import DataKey

    owner_type, owner_id = datakeys.owner_for(case)
    return (
        DataKey.objects.filter(owner_type=owner_type, owner_id=owner_id)
        .values_list("destroyed_at", flat=True)
        .first()
    )


def owners_to_purge(case) -> list:
    """The case's key, and the person's unless another of their cases is still open."""
    owners = [datakeys.owner_for(case)]
    if not case.person.cases.exclude(pk=case.pk).filter(is_open=True).exists():
        owners.append(datakeys.owner_for(case.person))
    return owners


# Sent inside the purge's transaction, after the keys are destroyed, so each app removes what it
# keeps of the identity outside the case's own keys (the public-form submission sealed to the
# organisation, matches on other cases, blind-index rows). Arguments: case, person_purged.
# Receivers must work while sealed: they delete, they never decrypt.
identity_purged = Signal()


def purge_case(case, *, actor=None, reason: str, request=None) -> int:
    """Destroy the case's (and person's) data keys, and have every app remove what it keeps of
    the identity elsewhere. Works sealed; audited now or at unseal."""
    from passage.exports.jobs import withdraw_for_purge

    owners = owners_to_purge(case)
    destroyed = datakeys.destroy(owners)
    identity_purged.send(
        sender=purge_case, case=case, person_purged=datakeys.owner_for(case.person) in owners
    )
    # Background export files may hold this identity under keys of their own: destroy them too.
    withdrawn = withdraw_for_purge()
    detail = {"reason": reason, "keys_destroyed": destroyed, "exports_withdrawn": withdrawn}
    try:
        audit.record(actor, "case.purge", case, request=request, detail=detail)
    except SealedError:
        with state.updating_shared() as s:
            _pending(s, "case.purge", "", case=str(case.pk), **detail)
    state.keys_changed()
    # Once more after the commit: a process that cached one of these keys between the bump
    # above and the commit (it could still read the row) must forget it too.
    transaction.on_commit(state.keys_changed)
    return destroyed
