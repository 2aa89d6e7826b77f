"""Account actions: first-run set-up, enrolment codes, TOTP enrolment, sign-in, changing one's
password, and what an admin does to users (with a coordinator's approval where one person alone
could take over an account or a four-eyes rule).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from passage.accounts.models import AccountRequest, Cell, EnrolmentCode, User
from passage.accounts.roles import Role, needs_approval
from passage.core import audit, sealed_box
from passage.core.access import Action, require, require_second_pair_of_eyes
from passage.core.actions import ActionError, update_audited
from passage.core.models import Organisation
from passage.core.sealing import keyring, state


class SetupAlreadyDone(Exception):
    pass


class AccountError(ActionError):
    """A rule said no; the message is for the user."""


def complete_setup(
    *, organisation_name: str, username: str, password: str, passphrase: str = "", request=None
) -> User:
    """Create the organisation and its first coordinator, and the keyring if a passphrase is
    given (then this process is unsealed). Works once, on an empty database."""
    with transaction.atomic():
        if Organisation.objects.exists() or User.objects.exists():
            raise SetupAlreadyDone
        if passphrase:
            state.install(*keyring.initialise(passphrase)[:3])
            sealed_box.ensure_key_pair()
        Organisation.objects.create(name=organisation_name)
        # The root of trust: made on an empty database, so no admin made it; the four-eyes
        # period does not apply to it (core/access.py `fresh_until`).
        user = User.objects.create_user(
            username=username, password=password, role=Role.COORDINATOR, role_since=None
        )
        audit.record(user, "setup.complete", user, request=request)
    return user


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device a user is enrolling (one, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirm_totp_and_sign_in(request, user: User, token: str) -> bool:
    """Confirm the enrolling device with a code from the app, then sign the user in."""
    device = pending_totp_device(user)
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(user, "account.totp_enrolled", user, request=request)
    _sign_in(request, user, device)
    return True


def sign_in_with_totp(request, user: User, token: str) -> bool:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            _sign_in(request, user, device)
            return True
    return False


def _sign_in(request, user: User, device: TOTPDevice) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    audit.record(user, "account.sign_in", user, request=request)


def record_failed_sign_in(username: str, *, request=None) -> None:
    """Failed attempts go into the audit chain too: guessing at accounts should be visible."""
    audit.record(
        None, "account.sign_in_failed", request=request, detail={"username": username[:150]}
    )


def sign_out(request) -> None:
    if request.user.is_authenticated:
        audit.record(request.user, "account.sign_out", request.user, request=request)
    logout(request)


def _issue_code(user: User, purpose: str, issued_by: User) -> str:
    """A new one-time code for `user`, returned once in clear; only its hash is stored. 120
    random bits: guessing one is hopeless, so a plain hash is enough."""
    code = "-".join(secrets.token_hex(3).upper() for _ in range(5))
    EnrolmentCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=_hash_code(code),
        issued_by=issued_by,
        expires_at=timezone.now() + timedelta(hours=settings.ENROLMENT_CODE_HOURS),
    )
    audit.record(issued_by, "account.code_issued", user, detail={"purpose": purpose})
    return code


def _hash_code(code: str) -> str:
    canonical = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(canonical.encode("ascii", "ignore")).hexdigest()


def may_enrol_with_password(user: User) -> bool:
    """Only the accounts no admin made (the set-up coordinator, demo accounts: `role_since` is
    None), before any code was issued for them, enrol an authenticator after a password alone;
    everyone else needs a code (an admin's account made before codes existed: a reset)."""
    return (
        user.role_since is None
        and not has_confirmed_totp(user)
        and not user.enrolment_codes.exists()
    )


def _usable_codes():
    return EnrolmentCode.objects.select_related("user").filter(
        used_at=None, expires_at__gt=timezone.now(), user__is_active=True
    )


def valid_code(username: str, code: str) -> EnrolmentCode | None:
    """The unused, unexpired code `code` of the active account `username`, or None."""
    found = _usable_codes().filter(code_hash=_hash_code(code)).first()
    return found if found is not None and found.user.username == username else None


def checked_code(code_id) -> EnrolmentCode | None:
    """A code checked earlier in this session (by id), if it is still usable."""
    return _usable_codes().filter(pk=code_id).first() if code_id else None


def record_failed_code(username: str, *, request=None) -> None:
    audit.record(None, "account.code_failed", request=request, detail={"username": username[:150]})


def _use_code(enrolment: EnrolmentCode, *, request=None) -> None:
    """Mark the code used, once: of two requests racing with it, the second gets AccountError."""
    used = EnrolmentCode.objects.filter(pk=enrolment.pk, used_at=None).update(
        used_at=timezone.now()
    )
    if not used:
        raise AccountError(_("That code was already used."))
    audit.record(
        enrolment.user,
        "account.code_used",
        enrolment.user,
        request=request,
        detail={"purpose": enrolment.purpose},
    )


def set_password_with_code(enrolment: EnrolmentCode, password: str, *, request=None) -> User:
    """The person chooses their own password with their code; every session of theirs ends."""
    if enrolment.purpose != EnrolmentCode.Purpose.SET_PASSWORD:
        raise AccountError(_("That code is not for setting a password."))
    user = enrolment.user
    with transaction.atomic():
        _use_code(enrolment, request=request)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(user, "account.password_set", user, request=request)
        end_sessions_of(user)
    return user


def use_totp_code(enrolment: EnrolmentCode, current_password: str, *, request=None) -> User:
    """A second-factor reset code works only with the account's own password: the code alone
    (which the approver saw) does not take the account over."""
    user = enrolment.user
    if enrolment.purpose != EnrolmentCode.Purpose.ENROL_TOTP or not _password_is(
        request, user, current_password
    ):
        raise AccountError(_("The username, password or code is wrong."))
    with transaction.atomic():
        _use_code(enrolment, request=request)
        TOTPDevice.objects.filter(user=user).delete()
    return user


def _password_is(request, user: User, password: str) -> bool:
    """Checked through `authenticate`, so wrong guesses count towards the lock-out as at
    sign-in (a code's holder cannot guess the password at leisure), and a locked account fails."""
    found = authenticate(request, username=user.username, password=password)
    if found is None:
        audit.record(
            None, "account.sign_in_failed", request=request, detail={"username": user.username}
        )
    return found is not None and found.pk == user.pk


def change_password(request, current: str, new: str) -> None:
    """The signed-in user changes their password; every other session of theirs ends."""
    user = request.user
    if not _password_is(request, user, current):
        raise AccountError(_("Your current password is wrong."))
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit.record(user, "account.password_changed", user, request=request)
        update_session_auth_hash(request, user)
        end_sessions_of(user, keep=request.session.session_key)


def end_sessions_of(user: User, keep: str | None = None) -> int:
    """End every session of `user` (but `keep`). Sessions are short-lived, so few to look at."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def create_user(actor, *, username: str, display_name: str, role: str, request=None):
    """A new account, with no password: the person sets their own with a one-time code.

    Returns (user, code, waiting request). A coordinator or admin account waits, inactive and
    with no code, until a coordinator approves; the code then goes to the approver."""
    require(actor, Action.MANAGE_USERS)
    waits = needs_approval(None, role)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=None,
            role=role,
            display_name=display_name,
            is_active=not waits,
        )
        audit.record(actor, "account.create", user, request=request, detail={"role": role})
        if waits:
            waiting = _ask(actor, user, AccountRequest.Kind.ROLE, role=role, new_account=True)
            return user, "", waiting
        return user, _issue_code(user, EnrolmentCode.Purpose.SET_PASSWORD, actor), None


def create_demo_account(actor, *, username: str, display_name: str, role: str, password: str):
    """Demo accounts only (cases/demo.py, into a new installation): synthetic people whose
    passwords the set-up page shows once. Like the set-up coordinator they are exempt from the
    four-eyes period, or the demo's own clearances could not be approved for two weeks."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            role_since=None,
        )
        audit.record(actor or user, "account.create", user, detail={"role": role, "demo": True})
    return user


