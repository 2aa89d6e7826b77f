"""The adapters on samples written from each format's documentation and source: pure Python."""

import json
from datetime import UTC, datetime
from pathlib import Path

from passage.bridges import jsonl, signal, telegram
from passage.bridges.messages import Message, Skipped, request_body

SAMPLES = Path(__file__).parent / "samples"


def load(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def lines(name):
    return (SAMPLES / name).read_text(encoding="utf-8").splitlines()


def test_telegram_takes_text_as_a_string_or_entity_array_and_notes_media():
    items = list(telegram.read_export(load("telegram_single_chat.json")))
    messages = [i for i in items if isinstance(i, Message)]
    assert [m.message_id for m in messages] == [
        "telegram:5123456789:101",
        "telegram:5123456789:103",
        "telegram:5123456789:104",
        "telegram:5123456789:105",
        "telegram:5123456789:107",
    ]
    assert messages[1].text == "Yes. Urgent: we move to Sagaing on Friday. My wife is @maw_maw."
    assert messages[2].text == "" and messages[2].media == ("voice message, 14 s",)
    assert messages[3].text == "The gate of our camp" and messages[3].media == ("photo",)
    assert messages[4].media == ("sticker 🙏",)
    assert {m.sender_key for m in messages} == {"telegram:user5123456789"}
    # The time is date_unixtime (UTC), not the exporting computer's local "date".
    assert messages[0].received_at == datetime(2025, 3, 3, 9, 58, 12, tzinfo=UTC)
    skipped = [i.reason for i in items if isinstance(i, Skipped)]
    assert skipped == ["the hotline's own message", "service message (phone_call)"]


def test_a_telegram_account_export_skips_saved_messages_and_the_account_s_own():
    items = list(telegram.read_export(load("telegram_account.json")))
    messages = [i for i in items if isinstance(i, Message)]
    assert [m.message_id for m in messages] == ["telegram:6234567890:11", "telegram:6234567890:13"]
    assert messages[1].media == ("video, 21 s",)
    assert messages[0].names == ("ဇော်မင်း Zaw",)
    reasons = [i.reason for i in items if isinstance(i, Skipped)]
    assert reasons == ["saved messages (the hotline's own notes)", "the hotline's own message"]


def test_an_old_telegram_export_without_unixtime_reads_the_given_zone():
    from zoneinfo import ZoneInfo

    export = load("telegram_single_chat.json")
    for message in export["messages"]:
        message.pop("date_unixtime")
    first = next(telegram.read_export(export, zone=ZoneInfo("Asia/Yangon")))
    assert first.received_at == datetime(2025, 3, 3, 3, 28, 12, tzinfo=UTC)


def test_signal_takes_data_messages_and_skips_typing_receipts_reactions_and_its_own():
    items = list(signal.read_envelopes(lines("signal_receive.jsonl")))
    messages = [i for i in items if isinstance(i, Message)]
    assert [m.text for m in messages] == [
        "I need help to leave. I am a sergeant in LIB 33.",
        "",
        "My brother is a soldier in Sagaing and wants out.",
    ]
    assert messages[1].media == ("attachment audio/aac",)
    # Keyed on the account's UUID, which outlives a phone number; the number is the handle.
    assert messages[0].sender_key == "signal:3b5e1c4a-8d2f-4f6e-9a71-2c0d5e8b9f10"
    assert messages[0].contact_handle == "Signal +959111222333"
    assert messages[2].contact_handle == "Signal c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f"
    assert messages[0].received_at == datetime.fromtimestamp(1741000000, tz=UTC)
    assert [i.reason for i in items if isinstance(i, Skipped)] == [
        "typing indicator",
        "receipt",
        "the hotline's own message",
        "reaction",
    ]


def test_signal_reads_json_rpc_receive_notifications():
    items = list(signal.read_envelopes(lines("signal_jsonrpc.jsonl")))
    messages = [i for i in items if isinstance(i, Message)]
    assert [m.text for m in messages] == ["Police, Yangon. I want to leave.", "This is my ID card"]
    assert messages[1].media == ("attachment image/jpeg id_card.jpg",)
    assert [i.reason for i in items if isinstance(i, Skipped)] == ["typing indicator"]


def test_signal_leaves_out_what_is_not_an_envelope():
    items = list(signal.read_envelopes(["not json", '{"jsonrpc": "2.0", "id": 1, "result": {}}']))
    assert [i.reason for i in items] == ["not a signal-cli envelope"] * 2


def test_the_request_body_notes_media_and_keeps_to_the_api_s_limits():
    message = Message(
        message_id="telegram:1:2",
        sender_key="telegram:user1",
        received_at=datetime(2025, 3, 3, tzinfo=UTC),
        text="x" * 6000,
        names=("N" * 150,),
        media=("voice message, 14 s",),
    )
    body = request_body(message, "telegram")
    assert len(body["notes"]) == 5000 and body["notes"].endswith("longer than 5000 characters]")
    assert body["names"] == ["N" * 100]
    voice = request_body(Message("a", "b", message.received_at, media=("photo",)), "telegram")
    assert voice["notes"] == "[photo: not imported, it is in the original export]"


def test_jsonl_keeps_its_old_format():
    now = datetime(2025, 3, 3, tzinfo=UTC)
    items = list(
        jsonl.read_lines(
            [
                '{"id": "tg-1", "text": "hi", "sender": "@k", '
                '"sent_at": "2025-03-01T09:15:00+06:30"}',
                '{"id": "tg-2", "text": "naive", "sent_at": "2025-03-01T09:15:00"}',
                "x",
            ],
            now=now,
        )
    )
    assert items[0].sender_key == "jsonl:@k" and items[0].received_at.utcoffset().seconds == 23400
    assert [i.reason for i in items[1:]] == [
        "sent_at is not a time with its offset",
        "not a message with an id and text",
    ]
