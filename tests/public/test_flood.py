"""A flood of the public form: the receipt's Argon2 hash runs outside the write transaction and
in a bounded number of slots, so other writers never wait for it and excess visitors are told
"busy, try again" (503) instead of getting a server error."""

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from argon2 import PasswordHasher
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from passage.public import actions, receipts, tokens
from passage.public.models import Source
from tests.core.sealing.test_key_agent import site, unused_port  # noqa: F401 (fixtures)

FORM = {
    "message": "I want to leave.",
    "names": "Kyaw Htoo",
    "branch": "army",
    "rank": "corporal",
    "region": "sagaing",
    "urgency": "2",
}


class WatchedHasher(PasswordHasher):
    """argon2-cffi's own hasher, noting whether each hash ran inside a transaction."""

    def __init__(self):
        super().__init__()
        self.in_transaction: list[bool] = []

    def hash(self, password, *, salt=None):
        self.in_transaction.append(connection.in_atomic_block)
        return super().hash(password, salt=salt)


@pytest.fixture
def watched(monkeypatch):
    hasher = WatchedHasher()
    monkeypatch.setattr(receipts, "_hasher", hasher)
    return hasher


@pytest.mark.django_db(transaction=True)
def test_the_receipt_hash_runs_outside_any_transaction(org, watched):
    receipt = actions.submit_first(
        FORM, token=tokens.issue(issued_at=time.time() - 30), language="en"
    )
    assert watched.in_transaction == [False]
    source = Source.objects.get(lookup_id=receipts.lookup_id(receipt.code_name))
    assert receipts.check_passphrase(source.verifier, receipt.passphrase)


@pytest.mark.django_db(transaction=True)
def test_a_forged_token_costs_no_hash(org, watched):
    with pytest.raises(tokens.TokenError):
        actions.submit_first(FORM, token="forged", language="en")
    assert watched.in_transaction == []


def _take_every_slot() -> int:
    taken = 0
    while receipts._slots.acquire(blocking=False):
        taken += 1
    return taken


@pytest.mark.django_db
@override_settings(PUBLIC_ARGON2_WAIT_SECONDS=0)
def test_when_every_argon2_slot_is_taken_the_visitor_is_told_busy_and_nothing_is_saved(org):
    taken = _take_every_slot()
    try:
        assert taken >= 1
        data = {**FORM, "token": tokens.issue(issued_at=time.time() - 30)}
        response = Client().post(reverse("public:start"), data)
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "Many people are using the form right now" in response.content.decode()
        assert not Source.objects.exists()
        checking = Client().post(
            reverse("public:check"),
            {
                "code_name": "a-b-c",
                "passphrase": "a b c d e f",
                "token": tokens.issue(issued_at=time.time() - 30),
            },
        )
        assert checking.status_code == 503
    finally:
        for _ in range(taken):
            receipts._slots.release()
    # The token was not spent: the same form sent again once a slot is free goes through.
    again = Client().post(reverse("public:start"), data)
    assert again.status_code == 200 and Source.objects.count() == 1


def _fetch_token(base: str) -> str:
    page = urllib.request.urlopen(f"{base}/public/", timeout=30).read().decode()  # noqa: S310
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _post(base: str, token: str) -> int:
    body = urllib.parse.urlencode({**FORM, "token": token}).encode()
    try:
        return urllib.request.urlopen(f"{base}/public/", data=body, timeout=60).status  # noqa: S310
    except urllib.error.HTTPError as exc:
        return exc.code


def test_concurrent_first_messages_on_sqlite_get_no_server_error(site):  # noqa: F811
    # A real `passage serve` on a file SQLite database, with the real Argon2 cost of receipts.
    site.start("serve", "--bind", f"127.0.0.1:{site.port}", "--threads", "16")
    base = f"http://127.0.0.1:{site.port}"

    def up():
        try:
            urllib.request.urlopen(f"{base}/public/", timeout=2)  # noqa: S310
        except OSError:
            return False
        return True

    assert site.wait_for(up), site.logs()
    site.unseal()  # once, so the organisation's key pair exists; the form then works sealed too
    n = 48
    issued = [_fetch_token(base) for _ in range(n)]
    time.sleep(tokens.MIN_FILL_SECONDS + 0.5)
    barrier = threading.Barrier(n)
    statuses = []

    def send(token):
        barrier.wait()
        statuses.append(_post(base, token))

    threads = [threading.Thread(target=send, args=(t,)) for t in issued]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 500 not in statuses, (sorted(statuses), site.logs()[-3000:])
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) >= 1


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status  # noqa: S310
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0  # not listening yet


def test_a_public_only_process_serves_the_form_while_sealed_and_nothing_else(site):  # noqa: F811
    # Unsealed once by the staff process (so the organisation's key pair exists), then sealed.
    site.start("serve", "--bind", f"127.0.0.1:{site.port}")
    base = f"http://127.0.0.1:{site.port}"
    assert site.wait_for(lambda: _status(f"{base}/public/") == 200), site.logs()
    site.unseal()
    site.run("seal")
    public_port = site.port + 1 if site.port < 65000 else site.port - 1
    site.start("serve", "--public-only", "--bind", f"127.0.0.1:{public_port}")
    public = f"http://127.0.0.1:{public_port}"
    assert site.wait_for(lambda: _status(f"{public}/public/") == 200), site.logs()
    assert _status(f"{public}/public/check/") == 200
    for staff in ("/", "/accounts/sign-in/", "/sealing/unseal/", "/api/v1/cases", "/public-inbox/"):
        assert _status(public + staff) == 404, staff
    token = _fetch_token(public)
    time.sleep(tokens.MIN_FILL_SECONDS + 0.5)
    assert _post(public, token) == 200  # a first message, taken while sealed
    assert _status(f"{public}/static/passage/css/passage.css") == 200
