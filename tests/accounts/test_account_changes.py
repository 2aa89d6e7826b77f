"""The admin role cannot become anyone: people set their own passwords from one-time codes,
resets and higher roles need a coordinator who did not ask, nobody edits their own role or
cells, and four-eyes rules count people (an account too new is not a second person)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from passage.accounts import actions
from passage.accounts.models import AccountRequest, EnrolmentCode, User
from passage.accounts.roles import Role
from passage.cases.models import Case
from passage.core import audit
from passage.core.models import AuditRecord
from passage.core.sealing import actions as sealing
from tests.accounts.test_sign_in import PASSWORD, code_for, sign_in
from tests.conftest import make_case, make_user, signed_in

OWN_PASSWORD = {"password": "x7-my-own-horse", "password_again": "x7-my-own-horse"}


# Messages are matched in English, whatever an earlier test's request left active.
pytestmark = pytest.mark.usefixtures("in_english")


def redeem(client, username, code, step_two):
    client.post(reverse("accounts:redeem"), {"username": username, "code": code})
    return client.post(reverse("accounts:redeem"), step_two)


def enrol(client, username):
    client.get(reverse("accounts:enroll"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    return client.post(reverse("accounts:enroll"), {"token": code_for(device)}, follow=True)


def create(admin, username, role):
    response = signed_in(admin).post(
        reverse("accounts:user_new"), {"username": username, "role": role}
    )
    assert response.status_code == 200
    return response.context["code"]


def approve(coordinator, waiting):
    """Approve through the page; returns the one-time code it showed ("" if none)."""
    response = signed_in(coordinator).post(reverse("accounts:request_approve", args=[waiting.pk]))
    return response.context["code"] if response.status_code == 200 else ""


# --- 1. a new person sets their own password from a one-time code ---------------------------


def test_a_new_user_sets_their_own_password_from_a_code_the_admin_never_learns(people):
    code = create(people["admin"], "newbie", Role.PLANNER)
    user = User.objects.get(username="newbie")
    assert not user.has_usable_password()  # there is no password to show the admin
    stored = EnrolmentCode.objects.get(user=user)
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # a hash, not the code
    for event in ("account.create", "account.code_issued"):
        assert AuditRecord.objects.filter(action=event, object_id=str(user.pk)).exists()

    client = Client()
    assert sign_in(client, "newbie", password=code).status_code == 200  # not a password
    assert redeem(client, "newbie", code, OWN_PASSWORD).url == reverse("accounts:enroll")
    assert enrol(client, "newbie").status_code == 200
    assert client.get(reverse("cases:queue")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(OWN_PASSWORD["password"])
    assert AuditRecord.objects.filter(action="account.code_used", actor=user).exists()


def test_a_code_works_once_for_its_own_account_and_not_after_it_expires(people):
    code = create(people["admin"], "newbie", Role.VETTER)
    create(people["admin"], "other", Role.VETTER)
    refused = "That code is wrong, used or expired."
    response = Client().post(reverse("accounts:redeem"), {"username": "other", "code": code})
    assert refused in response.content.decode()
    assert AuditRecord.objects.filter(action="account.code_failed").exists()

    redeem(Client(), "newbie", code, OWN_PASSWORD)
    response = Client().post(reverse("accounts:redeem"), {"username": "newbie", "code": code})
    assert refused in response.content.decode()

    late = create(people["admin"], "late", Role.VETTER)
    EnrolmentCode.objects.filter(user__username="late").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = Client().post(reverse("accounts:redeem"), {"username": "late", "code": late})
    assert refused in response.content.decode()

    # A code that expires between its two steps no longer sets a password.
    slow = create(people["admin"], "slow", Role.VETTER)
    client = Client()
    client.post(reverse("accounts:redeem"), {"username": "slow", "code": slow})
    EnrolmentCode.objects.filter(user__username="slow").update(expires_at=timezone.now())
    client.post(reverse("accounts:redeem"), OWN_PASSWORD)
    assert not User.objects.get(username="slow").has_usable_password()


def test_someone_given_a_code_cannot_enrol_an_authenticator_with_a_password_alone(people):
    code = create(people["admin"], "newbie", Role.VETTER)
    redeem(Client(), "newbie", code, OWN_PASSWORD)  # password set, authenticator not yet
    client = Client()
    response = sign_in(client, "newbie", password=OWN_PASSWORD["password"])
    assert response.status_code == 200 and client.get(reverse("accounts:enroll")).status_code == 302


def test_an_account_an_admin_made_with_a_password_before_codes_cannot_enrol_with_it(people):
    """Accounts from before enrolment codes, whose password the admin was shown."""
    make_user("legacy", Role.PLANNER)
    TOTPDevice.objects.filter(user__username="legacy").delete()
    client = Client()
    response = sign_in(client, "legacy")
    assert "use your one-time code" in response.content.decode()
    assert client.get(reverse("accounts:enroll")).status_code == 302


# --- 2. changing one's password ------------------------------------------------------------


def test_changing_ones_password_needs_the_current_one_and_ends_every_other_session(people):
    vetter = people["vetter"]
    elsewhere, here = signed_in(vetter), signed_in(vetter)
    url = reverse("accounts:password_change")
    response = here.post(url, {"current_password": "wrong", **OWN_PASSWORD})
    assert response.status_code == 200 and "current_password" in response.context["form"].errors
    response = here.post(url, {"current_password": PASSWORD, **OWN_PASSWORD})
    assert response.status_code == 302
    vetter.refresh_from_db()
    assert vetter.check_password(OWN_PASSWORD["password"])
    assert here.get(reverse("cases:queue")).status_code == 200
    assert elsewhere.get(reverse("cases:queue")).status_code == 302
    assert Session.objects.count() == 1
    assert AuditRecord.objects.filter(action="account.password_changed", actor=vetter).exists()


# --- 3. resets need a second person, and the person is told --------------------------------


def test_the_admin_alone_cannot_take_over_a_planner_by_resetting_their_second_factor(people):
    """The finding: reset a planner's TOTP, sign in with the known password, enrol, read."""
    admin, planner, coordinator = people["admin"], people["planner"], people["coordinator"]
    signed_in(admin).post(reverse("accounts:user_reset_totp", args=[planner.pk]))
    waiting = AccountRequest.objects.get(user=planner, kind=AccountRequest.Kind.RESET_TOTP)
    assert waiting.status == AccountRequest.Status.PENDING
    assert TOTPDevice.objects.filter(user=planner, confirmed=True).exists()  # nothing yet
    # The admin may not approve their own request, nor may the planner.
    for who in (admin, planner):
        url = reverse("accounts:request_approve", args=[waiting.pk])
        assert signed_in(who).post(url).status_code == 403

    code = approve(coordinator, waiting)
    assert code and not TOTPDevice.objects.filter(user=planner).exists()
    # The code alone (the approver saw it) does not enrol: it needs the planner's own password.
    intruder = Client()
    response = redeem(intruder, "planner", code, {"password": "the admin's guess"})
    assert response.status_code == 200 and intruder.get(reverse("accounts:enroll")).url
    client = Client()
    assert redeem(client, "planner", code, {"password": PASSWORD}).url == reverse("accounts:enroll")
    page = enrol(client, "planner").content.decode()
    assert "Your second factor was reset on" in page and "by request of admin" in page
    assert "approved by coordinator" in page
    told = AccountRequest.objects.get(pk=waiting.pk)
    assert told.told_at is not None and told.decided_by == coordinator
    assert AuditRecord.objects.filter(action="account.request_approved").exists()
    assert audit.verify().ok


