"""The anonymous channel: receipts, flood tokens, nothing about the sender kept, replies."""

import hashlib
import itertools
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from passage.cases.models import Case
from passage.core import sealed_box
from passage.intake.models import Request
from passage.public import actions, receipts, tokens
from passage.public.models import DailyCount, Reply, Source, SpentFormToken, Submission
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def old_token():
    return tokens.issue(issued_at=time.time() - 30)


FORM = {
    "message": "I want to leave my battalion with my wife.",
    "names": "Kyaw Htoo",
    "contact_handle": "@kh_signal",
    "branch": "army",
    "rank": "corporal",
    "region": "sagaing",
    "urgency": "3",
}


def submit(client=None, **overrides):
    client = client or Client()
    data = {**FORM, "token": old_token(), **overrides}
    return client.post(
        reverse("public:start"),
        data,
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Mozilla/5.0 TestBrowser/99",
    )


def test_the_form_works_without_signing_in_and_sets_no_cookie():
    response = Client().get(reverse("public:start") + "?lang=my")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "<script" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_a_submission_gives_a_receipt_once_and_keeps_nothing_about_the_sender(org):
    response = submit()
    assert response.status_code == 200
    assert response.cookies == {}
    receipt = response.context["receipt"]
    assert len(receipt.passphrase.split()) == receipts.PASSPHRASE_WORDS
    assert receipt.bits == 77
    source = Source.objects.get()
    submission = Submission.objects.get()
    # Only the day, keyed hash and Argon2 verifier: no code name, passphrase, address or browser.
    row = {**source.__dict__, **submission.__dict__}
    flat = repr(row) + bytes(submission.sealed).hex()
    for needle in (
        "203.0.113.9",
        "TestBrowser",
        receipt.passphrase,
        receipt.code_name,
        "Kyaw Htoo",
        "battalion",
    ):
        assert needle not in flat
    assert source.verifier.startswith("$argon2id$")
    assert {f.name for f in Submission._meta.fields} == {
        "id",
        "source",
        "sealed",
        "received_on",
        "status",
        "handled_by",
    }
    assert {f.get_internal_type() for f in Source._meta.fields if "on" in f.name} == {"DateField"}


def test_the_submission_opens_only_with_the_organisation_key(org):
    submit()
    content = sealed_box.open_for_organisation(bytes(Submission.objects.get().sealed))
    assert b"Kyaw Htoo" in content


def test_a_form_sent_too_fast_is_refused_and_nothing_saved(org):
    response = submit(token=tokens.issue())
    assert response.status_code == 400
    assert "very fast" in response.content.decode()
    assert not Source.objects.exists() and not Submission.objects.exists()


