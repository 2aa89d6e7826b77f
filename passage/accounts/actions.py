"""Account actions: first-run set-up, TOTP enrolment, sign-in, and what an admin does to users."""

import secrets

from django.contrib.auth import login, logout
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from passage.accounts.models import Cell, User
from passage.accounts.roles import Role
from passage.core import audit, sealed_box
from passage.core.access import Action, require
from passage.core.actions import update_audited
from passage.core.models import Organisation
from passage.core.sealing import keyring, state


class SetupAlreadyDone(Exception):
    pass


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
        user = User.objects.create_user(username=username, password=password, role=Role.COORDINATOR)
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


def create_user(actor, *, username: str, display_name: str, role: str, request=None):
    """A new account with a one-time password to hand over; TOTP is enrolled at first sign-in."""
    require(actor, Action.MANAGE_USERS)
    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, role=role, display_name=display_name
        )
        audit.record(actor, "account.create", user, request=request, detail={"role": role})
    return user, password


def update_user(actor, user: User, *, role: str, is_active: bool, display_name: str, request=None):
    require(actor, Action.MANAGE_USERS)
    return update_audited(
        actor,
        user,
        {"role": role, "is_active": is_active, "display_name": display_name},
        "account.update",
        request=request,
        detail={"role": role, "active": is_active},
    )


def reset_totp(actor, user: User, *, request=None) -> None:
    """Remove the user's authenticators; they enrol a new one at their next sign-in."""
    require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit.record(actor, "account.totp_reset", user, request=request)


def save_cell(actor, cell: Cell, *, name: str, members, request=None) -> Cell:
    require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        cell.name = name
        cell.save()
        cell.members.set(members)
        audit.record(
            actor,
            "cell.save",
            cell,
            request=request,
            detail={"members": sorted(m.pk for m in members)},
        )
    return cell
