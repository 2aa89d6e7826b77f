import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

import passage.settings as passage_settings
from passage.accounts.models import User
from passage.accounts.roles import Role
from passage.core.models import AuditRecord, Organisation
from tests.conftest import make_user, signed_in

PASSWORD = "a long test password"


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def sign_in(client, username, password=PASSWORD, token=""):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, "token": token}
    )


@pytest.fixture
def member(org):
    return make_user("member", Role.VETTER)


def test_first_run_sets_up_the_organisation_and_enrols_totp(db):
    client = Client()
    assert client.get("/").url == reverse("accounts:setup")
    response = client.post(
        reverse("accounts:setup"),
        {
            "organisation_name": "Freedom Road",
            "username": "first",
            "password": "x7-correct-horse",
            "password_again": "x7-correct-horse",
        },
    )
    assert response.url == reverse("accounts:enroll")
    page = client.get(reverse("accounts:enroll"))
    assert b"<svg" in page.content  # the QR code, drawn here, not fetched from a service
    user = User.objects.get(username="first")
    assert user.role == Role.COORDINATOR and Organisation.current().name == "Freedom Road"
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:enroll"), {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("cases:queue")).status_code == 200
    # Set-up runs once.
    assert Client().get(reverse("accounts:setup")).status_code == 404


def test_setup_refuses_a_weak_password(db):
    response = Client().post(
        reverse("accounts:setup"),
        {
            "organisation_name": "Org",
            "username": "first",
            "password": "password",
            "password_again": "password",
        },
    )
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_a_wrong_enrolment_code_is_refused(db):
    client = Client()
    client.post(
        reverse("accounts:setup"),
        {
            "organisation_name": "Org",
            "username": "first",
            "password": "x7-correct-horse",
            "password_again": "x7-correct-horse",
        },
    )
    client.get(reverse("accounts:enroll"))
    response = client.post(reverse("accounts:enroll"), {"token": "000000"})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get(reverse("cases:queue")).status_code == 302
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_wrong_code_is_refused_and_throttles_the_next_try(member):
    client = Client()
    device = TOTPDevice.objects.get(user=member)
    assert sign_in(client, "member").status_code == 200
    assert sign_in(client, "member", token="123456").status_code == 200
    # django-otp slows down guessing: straight after a failure even the right code fails.
    assert sign_in(client, "member", token=code_for(device)).status_code == 200
    assert client.get(reverse("cases:queue")).status_code == 302


def test_sign_in_with_password_and_totp_code(member):
    client = Client()
    device = TOTPDevice.objects.get(user=member)
    response = sign_in(client, "member", token=code_for(device))
    assert response.status_code == 302
    assert client.get(reverse("cases:queue")).status_code == 200
    assert AuditRecord.objects.filter(action="account.sign_in", actor=member).exists()


def test_a_password_alone_never_signs_in(member):
    client = Client()
    sign_in(client, "member")
    assert client.get(reverse("cases:queue")).status_code == 302
    failed = AuditRecord.objects.get(action="account.sign_in_failed")
    assert failed.detail == {"username": "member"} and failed.actor is None


def test_signing_out_ends_the_session_and_is_audited(member):
    client = signed_in(member)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("cases:queue")).status_code == 302
    assert AuditRecord.objects.filter(action="account.sign_out", actor=member).exists()


def test_repeated_failures_lock_the_account(member):
    device = TOTPDevice.objects.get(user=member)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "member", password="wrong password")
    response = sign_in(client, "member", token=code_for(device))
    assert response.status_code == 429
    assert client.get(reverse("cases:queue")).status_code == 302


def test_wrong_totp_codes_count_towards_lock_out(member):
    device = TOTPDevice.objects.get(user=member)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "member", token="000000")
    assert sign_in(client, "member", token=code_for(device)).status_code == 429


def test_an_idle_session_ends(member, settings):
    client = signed_in(member)
    assert client.get(reverse("cases:queue")).status_code == 200
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get(reverse("cases:queue")).status_code == 302


def test_the_idle_timeout_defaults_to_thirty_minutes_and_is_refreshed_on_each_request():
    assert passage_settings.SESSION_COOKIE_AGE == 30 * 60
    assert passage_settings.SESSION_SAVE_EVERY_REQUEST is True