def test_a_password_reset_waits_for_approval_then_ends_sessions_and_the_user_is_told(people):
    admin, vetter = people["admin"], people["vetter"]
    session = signed_in(vetter)
    waiting = actions.request_reset(admin, vetter, AccountRequest.Kind.RESET_PASSWORD)
    vetter.refresh_from_db()
    assert vetter.check_password(PASSWORD)
    code = approve(people["coordinator"], waiting)
    vetter.refresh_from_db()
    assert code and not vetter.has_usable_password()
    assert session.get(reverse("cases:queue")).status_code == 302
    assert redeem(Client(), "vetter", code, OWN_PASSWORD).url == reverse("accounts:login")
    client = Client()
    device = TOTPDevice.objects.get(user=vetter)
    response = sign_in(client, "vetter", password=OWN_PASSWORD["password"], token=code_for(device))
    page = client.get(response.url, follow=True).content.decode()
    assert "Your password was reset on" in page and "by request of admin" in page
    # Told once.
    assert not actions.reset_notices(vetter)


def test_a_declined_reset_changes_nothing(people):
    waiting = actions.request_reset(
        people["admin"], people["planner"], AccountRequest.Kind.RESET_TOTP
    )
    response = signed_in(people["coordinator"]).post(
        reverse("accounts:request_decline", args=[waiting.pk])
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=people["planner"], confirmed=True).exists()
    assert not EnrolmentCode.objects.exists()
    with pytest.raises(actions.AccountError):
        actions.approve_request(people["outsider_coordinator"], waiting)


