"""The simplest bridge format: one JSON object a line, for anything without its own adapter.

    {"id": "tg-1041", "sent_at": "2025-03-01T09:15:00+06:30", "sender": "@handle",
     "sender_name": "ကျော်ထူး", "text": "I want to leave my unit."}

`id` and `text` are required; `sent_at` must carry its offset (else the line is left out).
"""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from passage.bridges.messages import Message, Skipped


def read_lines(lines: Iterable[str], *, now: datetime) -> Iterator[Message | Skipped]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            item = json.loads(line)
            key, text = str(item["id"]), str(item["text"])
        except (ValueError, KeyError, TypeError):
            yield Skipped("not a message with an id and text", where)
            continue
        when = now
        if item.get("sent_at"):
            try:
                when = datetime.fromisoformat(str(item["sent_at"]))
            except ValueError:
                when = None
            if when is None or when.tzinfo is None:
                yield Skipped("sent_at is not a time with its offset", where)
                continue
        sender = str(item.get("sender") or "")
        yield Message(
            message_id=f"jsonl:{key}",
            sender_key=f"jsonl:{sender}" if sender else f"jsonl-message:{key}",
            received_at=when,
            text=text,
            names=(str(item["sender_name"]),) if item.get("sender_name") else (),
            contact_handle=sender,
        )
