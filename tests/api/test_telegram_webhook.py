"""The Telegram bot webhook, fed Bot API updates as Telegram sends them."""

from django.test import Client
from django.urls import reverse

from passage.api.scopes import Scope
from passage.cases.models import Case
from passage.intake.models import Request
from tests.api.conftest import make_token

KYAW = {"id": 5123456789, "is_bot": False, "first_name": "Kyaw", "last_name": "Htoo",
        "username": "kyaw_htoo", "language_code": "my"}  # fmt: skip
CHAT = {"id": 5123456789, "first_name": "Kyaw", "last_name": "Htoo", "username": "kyaw_htoo",
        "type": "private"}  # fmt: skip


def update(update_id, message_id, **message):
    return {
        "update_id": update_id,
        "message": {"message_id": message_id, "from": KYAW, "chat": CHAT, "date": 1741000000,
                    **message},
    }  # fmt: skip


def hook(secret, body):
    client = Client(HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret) if secret else Client()
    return client.post(reverse("api:telegram_webhook"), body, content_type="application/json")


def test_messages_from_one_person_become_one_case_and_a_retry_logs_nothing(people):
    secret = make_token(people["intake"], [Scope.REQUESTS_CREATE])
    first = hook(secret, update(1, 10, text="I want to leave my battalion."))
    assert first.status_code == 200 and first.json()["status"] == "created"
    voice = {"duration": 14, "mime_type": "audio/ogg", "file_id": "AwAC", "file_unique_id": "x",
             "file_size": 23456}  # fmt: skip
    second = hook(secret, update(2, 11, voice=voice))
    assert second.json()["status"] == "created"
    again = hook(secret, update(1, 10, text="I want to leave my battalion."))
    assert again.json() == {**first.json(), "taken": False, "status": "already_logged"}
    case = Case.objects.get()
    assert case.person.names == ["Kyaw Htoo"] and case.person.contact_handle == "@kyaw_htoo"
    notes = sorted(r.notes for r in case.requests.all())
    assert notes == [
        "I want to leave my battalion.",
        "[voice message, 14 s: not imported, it is in the original export]",
    ]
    assert Request.objects.count() == 2


def test_updates_that_are_not_private_messages_are_answered_and_left_out(people):
    secret = make_token(people["intake"], [Scope.REQUESTS_CREATE])
    edited = {"update_id": 3, "edited_message": update(3, 10, text="x")["message"]}
    group = update(4, 12, text="hello")
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Friends"}
    for body, reason in ((edited, "not a new message (edited_message)"),
                         (group, "not a private chat")):  # fmt: skip
        response = hook(secret, body)
        assert response.status_code == 200
        assert response.json()["reason"] == reason
    assert not Case.objects.exists()


def test_the_secret_token_header_is_required(people):
    assert hook(None, update(1, 10, text="hi")).status_code == 401
    assert hook("psg_wrong", update(1, 10, text="hi")).status_code == 401
    figures_only = make_token(people["coordinator"], [Scope.FIGURES_READ])
    assert hook(figures_only, update(1, 10, text="hi")).status_code == 403
    assert not Case.objects.exists()


def test_the_sender_is_the_same_person_as_in_a_desktop_export(people, bridge):
    from passage.bridges.messages import request_body
    from passage.bridges.telegram import read_export
    from tests.bridges.test_adapters import load

    exported = next(read_export(load("telegram_single_chat.json")))
    bridge.post(
        reverse("api:create_request"),
        request_body(exported, "telegram"),
        content_type="application/json",
    )
    secret = make_token(people["intake"], [Scope.REQUESTS_CREATE])
    hook(secret, update(5, 20, text="Me again, from the bot."))
    assert Case.objects.count() == 1 and Request.objects.count() == 2