def test_the_holder_of_a_reset_code_cannot_guess_the_password_at_leisure(people, settings):
    planner = people["planner"]
    waiting = actions.request_reset(people["admin"], planner, AccountRequest.Kind.RESET_TOTP)
    code = approve(people["coordinator"], waiting)
    client = Client()
    client.post(reverse("accounts:redeem"), {"username": "planner", "code": code})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:redeem"), {"password": "a guess"})
    # Locked out like a sign-in: now even the right password fails, and the code is unused.
    response = client.post(reverse("accounts:redeem"), {"password": PASSWORD})
    assert response.status_code == 429  # the lock-out page
    assert client.get(reverse("accounts:enroll")).status_code == 302
    assert EnrolmentCode.objects.get(user=planner).used_at is None


def test_a_coordinator_cannot_approve_a_change_to_their_own_account(people, cells):
    coordinator, south = people["coordinator"], cells["south"]
    actions.save_cell(people["admin"], south, name="South", members=[coordinator])
    waiting = AccountRequest.objects.get(user=coordinator, kind=AccountRequest.Kind.CELL)
    with pytest.raises(actions.AccountError, match="Someone other than you"):
        actions.approve_request(coordinator, waiting)
    assert not south.members.filter(pk=coordinator.pk).exists()


# --- 4. nobody edits their own role or cells ------------------------------------------------


def test_an_admin_cannot_give_themselves_a_role(people):
    admin = people["admin"]
    response = signed_in(admin).post(
        reverse("accounts:user_edit", args=[admin.pk]),
        {"role": Role.COORDINATOR, "is_active": "on", "display_name": ""},
    )
    assert response.status_code == 200
    assert "You cannot change your own role." in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and not AccountRequest.objects.exists()


def test_an_admin_cannot_put_themselves_in_a_cell(people, cells):
    admin = people["admin"]
    response = signed_in(admin).post(
        reverse("accounts:cell_edit", args=[cells["north"].pk]),
        {"name": "North", "members": [people["vetter"].pk, admin.pk]},
    )
    assert "You cannot change your own cells." in response.content.decode()
    assert not cells["north"].members.filter(pk=admin.pk).exists()


def test_a_new_cell_member_waits_for_a_coordinator_and_removals_do_not(people, cells):
    """A member sees the cell's cases: an admin could otherwise make an ordinary account, redeem
    its code and put it in a cell."""
    admin, north = people["admin"], cells["north"]
    code = create(admin, "sock", Role.VETTER)
    redeem(Client(), "sock", code, OWN_PASSWORD)
    sock = User.objects.get(username="sock")
    kept = [people["coordinator"], people["intake"], people["planner"], people["caseworker"]]
    response = signed_in(admin).post(
        reverse("accounts:cell_edit", args=[north.pk]),
        {"name": "North", "members": [u.pk for u in [*kept, sock]]},
        follow=True,
    )
    assert "New members wait for a coordinator" in response.content.decode()
    assert set(north.members.all()) == set(kept)  # the vetter left at once; sock waits
    waiting = AccountRequest.objects.get(user=sock, kind=AccountRequest.Kind.CELL)
    case = make_case(people["coordinator"], cell=north)
    assert not Case.objects.visible_to(sock).filter(pk=case.pk).exists()
    approve(people["coordinator"], waiting)
    assert Case.objects.visible_to(sock).filter(pk=case.pk).exists()
    record = AuditRecord.objects.filter(action="cell.save").order_by("seq").last()
    assert record.detail["asked"] == [sock.pk] and record.detail["removed"] == [people["vetter"].pk]


# --- 5. new coordinators and higher roles need a coordinator --------------------------------


def test_a_new_coordinator_waits_inactive_until_a_coordinator_approves(people):
    admin = people["admin"]
    assert create(admin, "boss", Role.COORDINATOR) == ""
    boss = User.objects.get(username="boss")
    assert not boss.is_active and not EnrolmentCode.objects.filter(user=boss).exists()
    # The admin cannot switch it on by hand.
    response = signed_in(admin).post(
        reverse("accounts:user_edit", args=[boss.pk]),
        {"role": Role.COORDINATOR, "is_active": "on", "display_name": ""},
    )
    assert "waits for a coordinator" in response.content.decode()
    boss.refresh_from_db()
    assert not boss.is_active

    code = approve(people["coordinator"], AccountRequest.objects.get(user=boss))
    boss.refresh_from_db()
    assert code and boss.is_active and boss.role == Role.COORDINATOR
    assert redeem(Client(), "boss", code, OWN_PASSWORD).url == reverse("accounts:enroll")


