"""Shared fixtures: named people in every role, two cells, cases, and signed-in clients.

Tests never reach the network: any socket to an address outside loopback fails the test.
"""

import ipaddress
import socket
from datetime import timedelta

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from passage.accounts.models import Cell, User
from passage.accounts.roles import Role
from passage.cases.models import Case
from passage.core import crypto
from passage.core.models import Organisation

# --- no network -----------------------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_address(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise RuntimeError(f"tests may not open a socket to {host}: no network in tests")


def _guarded_connect(sock, address):
    _check_address(sock, address)
    return _real_connect(sock, address)


def _guarded_connect_ex(sock, address):
    _check_address(sock, address)
    return _real_connect_ex(sock, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


# --- settings for every test -----------------------------------------------------------------


# Argon2id cheap enough for tests; production uses settings.SEALING_ARGON2 (256 MiB, 3 passes).
CHEAP_ARGON2 = {"time_cost": 1, "memory_kib": 8, "parallelism": 1}
TEST_PASSPHRASE = "correct horse battery staple for tests"


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory):
    """A keyring of the test run's own, unsealed; and a cheap password hasher (Argon2 is slow on
    purpose). Tests of the sealed state use the fixtures in tests/core/sealing/conftest.py."""
    from passage.core.sealing import keyring, state

    data_dir = tmp_path_factory.mktemp("passage-data")
    with override_settings(
        DATA_DIR=data_dir,
        KEYRING_FILE=data_dir / "keyring.json",
        SEAL_STATE_FILE=data_dir / "seal-state.json",
        SEALING_ARGON2=CHEAP_ARGON2,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        crypto.forget_keys()
        wrapping, masters, current, _shares = keyring.initialise(TEST_PASSPHRASE)
        state.install(wrapping, masters, current)
        from passage.core import sealed_box

        sealed_box.ensure_key_pair()
        yield
    crypto.forget_keys()


@pytest.fixture(autouse=True)
def _unsealed_after_each_test():
    """A test that seals (seal-now, duress, the access matrix's button) leaves the next unsealed."""
    yield
    from passage.core.sealing import keyring, state

    with state.updating_shared() as shared:
        shared["failed"], shared["next_attempt_at"], shared["pending_audit"] = 0, 0.0, []
        shared.pop("shell", None)
        shared["quiet"] = False
    if not state.is_unsealed():
        state.install(*keyring.open_with_passphrase(TEST_PASSPHRASE))


@pytest.fixture
def in_english():
    """English messages for a test that matches them: a request with Burmese chosen leaves that
    language active in the thread (LocaleMiddleware), so a later test could see Burmese."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- people, cells, cases --------------------------------------------------------------------


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="Test Org")


ACCOUNT_MADE = timezone.now() - timedelta(days=30)


def make_user(
    username: str,
    role: str,
    *,
    cells=(),
    password: str = "a long test password",  # noqa: S107
) -> User:
    # Made (and given this role) a month ago, explicitly: older than the four-eyes period
    # (FOUR_EYES_MIN_ACCOUNT_DAYS), so fixture people count as second persons. Tests of that
    # rule make fresh accounts themselves.
    user = User.objects.create_user(
        username=username, password=password, role=role, role_since=ACCOUNT_MADE
    )
    for cell in cells:
        cell.members.add(user)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


@pytest.fixture
def cells(db):
    return {"north": Cell.objects.create(name="North"), "south": Cell.objects.create(name="South")}


@pytest.fixture
def people(org, cells):
    """One person per role in the North cell, plus a few with no cell and one in the South."""
    north, south = cells["north"], cells["south"]
    return {
        "coordinator": make_user("coordinator", Role.COORDINATOR, cells=[north]),
        "intake": make_user("intake", Role.INTAKE, cells=[north]),
        "vetter": make_user("vetter", Role.VETTER, cells=[north]),
        "planner": make_user("planner", Role.PLANNER, cells=[north]),
        "caseworker": make_user("caseworker", Role.CASEWORKER, cells=[north]),
        "analyst": make_user("analyst", Role.ANALYST),
        "admin": make_user("admin", Role.ADMIN),
        "outsider_vetter": make_user("outsider", Role.VETTER, cells=[south]),
        "outsider_coordinator": make_user("coordinator2", Role.COORDINATOR, cells=[south]),
    }


REQUEST_DATA = {
    "channel": "signal",
    "language": "my",
    "urgency": 2,
    "names": ["ကျော်ထူး", "Kyaw Htoo"],
    "rank": "corporal",
    "branch": "army",
    "unit": "Light Infantry Battalion 999",
    "region": "sagaing",
    "township": "Monywa",
    "age": 27,
    "contact_handle": "@kyaw_htoo_test",
    "family_at_risk": True,
    "notes": "Wants to leave with his wife.",
}


def request_data(**overrides) -> dict:
    return {**REQUEST_DATA, "received_at": timezone.now(), **overrides}


def make_case(actor, *, cell=None, assignees=(), stage=None, **data) -> Case:
    """A case logged through the real intake action, then placed as the test needs."""
    from passage.intake.actions import log_new_request

    # Tests place coordinators on cases themselves (`assignees`), so only an intake officer is
    # assigned by logging here; tests/intake checks that the form assigns a coordinator too.
    case = log_new_request(
        actor, request_data(**data), assign_logger=actor.role != Role.COORDINATOR
    )
    if cell is not None:
        case.cell = cell
        case.save(update_fields=["cell"])
    if assignees:
        case.assignees.add(*assignees)
    if stage is not None:
        Case.objects.filter(pk=case.pk).update(stage=stage)
        case.refresh_from_db()
    return case


@pytest.fixture
def north_case(people, cells):
    """A case in the North cell with nobody assigned by name."""
    case = make_case(people["coordinator"], cell=cells["north"])
    return case


def signed_in(user: User) -> Client:
    """A client signed in with password and a verified TOTP device, as after a real sign-in."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def purge_request(people, cell):
    """A purge of a new case, asked for by the other coordinator (so `coordinator` may approve)."""
    from passage.core.models import PurgeRequest

    case = make_case(people["coordinator"], cell=cell)
    return PurgeRequest.objects.create(case=case, requested_by=people["outsider_coordinator"])
