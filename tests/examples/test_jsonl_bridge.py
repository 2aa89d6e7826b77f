import io
import json
import sys
from pathlib import Path

import pytest

from passage.api.models import RequestOrigin
from passage.api.scopes import Scope
from passage.intake.models import Request
from tests.api.conftest import make_token

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
import jsonl_bridge  # noqa: E402

MESSAGES = [
    {
        "id": "tg-1",
        "channel": "telegram",
        "sent_at": "2025-03-01T09:15:00+06:30",
        "sender": "@kyaw_bridge",
        "sender_name": "ေက်ာ္ထူး",
        "text": "I want to leave my unit.",
    },
    {"id": "tg-2", "text": "Help my brother, he is in Sagaing."},
    {"id": "tg-3", "sender_name": "Kyaw\u0007Htoo", "text": "A name with a bell character."},
    "not a message",
]


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "chat.jsonl"
    path.write_text("\n".join(json.dumps(m, ensure_ascii=False) for m in MESSAGES) + "\n")
    return path


@pytest.mark.django_db(transaction=True)
def test_the_bridge_posts_each_new_message_once(live_server, people, export):
    token = make_token(people["intake"], [Scope.REQUESTS_CREATE])
    out = io.StringIO()
    counts = jsonl_bridge.run(export, live_server.url, token, out=out)
    assert counts == {"posted": 2, "skipped": 0, "failed": 2}, out.getvalue()
    assert "line 3 (tg-3): 422 invalid" in out.getvalue()
    assert "Remove the invisible control character" in out.getvalue()
    first = Request.objects.get(
        pk=json.loads(export.with_name("chat.jsonl.posted.json").read_text())["tg-1"]
    )
    assert first.notes == "I want to leave my unit."
    assert first.case.person.names == ["ကျော်ထူး"] and first.channel == "telegram"
    assert first.case.person.contact_handle == "@kyaw_bridge"
    assert RequestOrigin.objects.count() == 2
    # Again: nothing posted twice.
    counts = jsonl_bridge.run(export, live_server.url, token, out=io.StringIO())
    assert counts == {"posted": 0, "skipped": 2, "failed": 2}
    assert Request.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_bridge_reports_a_wrong_token(live_server, people, export):
    out = io.StringIO()
    counts = jsonl_bridge.run(export, live_server.url, "psg_wrong", out=out)
    assert counts["posted"] == 0 and "401 unauthorized" in out.getvalue()


def test_the_bridge_wants_its_token_from_the_environment(monkeypatch, export):
    monkeypatch.delenv("PASSAGE_API_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        jsonl_bridge.main([str(export), "--url", "http://127.0.0.1:9"])