def update_user(actor, user: User, *, role: str, is_active: bool, display_name: str, request=None):
    """Returns the waiting request if the role change needs a coordinator, else None.

    Nobody changes their own role; a raise (or a sideways move) waits for a coordinator; a
    lowering takes effect at once, as do the name and (de)activation."""
    require(actor, Action.MANAGE_USERS)
    if role != user.role and user.pk == actor.pk:
        raise AccountError(_("You cannot change your own role."))
    with transaction.atomic():
        new_account = user.account_requests.filter(
            status=AccountRequest.Status.PENDING, new_account=True
        ).exists()
        if is_active and not user.is_active and new_account:
            raise AccountError(_("This account waits for a coordinator's approval."))
        waiting = None
        if role != user.role and needs_approval(user.role, role):
            waiting = _ask(actor, user, AccountRequest.Kind.ROLE, role=role, request=request)
            role = user.role
        update_audited(
            actor,
            user,
            {"role": role, "is_active": is_active, "display_name": display_name},
            "account.update",
            request=request,
            detail={"role": role, "active": is_active},
        )
    return waiting


def _ask(actor, user: User, kind: str, *, role: str = "", new_account=False, request=None):
    if user.account_requests.filter(status=AccountRequest.Status.PENDING, kind=kind).exists():
        raise AccountError(_("A request like this one already waits for approval."))
    waiting = AccountRequest.objects.create(
        user=user, kind=kind, role=role, new_account=new_account, requested_by=actor
    )
    audit.record(
        actor, "account.request", user, request=request, detail={"kind": kind, "role": role}
    )
    return waiting


def request_reset(actor, user: User, kind: str, *, request=None) -> AccountRequest:
    """Ask for `user`'s second factor or password to be reset; nothing changes until a
    coordinator approves."""
    require(actor, Action.MANAGE_USERS)
    if kind not in (AccountRequest.Kind.RESET_TOTP, AccountRequest.Kind.RESET_PASSWORD):
        raise AccountError(_("Unknown request."))
    with transaction.atomic():
        return _ask(actor, user, kind, request=request)


