"""`passage bridge …` end to end: the sample exports through the real API of a live server."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from passage.api.models import RequestOrigin
from passage.api.scopes import Scope
from passage.cases.models import Case
from passage.intake.models import Request
from tests.api.conftest import make_token

SAMPLES = Path(__file__).parent / "samples"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(people, monkeypatch):
    secret = make_token(people["intake"], [Scope.REQUESTS_CREATE])
    monkeypatch.setenv("PASSAGE_API_TOKEN", secret)
    return secret


def bridge(live_server, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("bridge", *args, "--url", live_server.url, stdout=out, stderr=err)
    return out.getvalue()


def test_a_telegram_export_becomes_one_person_with_follow_ups_and_nothing_twice(
    live_server, token, capsys
):
    summary = bridge(live_server, "telegram-export", str(SAMPLES / "telegram_single_chat.json"))
    assert "Taken: 5 new requests (4 of them joined a case opened earlier in this run)" in summary
    assert "Skipped: 2 (1 the hotline's own message, 1 service message (phone_call))" in summary
    assert "… 7 read, done." in capsys.readouterr().err  # progress
    case = Case.objects.get()
    assert case.latest_channel == "telegram"
    notes = sorted(r.notes for r in case.requests.all())
    assert "Yes. Urgent: we move to Sagaing on Friday. My wife is @maw_maw." in notes
    assert "[voice message, 14 s: not imported, it is in the original export]" in notes
    assert "The gate of our camp\n[photo: not imported, it is in the original export]" in notes
    assert not any("Thank you. Are you safe" in n for n in notes)  # the hotline's own
    # The display name has a flag emoji: set aside for the intake officer, the text arrived.
    assert "Names set aside for an intake officer to verify: 5." in summary
    assert case.person.names == []
    first = case.requests.order_by("received_at").first()
    assert first.unverified_names == ["Kyaw Htoo 🇲🇲"]
    assert first.received_at.isoformat() == "2025-03-03T09:58:12+00:00"
    # Again, as after a crash or next month: nothing new.
    again = bridge(live_server, "telegram-export", str(SAMPLES / "telegram_single_chat.json"))
    assert (
        "Taken: 0 new requests (0 of them joined a case opened earlier in this run), 5 already"
        in again
    )
    assert Request.objects.count() == 5 and Case.objects.count() == 1


def test_signal_envelopes_from_receive_and_json_rpc(live_server, token):
    summary = bridge(live_server, "signal", str(SAMPLES / "signal_receive.jsonl"))
    assert "Taken: 3 new requests (1 of them joined" in summary
    assert "typing indicator" in summary and "receipt" in summary and "reaction" in summary
    assert Case.objects.count() == 2
    zaw = next(c for c in Case.objects.all() if c.requests.count() == 2)
    assert zaw.person.names == ["Zaw Min"] and zaw.person.contact_handle == "Signal +959111222333"
    assert any("[attachment audio/aac: not imported" in r.notes for r in zaw.requests.all())
    bridge(live_server, "signal", str(SAMPLES / "signal_jsonrpc.jsonl"))
    assert Case.objects.count() == 3 and Request.objects.count() == 5
    bridge(live_server, "signal", str(SAMPLES / "signal_receive.jsonl"))
    assert Request.objects.count() == 5
    assert RequestOrigin.objects.filter(message_hash__isnull=False).count() == 5


def test_jsonl_replaces_the_old_example_bridge(live_server, token, tmp_path):
    source = tmp_path / "chat.jsonl"
    source.write_text(
        '{"id": "tg-1", "sent_at": "2025-03-01T09:15:00+06:30", "sender": "@kyaw_bridge",'
        ' "sender_name": "ေက်ာ္ထူး", "text": "I want to leave my unit."}\n'
        '{"id": "tg-2", "text": "Help my brother, he is in Sagaing."}\n'
        "not a message\n",
        encoding="utf-8",
    )
    summary = bridge(live_server, "jsonl", str(source), "--channel", "facebook")
    assert "Taken: 2 new requests" in summary and "1 not a message" in summary
    person_names = sorted(n for c in Case.objects.all() for n in c.person.names)
    assert person_names == ["ကျော်ထူး"]  # Zawgyi converted
    assert {r.channel for r in Request.objects.all()} == {"facebook"}


def test_a_wrong_token_stops_the_bridge_at_once(live_server, people, monkeypatch):
    monkeypatch.setenv("PASSAGE_API_TOKEN", "psg_wrong")
    with pytest.raises(CommandError, match="401 unauthorized"):
        bridge(live_server, "signal", str(SAMPLES / "signal_receive.jsonl"))


def test_the_bridge_wants_its_token_from_the_environment(monkeypatch):
    monkeypatch.delenv("PASSAGE_API_TOKEN", raising=False)
    with pytest.raises(CommandError, match="PASSAGE_API_TOKEN"):
        call_command("bridge", "signal", str(SAMPLES / "signal_receive.jsonl"))


def test_an_unreadable_export_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSAGE_API_TOKEN", "psg_x")
    broken = tmp_path / "result.json"
    shutil.copy(SAMPLES / "telegram_single_chat.json", broken)
    broken.write_text(broken.read_text()[:100])
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("bridge", "telegram-export", str(broken))
