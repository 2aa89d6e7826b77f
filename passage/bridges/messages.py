"""What every adapter produces: a message to log, or a line it leaves out and why."""

from dataclasses import dataclass, field
from datetime import datetime

MAX_NOTES = 5000
MAX_NAME = 100
MAX_HANDLE = 120


@dataclass(frozen=True)
class Message:
    """One incoming message. `message_id` and `sender_key` are the service's own stable ids:
    the API keeps only keyed hashes of them, to log a message once and join a sender's case."""

    message_id: str
    sender_key: str
    received_at: datetime
    text: str = ""
    names: tuple[str, ...] = ()
    contact_handle: str = ""
    media: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Skipped:
    reason: str
    where: str = ""


def request_body(message: Message, channel: str) -> dict:
    """The API's request body: media are noted in the notes, never silently dropped."""
    parts = [message.text.strip()] if message.text.strip() else []
    parts += [f"[{label}: not imported, it is in the original export]" for label in message.media]
    notes = "\n".join(parts)
    if len(notes) > MAX_NOTES:
        cut = "\n[… cut: the message is longer than 5000 characters]"
        notes = notes[: MAX_NOTES - len(cut)] + cut
    body = {
        "channel": channel,
        "received_at": message.received_at.isoformat(),
        "notes": notes,
        "message_id": message.message_id[:200],
        "sender_key": message.sender_key[:200],
    }
    names = [n[:MAX_NAME] for n in message.names if n and n.strip()]
    if names:
        body["names"] = names
    if message.contact_handle:
        body["contact_handle"] = message.contact_handle[:MAX_HANDLE]
    return body