def approve_request(actor, waiting: AccountRequest, *, request=None) -> str:
    """A second person agrees and the change is made. Returns the one-time code the change
    issues (a reset, a new account), for the approver to hand over, or ""."""
    require(actor, Action.APPROVE_ACCOUNT_REQUEST)
    with transaction.atomic():
        waiting = AccountRequest.objects.select_for_update().get(pk=waiting.pk)
        _still_waiting(waiting)
        if actor.pk in (waiting.requested_by_id, waiting.user_id):
            raise AccountError(_("Someone other than you and the person who asked must approve."))
        require_second_pair_of_eyes(actor, AccountError)
        user = User.objects.select_for_update().get(pk=waiting.user_id)
        code = ""
        if waiting.kind == AccountRequest.Kind.RESET_TOTP:
            TOTPDevice.objects.filter(user=user).delete()
            end_sessions_of(user)
            code = _issue_code(user, EnrolmentCode.Purpose.ENROL_TOTP, actor)
        elif waiting.kind == AccountRequest.Kind.RESET_PASSWORD:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            end_sessions_of(user)
            code = _issue_code(user, EnrolmentCode.Purpose.SET_PASSWORD, actor)
        elif waiting.kind == AccountRequest.Kind.CELL:
            waiting.cell.members.add(user)
        else:
            user.role, user.role_since = waiting.role, timezone.now()
            fields = ["role", "role_since"]
            if waiting.new_account:
                user.is_active = True
                fields.append("is_active")
                code = _issue_code(user, EnrolmentCode.Purpose.SET_PASSWORD, actor)
            user.save(update_fields=fields)
        _decide(actor, waiting, AccountRequest.Status.APPROVED, request=request)
    return code


def decline_request(actor, waiting: AccountRequest, *, request=None) -> None:
    require(actor, Action.APPROVE_ACCOUNT_REQUEST)
    with transaction.atomic():
        waiting = AccountRequest.objects.select_for_update().get(pk=waiting.pk)
        _still_waiting(waiting)
        _decide(actor, waiting, AccountRequest.Status.DECLINED, request=request)


def _still_waiting(waiting: AccountRequest) -> None:
    if waiting.status != AccountRequest.Status.PENDING:
        raise AccountError(_("This request is no longer waiting."))


def _decide(actor, waiting: AccountRequest, status: str, *, request=None) -> None:
    update_audited(
        actor,
        waiting,
        {"status": status, "decided_by": actor, "decided_at": timezone.now()},
        f"account.request_{status}",
        request=request,
        detail={
            "kind": waiting.kind,
            "role": waiting.role,
            "user": waiting.user_id,
            "cell": waiting.cell_id,
        },
    )


def reset_notices(user: User, *, request=None) -> list[str]:
    """What the person must be told at sign-in: each approved reset of their account not yet
    told, with when and at whose request. Each is told once (and audited as told)."""
    notices = []
    resets = AccountRequest.objects.filter(
        user=user,
        status=AccountRequest.Status.APPROVED,
        told_at=None,
        kind__in=(AccountRequest.Kind.RESET_TOTP, AccountRequest.Kind.RESET_PASSWORD),
    ).select_related("requested_by", "decided_by")
    for reset in resets:
        what = (
            _("Your second factor was reset")
            if reset.kind == AccountRequest.Kind.RESET_TOTP
            else _("Your password was reset")
        )
        notices.append(
            _("%(what)s on %(date)s by request of %(admin)s, approved by %(coordinator)s.")
            % {
                "what": what,
                "date": date_format(timezone.localtime(reset.decided_at), "DATETIME_FORMAT"),
                "admin": reset.requested_by.username,
                "coordinator": reset.decided_by.username,
            }
        )
        update_audited(
            user, reset, {"told_at": timezone.now()}, "account.reset_told", request=request
        )
    return notices


def save_cell(actor, cell: Cell, *, name: str, members, request=None) -> Cell:
    """Rename a cell and take members out at once; each new member waits for a coordinator
    (a member sees the cell's cases). Nobody adds themselves to a cell or leaves one."""
    require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        current = set(cell.members.values_list("pk", flat=True)) if cell.pk else set()
        wanted = {m.pk: m for m in members}
        if (actor.pk in current) != (actor.pk in wanted):
            raise AccountError(_("You cannot change your own cells."))
        cell.name = name
        cell.save()
        cell.members.remove(*(current - wanted.keys()))
        asked = [
            wanted[pk]
            for pk in wanted.keys() - current
            if not cell.accountrequest_set.filter(
                user_id=pk, status=AccountRequest.Status.PENDING
            ).exists()
        ]
        for user in asked:
            AccountRequest.objects.create(
                user=user, kind=AccountRequest.Kind.CELL, cell=cell, requested_by=actor
            )
        audit.record(
            actor,
            "cell.save",
            cell,
            request=request,
            detail={
                "members": sorted(current & wanted.keys()),
                "removed": sorted(current - wanted.keys()),
                "asked": sorted(u.pk for u in asked),
            },
        )
    return cell
