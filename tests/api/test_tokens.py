from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from passage.api import tokens
from passage.api.models import ApiToken, hash_token
from passage.core.models import AuditRecord
from tests.api.conftest import bearer, make_token
from tests.conftest import signed_in

CASES = "/api/v1/cases"


def test_only_the_hash_is_stored(people):
    secret = make_token(people["coordinator"])
    token = ApiToken.objects.get()
    assert secret.startswith("psg_") and len(secret) > 40
    assert token.token_hash == hash_token(secret) and secret not in str(token.__dict__)


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer psg_wrong", "Basic abc", "Token x"])
def test_a_missing_or_wrong_token_gets_401(people, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get(CASES)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Bearer"
    refused = AuditRecord.objects.filter(action="api.refused").order_by("seq").last()
    assert refused.actor is None and refused.detail["status"] == 401


def test_a_revoked_token_stops_working(people):
    secret = make_token(people["coordinator"])
    client = bearer(secret)
    assert client.get(CASES).status_code == 200
    tokens.revoke_token(people["admin"], ApiToken.objects.get())
    assert client.get(CASES).status_code == 401


def test_an_expired_token_stops_working(people):
    client = bearer(make_token(people["coordinator"]))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(CASES).status_code == 401


def test_a_disabled_owner_disables_the_token(people):
    client = bearer(make_token(people["coordinator"]))
    people["coordinator"].is_active = False
    people["coordinator"].save()
    assert client.get(CASES).status_code == 401


def test_a_token_without_the_scope_gets_403(people):
    client = bearer(make_token(people["coordinator"], ["requests:create"]))
    response = client.get(CASES)
    assert response.status_code == 403
    assert response.json() == {
        "error": "scope_missing",
        "message": "This token's scopes do not allow this call.",
        "detail": "cases:read",
        "fields": None,
    }


# A day-long window, so the fixed window cannot roll over between the five calls.
@override_settings(PASSAGE_API_RATE_WINDOW_SECONDS=86400)
def test_calls_past_the_limit_get_429_with_retry_after(people):
    client = bearer(make_token(people["coordinator"], rate_limit=3))
    statuses = [client.get(CASES).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get(CASES)
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 86400


def test_the_window_resets(people):
    token, _secret = tokens.create_token(
        None, name="t", owner=people["coordinator"], scopes=["cases:read"], rate_limit=1
    )
    now = timezone.now()
    assert tokens.count_call(token, now).allowed
    assert not tokens.count_call(token, now).allowed
    later = now + timedelta(seconds=tokens.window_seconds())
    assert tokens.count_call(token, later).allowed


@override_settings(PASSAGE_API_RATE_WINDOW_SECONDS=3600)
def test_the_window_length_is_a_setting(people):
    token, _secret = tokens.create_token(
        None, name="t", owner=people["coordinator"], scopes=["cases:read"], rate_limit=1
    )
    # Windows are aligned to the clock: take a moment early in an hour, or the last minute of
    # every hour would leave less than 60 s to wait whatever the setting.
    early_in_the_hour = timezone.now().replace(minute=0, second=1)
    assert tokens.count_call(token, early_in_the_hour).retry_after > 60


@override_settings(PASSAGE_API_RATE_WINDOW_SECONDS=86400)
def test_each_token_has_its_own_limit(people):
    first = bearer(make_token(people["coordinator"], rate_limit=1))
    second = bearer(make_token(people["coordinator"], rate_limit=1))
    assert first.get(CASES).status_code == 200
    assert first.get(CASES).status_code == 429
    assert second.get(CASES).status_code == 200


def test_an_admin_creates_a_token_on_the_page_and_sees_the_secret_once(people):
    admin = signed_in(people["admin"])
    response = admin.post(
        reverse("api_tokens:new"),
        {
            "name": "Signal bridge",
            "owner": people["intake"].pk,
            "scopes": ["requests:create"],
            "days": 30,
            "rate_limit": 120,
        },
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.owner == people["intake"] and token.scopes == ["requests:create"]
    assert token.rate_limit == 120
    listing = admin.get(reverse("api_tokens:list")).content.decode()
    assert "Signal bridge" in listing and secret not in listing
    assert AuditRecord.objects.filter(action="api_token.create", actor=people["admin"]).exists()


def test_an_admin_revokes_a_token_on_the_page(people):
    make_token(people["intake"])
    token = ApiToken.objects.get()
    response = signed_in(people["admin"]).post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditRecord.objects.filter(action="api_token.revoke").exists()


def test_the_command_creates_lists_and_revokes(people, capsys):
    call_command(
        "api-token",
        "create",
        "--name",
        "hotline",
        "--owner",
        "intake",
        "--scope",
        "requests:create",
    )
    secret = capsys.readouterr().out.strip()
    assert bearer(secret).get(reverse("api:read_request", args=["0" * 32])).status_code == 404
    token = ApiToken.objects.get()
    call_command("api-token", "list")
    listing = capsys.readouterr().out
    assert "hotline" in listing and "active" in listing and secret not in listing
    call_command("api-token", "revoke", str(token.pk))
    call_command("api-token", "list")
    assert "revoked" in capsys.readouterr().out


def test_an_admin_cannot_give_a_token_case_access_on_the_page(people):
    response = signed_in(people["admin"]).post(
        reverse("api_tokens:new"),
        {
            "name": "x",
            "owner": people["coordinator"].pk,
            "scopes": ["cases:read"],
            "days": 30,
            "rate_limit": 60,
        },
    )
    assert response.status_code == 200 and "scopes" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_token_action_refuses_case_scopes_from_an_admin(people):
    with pytest.raises(PermissionDenied):
        tokens.create_token(
            people["admin"], name="x", owner=people["coordinator"], scopes=["cases:identity"]
        )
    assert not ApiToken.objects.exists()


def test_a_flood_of_bogus_tokens_is_counted_not_audited_call_by_call(people):
    # 200 bogus calls used to write 200 audit records; now one per network and window.
    from passage.api.models import RefusalWindow

    flood = Client(HTTP_AUTHORIZATION="Bearer psg_bogus", REMOTE_ADDR="198.51.100.7")
    before = AuditRecord.objects.count()
    for _ in range(60):
        assert flood.get(CASES).status_code == 401
    Client(HTTP_AUTHORIZATION="Bearer psg_bogus", REMOTE_ADDR="192.0.2.1").get(CASES)
    refused = AuditRecord.objects.filter(action="api.refused")
    assert AuditRecord.objects.count() - before == 2
    assert sorted(refused.values_list("source", flat=True)) == ["192.0.2.0/24", "198.51.100.0/24"]
    assert RefusalWindow.objects.get(source="198.51.100.0/24").calls == 60


@override_settings(PASSAGE_API_REFUSAL_WINDOW_SECONDS=2)
def test_the_next_window_audits_how_many_were_refused_in_the_last(people):
    import time

    flood = Client(HTTP_AUTHORIZATION="Bearer psg_bogus", REMOTE_ADDR="198.51.100.7")
    time.sleep(2 - time.time() % 2 + 0.01)  # start of a window: the calls fit in it
    for _ in range(5):
        flood.get(CASES)
    time.sleep(2.05)
    flood.get(CASES)
    last = AuditRecord.objects.filter(action="api.refused").order_by("seq").last()
    assert [w["refused"] for w in last.detail["earlier_windows"]] == [5]