def test_passwords_are_hashed_with_argon2_outside_tests():
    assert passage_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_an_admin_creates_a_user_who_enrols_totp_at_first_sign_in(org):
    admin = make_user("admin", Role.ADMIN)
    response = signed_in(admin).post(
        reverse("accounts:user_new"), {"username": "newbie", "role": Role.CASEWORKER}
    )
    code = response.context["code"]
    client = Client()
    client.post(reverse("accounts:redeem"), {"username": "newbie", "code": code})
    new_password = {"password": "x7-my-own-horse", "password_again": "x7-my-own-horse"}
    assert client.post(reverse("accounts:redeem"), new_password).url == reverse("accounts:enroll")
    client.get(reverse("accounts:enroll"))
    device = TOTPDevice.objects.get(user__username="newbie")
    assert client.post(reverse("accounts:enroll"), {"token": code_for(device)}).status_code == 302
    assert client.get(reverse("cases:queue")).status_code == 200


def test_a_deactivated_user_cannot_sign_in(member):
    device = TOTPDevice.objects.get(user=member)
    member.is_active = False
    member.save()
    client = Client()
    sign_in(client, "member", token=code_for(device))
    assert client.get(reverse("cases:queue")).status_code == 302


def test_pages_send_a_strict_content_security_policy(member):
    response = signed_in(member).get(reverse("cases:queue"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_http_only_and_same_site(member):
    device = TOTPDevice.objects.get(user=member)
    client = Client()
    client.get(reverse("accounts:login"))
    response = sign_in(client, "member", token=code_for(device))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


def test_csrf_is_enforced(member):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "member")
    assert response.status_code == 403


REPO = Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_no_template_or_stylesheet_loads_anything_from_another_host():
    files = [*REPO.glob("passage/**/templates/**/*.html"), *REPO.glob("passage/**/static/**/*.css")]
    assert files
    offenders = [str(f) for f in files if EXTERNAL.search(f.read_text())]
    assert not offenders


def test_no_template_has_inline_script_or_style():
    for template in REPO.glob("passage/**/templates/**/*.html"):
        text = template.read_text()
        assert "<script>" not in text and " onclick=" not in text and " style=" not in text, (
            template
        )


def test_set_up_with_demo_data_shows_the_demo_accounts_once(db, monkeypatch):
    from functools import partial

    from passage.cases import demo

    # Fewer cases than the default few hundred, to keep the test quick; the loader is real.
    monkeypatch.setattr(demo, "load_demo_data", partial(demo.load_demo_data, cases=12))
    client = Client()
    response = client.post(
        reverse("accounts:setup"),
        {
            "organisation_name": "Demo Org",
            "username": "first",
            "password": "x7-correct-horse",
            "password_again": "x7-correct-horse",
            "load_demo": "on",
        },
    )
    assert response.status_code == 200
    accounts = response.context["demo"]["accounts"]
    assert {a["role"] for a in accounts} >= {"admin", "vetter", "planner", "analyst"}
    assert accounts[0]["password"] in response.content.decode()
    assert client.get(reverse("accounts:enroll")).status_code == 200


def test_axes_keeps_no_browser_no_address_and_no_sign_in_log(member):
    # A seized database: which devices tried which accounts, and when everyone signed in.
    from axes.models import AccessAttempt, AccessLog

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14; SM-A546E) Chrome/120")
    client.post(
        reverse("accounts:login"),
        {"username": "member", "password": "wrong password", "token": "123456"},
        REMOTE_ADDR="198.51.100.77",
    )
    attempt = AccessAttempt.objects.get(username="member")
    assert attempt.failures_since_start == 1
    assert attempt.user_agent == "" and attempt.http_accept == ""
    assert attempt.ip_address == "198.51.100.0"
    assert "123456" not in attempt.post_data and "wrong password" not in attempt.post_data
    device = TOTPDevice.objects.get(user=member)
    response = sign_in(client, "member", token=code_for(device))
    assert response.status_code == 302
    assert not AccessLog.objects.exists()
    # Lock-out still works by username: tested by test_repeated_failures_lock_the_account.
