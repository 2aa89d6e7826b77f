"""A sealed server answers nothing but the unseal page and the public form; unsealing works with
the passphrase or k of n shares and nothing less; seal-now ends sessions in every process."""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from passage.core.models import AuditRecord
from passage.core.sealing import actions, keyring, state
from tests.conftest import TEST_PASSPHRASE, signed_in


def _paths(resolver=None, prefix=""):
    """One concrete path for every URL pattern, with made-up ids."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _paths(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            for name, conv in getattr(p.pattern, "converters", {}).items():
                value = str(uuid.uuid4()) if "UUID" in type(conv).__name__ else "1"
                route = route.replace(f"<{type(conv).__name__}:{name}>", value)
            route = route.replace("^", "").replace("$", "")
            for kind in ("uuid", "int", "str", "path"):
                route = __import__("re").sub(rf"<{kind}:\w+>", "1", route)
            yield "/" + route


def test_every_page_but_unseal_and_public_answers_sealed(people, sealed):
    paths = sorted(set(_paths()))
    assert len(paths) > 15
    client = signed_in(people["coordinator"])
    for path in paths:
        if path.startswith(("/sealing/unseal/", "/public/")):
            continue
        response = client.get(path)
        assert response.status_code == 503, path
    page = Client().get("/cases/").content.decode()
    assert "Passage is sealed" in page
    assert 'lang="my"' in page


def test_no_sign_in_while_sealed(people, sealed):
    response = Client().post(
        reverse("accounts:login"),
        {"username": "coordinator", "password": "a long test password", "token": "123456"},
    )
    assert response.status_code == 503
    assert not Session.objects.exists()


def test_the_unseal_page_answers_and_the_right_passphrase_unseals(people, sealed):
    client = Client()
    assert client.get(reverse("sealing:unseal")).status_code == 200
    response = client.post(reverse("sealing:unseal"), {"passphrase": TEST_PASSPHRASE})
    assert response.status_code == 302
    assert state.is_unsealed()
    assert AuditRecord.objects.filter(action="seal.unseal").exists()
    assert client.get(reverse("accounts:login")).status_code == 200


def test_wrong_passphrases_fail_are_counted_and_slowed(people, sealed):
    client = Client()
    response = client.post(reverse("sealing:unseal"), {"passphrase": "not it at all, no"})
    assert response.status_code == 403
    assert not state.is_unsealed()
    # At once again: too soon, even with the right passphrase; the delay persists in var/.
    response = client.post(reverse("sealing:unseal"), {"passphrase": TEST_PASSPHRASE})
    assert response.status_code == 429
    shared = state.read_shared()
    assert shared["failed"] == 1 and shared["next_attempt_at"] > 0
    with state.updating_shared() as s:
        s["next_attempt_at"] = 0.0
    assert client.post(reverse("sealing:unseal"), {"passphrase": "wrong"}).status_code == 403
    assert state.read_shared()["failed"] == 2
    with state.updating_shared() as s:
        assert s["next_attempt_at"] - __import__("time").time() > 1.5  # doubled
        s["next_attempt_at"] = 0.0
    client.post(reverse("sealing:unseal"), {"passphrase": TEST_PASSPHRASE})
    assert state.is_unsealed()
    assert AuditRecord.objects.get(action="seal.unseal").detail == {
        "via": "passphrase",
        "failed": 2,
    }


def test_k_of_n_shares_unseal_and_k_minus_1_do_not(fresh_keyring, db):
    _w, _m, _c, shares = keyring.initialise("a passphrase of several words", shares=(3, 5))
    state.drop()
    with pytest.raises(keyring.WrongSecret):
        actions.unseal(shares=shares[:2])
    with state.updating_shared() as s:
        s["next_attempt_at"] = 0.0
    actions.unseal(shares=[shares[4], shares[0], shares[2]])
    assert state.is_unsealed()


def test_seal_now_ends_every_session_and_the_next_request_sees_sealed(people):
    coordinator = signed_in(people["coordinator"])
    other = signed_in(people["intake"])
    assert other.get(reverse("cases:queue")).status_code == 200
    response = coordinator.post(reverse("sealing:seal_now"))
    assert response.status_code == 302
    assert not Session.objects.exists()
    assert not state.is_unsealed()
    assert other.get(reverse("cases:queue")).status_code == 503
    assert AuditRecord.objects.filter(action="seal.seal", actor=people["coordinator"]).exists()


def test_a_seal_in_another_process_drops_our_keys_at_the_next_request(people):
    client = signed_in(people["intake"])
    assert client.get(reverse("cases:queue")).status_code == 200
    # What `passage seal` in another process does: bump the shared generation.
    with state.updating_shared() as shared:
        shared["generation"] += 1
    assert state.is_unsealed()  # nothing has looked yet
    assert client.get(reverse("cases:queue")).status_code == 503
    assert not state.is_unsealed()


def test_only_coordinators_may_seal(people):
    for role in ("intake", "vetter", "admin"):
        assert signed_in(people[role]).post(reverse("sealing:seal_now")).status_code == 403
    assert state.is_unsealed()


def test_the_duress_password_seals_and_looks_like_a_wrong_password(people, settings):
    settings.SEALING_DURESS = True
    actions.set_duress_password(TEST_PASSPHRASE, "please do not hurt me")
    try:
        response = Client().post(
            reverse("accounts:login"),
            {"username": "coordinator", "password": "please do not hurt me", "token": "123456"},
        )
        assert response.status_code == 200
        assert b"wrong" in response.content
        assert not state.is_unsealed()
        # Cache and storage cleared, but not the cookies (the page's language would change).
        assert response["Clear-Site-Data"] == '"cache", "storage"'
    finally:
        data = keyring.load()
        data.pop("duress")
        keyring.save(data)


def test_after_the_duress_password_the_next_pages_do_not_say_sealed(people, settings):
    settings.SEALING_DURESS = True
    actions.set_duress_password(TEST_PASSPHRASE, "please do not hurt me")
    login = reverse("accounts:login")
    try:
        client = Client()
        client.post(login, {"username": "coordinator", "password": "please do not hurt me"})
        assert not state.is_unsealed()
        # Whoever forced the sign-in tries again, or another page: no "sealed" anywhere.
        again = client.get(login)
        assert again.status_code == 200 and b"sealed" not in again.content.lower()
        assert client.get(reverse("cases:queue")).url.startswith(login)
        right = client.post(
            login,
            {"username": "coordinator", "password": "a long test password", "token": "123456"},
        )
        assert right.status_code == 200 and b"wrong" in right.content
        assert b"sealed" not in right.content.lower()
        assert not Session.objects.exists() and not state.is_unsealed()
        # The officers still unseal at the unseal page, and then the seal is no longer quiet.
        client.post(reverse("sealing:unseal"), {"passphrase": TEST_PASSPHRASE})
        assert state.is_unsealed()
        actions.seal_now(None, reason="shell")
        assert Client().get(login).status_code == 503
    finally:
        data = keyring.load()
        data.pop("duress")
        keyring.save(data)


def test_first_run_set_up_chooses_the_passphrase(fresh_keyring, db):
    client = Client()
    assert client.get("/cases/").url == reverse("accounts:setup")
    page = client.get(reverse("accounts:setup")).content.decode()
    assert "id_passphrase_again" in page
    weak = client.post(
        reverse("accounts:setup"),
        {
            "organisation_name": "Org",
            "username": "first",
            "password": "a long first password",
            "password_again": "a long first password",
            "passphrase": "short",
            "passphrase_again": "short",
        },
    )
    assert weak.status_code == 200 and not keyring.exists()
    phrase = "river lantern mango seventeen"
    response = client.post(
        reverse("accounts:setup"),
        {
            "organisation_name": "Org",
            "username": "first",
            "password": "a long first password",
            "password_again": "a long first password",
            "passphrase": phrase,
            "passphrase_again": phrase,
        },
    )
    assert response.status_code == 302
    assert keyring.exists() and state.is_unsealed()
    assert phrase not in keyring.path().read_text()
    state.drop()
    actions.unseal(passphrase=phrase)
    assert state.is_unsealed()