def test_a_token_works_once(org):
    token = old_token()
    assert submit(token=token).status_code == 200
    response = submit(token=token)
    assert response.status_code == 400
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("token", ["", "forged", tokens.issue(issued_at=time.time() - 5 * 3600)])
def test_a_forged_or_expired_token_is_refused(org, token):
    assert submit(token=token).status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("message", ""),
        ("message", "x" * 6000),
        ("names", "Kyaw ကျော်"),
        ("urgency", "9"),
        ("rank", "emperor"),
        ("message", "bad\x00text"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(org, field, value):
    response = submit(**{field: value})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not Submission.objects.exists() and not SpentFormToken.objects.exists()


def test_burmese_page():
    page = Client().get(reverse("public:start") + "?lang=my").content.decode()
    assert 'lang="my"' in page
    for english in ("Ask for help safely", "I already have a code name", "Send securely"):
        with translation.override("my"):
            burmese = translation.gettext(english)
        assert burmese != english and burmese in page
    assert "Ask for help safely" in Client().get(reverse("public:start")).content.decode()


def receipt_of(response):
    r = response.context["receipt"]
    return r.code_name, r.passphrase


def test_the_receipt_reads_replies_and_sends_more(people):
    code_name, passphrase = receipt_of(submit())
    submission = Submission.objects.get()
    case = actions.log_submission(people["intake"], submission)
    assert Request.objects.get(case=case).channel == "web_form"
    actions.reply(people["intake"], case, "We read you. Write to @safe_contact.")
    reply = Reply.objects.get()
    assert "safe_contact" not in repr(Reply.objects.filter(pk=reply.pk).values_list("body"))

    client = Client()
    response = client.post(
        reverse("public:check"),
        {"code_name": code_name.upper(), "passphrase": passphrase, "token": old_token()},
    )
    assert response.status_code == 200
    assert "We read you" in response.content.decode()
    assert response.cookies == {}
    response = client.post(
        reverse("public:send_more"),
        {
            "message": "Thank you, we leave Friday.",
            "token": old_token(),
            "access": response.context["access"],
        },
    )
    assert response.status_code == 200
    more = Submission.objects.get(status="new")
    assert more.source == submission.source
    # The follow-up goes to the case the first message opened.
    actions.log_submission(people["intake"], more)
    assert Request.objects.filter(case=case).count() == 2


def test_the_access_token_alone_sends_more_but_reads_no_reply(people):
    code_name, passphrase = receipt_of(submit())
    case = actions.log_submission(people["intake"], Submission.objects.get())
    actions.reply(people["intake"], case, "Meet at the teashop on Friday.")
    page = Client().post(
        reverse("public:check"),
        {"code_name": code_name, "passphrase": passphrase, "token": old_token()},
    )
    assert "teashop" in page.content.decode()
    access = page.context["access"]  # in the page's HTML: whoever sees the page may copy it
    for message in ("More from me.", ""):  # a message sent, and a form sent back with an error
        response = Client().post(
            reverse("public:send_more"),
            {"message": message, "token": old_token(), "access": access},
        )
        assert response.status_code in (200, 400)
        assert "teashop" not in response.content.decode()


def test_a_wrong_passphrase_reads_nothing(org):
    code_name, _ = receipt_of(submit())
    response = Client().post(
        reverse("public:check"),
        {"code_name": code_name, "passphrase": "wrong words", "token": old_token()},
    )
    assert response.status_code == 400
    assert "do not match" in response.content.decode()


def test_send_more_without_a_valid_access_token_saves_nothing(org):
    submit()
    response = Client().post(
        reverse("public:send_more"), {"message": "x", "token": old_token(), "access": "forged"}
    )
    assert response.status_code == 302
    assert Submission.objects.count() == 1


def test_the_inbox_opens_and_logs_a_submission_with_an_audit_record(people):
    from passage.core.models import AuditRecord

    submit()
    item = Submission.objects.get()
    client = signed_in(people["intake"])
    assert str(item.pk) in client.get(reverse("public_inbox:inbox")).content.decode()
    page = client.get(reverse("public_inbox:submission", args=[item.pk]))
    assert "Kyaw Htoo" in page.content.decode()
    response = client.post(reverse("public_inbox:log", args=[item.pk]))
    case = Case.objects.get(sources__isnull=False)
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert AuditRecord.objects.filter(action="public.submission_logged").exists()
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("public_inbox:reply", args=[case.pk]) in detail
    response = client.post(reverse("public_inbox:reply", args=[case.pk]), {"body": ""})
    assert response.status_code == 400 and not Reply.objects.exists()
    client.post(reverse("public_inbox:reply", args=[case.pk]), {"body": "Hello"})
    assert AuditRecord.objects.filter(action="public.reply").exists()


def test_a_later_message_is_hidden_from_those_who_cannot_see_the_case(people):
    submit()
    item = Submission.objects.get()
    case = actions.log_submission(people["intake"], item)
    Case.objects.filter(pk=case.pk).update(cell=None)
    case.assignees.clear()
    actions.submit_more(item.source, "more", token=old_token(), language="en")
    from passage.core.access import public_submissions_for

    assert not public_submissions_for(people["intake"], Submission.objects.filter(status="new"))
    assert public_submissions_for(people["coordinator"], Submission.objects.filter(status="new"))


EFF_LARGE_SHA256 = "addd35536511597a02fa0a9ff1e5284677b8883b83e986e43f15a3db996b903e"


def test_the_word_list_is_the_eff_large_list_intact():
    lines = receipts.WORDS_FILE.read_text().splitlines()
    rolls = [line.split("\t")[0] for line in lines]
    assert rolls == ["".join(dice) for dice in itertools.product("123456", repeat=5)]
    words = receipts.words()
    assert len(set(words)) == len(words) == 7776
    assert (words[0], words[-1]) == ("abacus", "zoom")
    assert hashlib.sha256(receipts.WORDS_FILE.read_bytes()).hexdigest() == EFF_LARGE_SHA256


def test_the_passphrase_has_at_least_77_bits_and_the_receipt_page_says_so(org):
    assert receipts.PASSPHRASE_WORDS >= 6
    assert receipts.passphrase_bits() == 77  # 6 x log2(7776) = 77.5
    assert "about 77 bits" in submit().content.decode()


def test_a_receipt_drawn_from_the_earlier_word_list_still_opens(org):
    """The stored hashes depend only on the words typed, not on the list they came from."""
    code_name = "keyword-iterator-adjacent"  # words of the earlier list that the EFF list lacks
    passphrase = "about above absent accept across adapter aliases"
    assert not {*code_name.split("-"), *passphrase.split()} & set(receipts.words())
    source = Source.objects.create(
        # As the earlier code stored them, computed here without receipts.py.
        lookup_id=salted_hmac(
            "passage.public.code-name", code_name, algorithm="sha256"
        ).hexdigest(),
        verifier=PasswordHasher().hash(passphrase),
        created_on=timezone.localdate(),
    )
    response = Client().post(
        reverse("public:check"),
        {"code_name": code_name, "passphrase": passphrase.upper(), "token": old_token()},
    )
    assert response.status_code == 200
    assert tokens.source_from_access(response.context["access"]) == str(source.pk)


def test_a_hyphenated_word_opens_typed_with_a_space(org):
    verifier = receipts.make_verifier("t-shirt yo-yo abacus zoom drop-down felt-tip")
    assert receipts.check_passphrase(verifier, "T shirt yo yo abacus zoom drop down felt tip")
    assert not receipts.check_passphrase(verifier, "t-shirt yo-yo abacus zoom drop-down")


def test_the_form_takes_submissions_while_sealed_and_they_open_after_unsealing(org):
    from passage.core import crypto
    from passage.core.sealing import keyring, state
    from tests.conftest import TEST_PASSPHRASE

    crypto.forget_keys()
    response = submit()
    assert response.status_code == 200
    code_name, passphrase = receipt_of(response)
    with pytest.raises(crypto.SealedError):
        sealed_box.open_for_organisation(bytes(Submission.objects.get().sealed))
    # The receipt still opens (replies, encrypted, would wait for unsealing).
    response = Client().post(
        reverse("public:check"),
        {"code_name": code_name, "passphrase": passphrase, "token": old_token()},
    )
    assert response.status_code == 200
    state.install(*keyring.open_with_passphrase(TEST_PASSPHRASE))
    assert b"Kyaw Htoo" in sealed_box.open_for_organisation(bytes(Submission.objects.get().sealed))


COME_BACK = (
    "We are sorry: we have received as many messages today as we can take. Please come back "
    "tomorrow. If you have a code name, you can still read our replies."
)


@override_settings(PUBLIC_DAILY_LIMIT=2)
@pytest.mark.parametrize("lang", ["en", "my"])
def test_past_the_daily_limit_the_form_says_so_kindly_and_saves_nothing(org, lang):
    assert submit(lang=lang).status_code == 200
    code_name, passphrase = receipt_of(submit(lang=lang))
    response = submit(lang=lang)
    assert response.status_code == 400
    english = (
        "We are sorry: we have received as many messages today as we can take. "
        "Nothing you wrote was saved. Please keep a copy of your message and send it "
        "again tomorrow."
    )
    with translation.override(lang):
        sorry = translation.gettext(english)
    assert (sorry == english) == (lang == "en")
    assert sorry in response.content.decode()
    # What they wrote is still on the page to copy; nothing was stored, no token spent.
    assert FORM["message"] in response.content.decode()
    assert (Source.objects.count(), Submission.objects.count()) == (2, 2)
    assert SpentFormToken.objects.count() == 2
    # Someone arriving now is told before they write.
    page = Client().get(reverse("public:start") + f"?lang={lang}").content.decode()
    with translation.override(lang):
        assert translation.gettext(COME_BACK) in page

    # A requester with a receipt cannot add to the day's messages either, but still reads.
    page = Client().post(
        reverse("public:check"),
        {"code_name": code_name, "passphrase": passphrase, "token": old_token(), "lang": lang},
    )
    assert page.status_code == 200
    more = Client().post(
        reverse("public:send_more"),
        {"message": "More.", "token": old_token(), "access": page.context["access"], "lang": lang},
    )
    assert more.status_code == 400 and sorry in more.content.decode()
    assert Submission.objects.count() == 2


@override_settings(PUBLIC_DAILY_LIMIT=1)
def test_the_daily_limit_counts_only_today(org):
    assert COME_BACK not in Client().get(reverse("public:start")).content.decode()
    assert submit().status_code == 200
    assert submit().status_code == 400
    yesterday = timezone.localdate() - timedelta(days=1)
    Submission.objects.update(received_on=yesterday)
    DailyCount.objects.update(day=yesterday)  # the day's counter moves with its messages
    assert submit().status_code == 200
    assert Submission.objects.filter(received_on=timezone.localdate()).count() == 1