def test_raising_a_role_waits_for_approval_and_lowering_does_not(people):
    admin, intake = people["admin"], people["intake"]
    url = reverse("accounts:user_edit", args=[intake.pk])
    signed_in(admin).post(url, {"role": Role.COORDINATOR, "is_active": "on", "display_name": ""})
    intake.refresh_from_db()
    assert intake.role == Role.INTAKE
    waiting = AccountRequest.objects.get(user=intake, kind=AccountRequest.Kind.ROLE)
    assert waiting.role == Role.COORDINATOR
    approve(people["coordinator"], waiting)
    intake.refresh_from_db()
    assert intake.role == Role.COORDINATOR
    assert intake.role_since > timezone.now() - timedelta(minutes=1)  # the period starts again

    signed_in(admin).post(url, {"role": Role.ANALYST, "is_active": "on", "display_name": ""})
    intake.refresh_from_db()
    assert intake.role == Role.ANALYST


@pytest.mark.parametrize(
    ("old", "new", "waits"),
    [
        (Role.INTAKE, Role.PLANNER, True),  # sideways gives access it did not have
        (Role.ADMIN, Role.VETTER, True),  # an admin sees no case; a vetter does
        (Role.VETTER, Role.ADMIN, True),
        (Role.ANALYST, Role.CASEWORKER, True),
        (Role.COORDINATOR, Role.PLANNER, False),
        (Role.PLANNER, Role.ANALYST, False),
    ],
)
def test_which_role_changes_wait_for_a_coordinator(old, new, waits):
    from passage.accounts.roles import needs_approval

    assert needs_approval(old, new) is waits


# --- 6. four-eyes rules count people -------------------------------------------------------


def test_an_admin_cannot_purge_alone_with_two_coordinators_they_had_made(people, cells):
    """The finding: two new coordinator accounts completing a four-eyes purge. Even approved by
    the real coordinator, accounts that new are not a second person."""
    admin = people["admin"]
    made = []
    for name in ("sock-a", "sock-b"):
        create(admin, name, Role.COORDINATOR)
        actions.approve_request(
            people["coordinator"], AccountRequest.objects.get(user__username=name)
        )
        made.append(User.objects.get(username=name))
    case = make_case(people["coordinator"], cell=cells["north"])
    purge = sealing.request_purge(made[0], case, reason="cover tracks")
    with pytest.raises(sealing.PurgeError, match="too new"):
        sealing.approve_purge(made[1], purge)
    purge.refresh_from_db()
    assert purge.done_at is None


def test_a_fresh_coordinator_cannot_approve_account_changes(people):
    create(people["admin"], "boss", Role.COORDINATOR)
    actions.approve_request(
        people["coordinator"], AccountRequest.objects.get(user__username="boss")
    )
    boss = User.objects.get(username="boss")
    waiting = actions.request_reset(
        people["admin"], people["planner"], AccountRequest.Kind.RESET_TOTP
    )
    with pytest.raises(actions.AccountError, match="too new"):
        actions.approve_request(boss, waiting)


def test_the_period_is_a_setting(people, settings):
    settings.FOUR_EYES_MIN_ACCOUNT_DAYS = 0
    create(people["admin"], "boss", Role.COORDINATOR)
    actions.approve_request(
        people["coordinator"], AccountRequest.objects.get(user__username="boss")
    )
    waiting = actions.request_reset(
        people["admin"], people["planner"], AccountRequest.Kind.RESET_TOTP
    )
    assert actions.approve_request(User.objects.get(username="boss"), waiting)


def test_the_set_up_coordinator_is_the_root_of_trust_and_approves_at_once(db):
    first = actions.complete_setup(
        organisation_name="Org", username="first", password="x7-correct-horse"
    )
    TOTPDevice.objects.create(user=first, name="test", confirmed=True)
    admin = make_user("admin", Role.ADMIN)
    create(admin, "second", Role.COORDINATOR)
    code = actions.approve_request(first, AccountRequest.objects.get(user__username="second"))
    assert code and User.objects.get(username="second").is_active


def test_demo_accounts_sign_in_with_their_shown_passwords_and_the_demo_clears_cases(db):
    """The demo's synthetic accounts keep their once-shown passwords, and its coordinator's
    clearance approvals (real four-eyes steps) work on the day it is loaded."""
    from passage.cases.demo import load_demo_data
    from passage.cases.models import Case

    demo = load_demo_data(cases=12, seed=1)
    planner = next(a for a in demo["accounts"] if a["username"] == "demo-planner")
    client = Client()
    response = sign_in(client, "demo-planner", password=planner["password"])
    assert response.url == reverse("accounts:enroll")
    assert Case.objects.filter(stage="cleared").exists()
