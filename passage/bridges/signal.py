"""signal-cli's JSON output: `signal-cli -a ACCOUNT -o json receive` (one object per line,
`{"envelope": …, "account": …}`) or the JSON-RPC `receive` notifications of `jsonRpc` and
`daemon` (`{"jsonrpc": "2.0", "method": "receive", "params": {"envelope": …}}`).

An envelope has `source`/`sourceNumber` (the phone number, absent with phone-number privacy),
`sourceUuid` (the account's ACI), `sourceName`, `timestamp` (milliseconds) and one of
`dataMessage` (`message`, `attachments`, `sticker`, `reaction` …), `typingMessage`,
`receiptMessage`, `syncMessage` (what the organisation's own linked devices sent), `callMessage`.
Only data messages from others are taken.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from passage.bridges.messages import Message, Skipped

OTHER_KINDS = {
    "typingMessage": "typing indicator",
    "receiptMessage": "receipt",
    "syncMessage": "the hotline's own message (sync from a linked device)",
    "callMessage": "call",
    "storyMessage": "story",
}


def _envelopes(lines: Iterable[str]) -> Iterator[tuple[int, dict | None]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield number, None
            continue
        for one in item if isinstance(item, list) else [item]:
            if isinstance(one, dict) and one.get("method") == "receive":
                one = one.get("params") or {}
            yield number, one if isinstance(one, dict) else None


def _media(data: dict) -> tuple[str, ...]:
    found = []
    for attachment in data.get("attachments") or []:
        kind = attachment.get("contentType") or "file"
        name = attachment.get("filename")
        if attachment.get("voiceNote"):
            kind = f"voice message ({kind})"
        found.append(f"attachment {kind}" + (f" {name}" if name else ""))
    if data.get("sticker"):
        found.append("sticker")
    if data.get("contacts"):
        found.append("contact card")
    return tuple(f[:200] for f in found)


def read_envelopes(
    lines: Iterable[str], *, own_accounts: Iterable[str] = ()
) -> Iterator[Message | Skipped]:
    own = set(own_accounts)
    for number, item in _envelopes(lines):
        where = f"line {number}"
        if item is None or not isinstance(item.get("envelope"), dict):
            yield Skipped("not a signal-cli envelope", where)
            continue
        envelope = item["envelope"]
        if item.get("account"):
            own.add(item["account"])
        number_, uuid = (
            envelope.get("sourceNumber") or envelope.get("source"),
            envelope.get("sourceUuid"),
        )
        if (number_ and number_ in own) or (uuid and uuid in own):
            yield Skipped("the hotline's own message", where)
            continue
        data = envelope.get("dataMessage")
        if not isinstance(data, dict):
            kind = next(
                (label for key, label in OTHER_KINDS.items() if key in envelope), "no message"
            )
            yield Skipped(kind, where)
            continue
        text, media = data.get("message") or "", _media(data)
        if not text.strip() and not media:
            kind = "reaction" if data.get("reaction") else "no text (group update, deletion …)"
            yield Skipped(kind, where)
            continue
        sender = uuid or number_
        if not sender or not envelope.get("timestamp"):
            yield Skipped("no sender or no time", where)
            continue
        stamp = int(envelope["timestamp"])
        yield Message(
            message_id=f"signal:{sender}:{stamp}",
            sender_key=f"signal:{sender}",
            received_at=datetime.fromtimestamp(stamp / 1000, tz=UTC),
            text=text,
            names=(envelope["sourceName"],) if envelope.get("sourceName") else (),
            contact_handle=f"Signal {number_}" if number_ else f"Signal {uuid}",
            media=media,
        )
