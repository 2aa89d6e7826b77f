"""Telegram Desktop's chat export (Settings → Advanced → Export Telegram data, JSON format).

`result.json` is either one chat (`name`, `type`, `id`, `messages`) or a whole account
(`personal_information`, `chats.list`). A message has `id`, `type` ("message" or "service"),
`date` (local time of the exporting computer), `date_unixtime` (seconds, as a string),
`from`, `from_id` ("user123…"), `text` (a string, or a list of strings and entity objects
`{"type": "bold", "text": …}`), `text_entities`, and for media `photo`, `file`, `media_type`
("voice_message", "video_message", "sticker", …), `duration_seconds`.

The hotline's own messages are left out: in a personal chat the chat's `id` is the other
person's user id, so anything from another id is the hotline's; a whole-account export names the
account in `personal_information.user_id`; `--own-id` adds more.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from passage.bridges.messages import Message, Skipped

MEDIA_LABELS = {
    "voice_message": "voice message",
    "video_message": "video message",
    "audio_file": "audio file",
    "video_file": "video",
    "animation": "animation",
    "sticker": "sticker",
}
CHAT_TYPES_SKIPPED = {"saved_messages"}


def _text(message: dict) -> str:
    parts = message.get("text_entities")
    if parts is None:
        parts = message.get("text", "")
    if isinstance(parts, str):
        return parts
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in parts)


def _media(message: dict) -> tuple[str, ...]:
    found = []
    kind = message.get("media_type")
    if kind:
        label = MEDIA_LABELS.get(kind, kind.replace("_", " "))
        if message.get("duration_seconds"):
            label += f", {message['duration_seconds']} s"
        if kind == "sticker" and message.get("sticker_emoji"):
            label += f" {message['sticker_emoji']}"
        found.append(label)
    elif "photo" in message:
        found.append("photo")
    elif "file" in message:
        name = message.get("file_name") or str(message["file"]).rsplit("/", 1)[-1]
        found.append(f"file {name}"[:200])
    for key, label in (
        ("location_information", "location"),
        ("contact_information", "contact card"),
        ("poll", "poll"),
    ):
        if key in message:
            found.append(label)
    return tuple(found)


def _when(message: dict, zone: ZoneInfo) -> datetime | None:
    if message.get("date_unixtime"):
        return datetime.fromtimestamp(int(message["date_unixtime"]), tz=UTC)
    if message.get("date"):
        # Exports before date_unixtime existed: local time of the computer that exported.
        return datetime.fromisoformat(message["date"]).replace(tzinfo=zone)
    return None


def _chats(export: dict) -> Iterable[dict]:
    if "messages" in export:
        return [export]
    return (export.get("chats") or {}).get("list") or []


def read_export(
    export: dict, *, own_ids: Iterable[str] = (), zone: ZoneInfo | None = None
) -> Iterator[Message | Skipped]:
    zone = zone or ZoneInfo("UTC")
    own = set(own_ids)
    me = (export.get("personal_information") or {}).get("user_id")
    if me is not None:
        own.add(f"user{me}")
    for chat in _chats(export):
        chat_id = chat.get("id")
        if chat.get("type") in CHAT_TYPES_SKIPPED:
            for message in chat.get("messages") or []:
                yield Skipped(
                    "saved messages (the hotline's own notes)", f"message {message.get('id')}"
                )
            continue
        peer = f"user{chat_id}" if chat.get("type") == "personal_chat" else None
        for message in chat.get("messages") or []:
            where = f"chat {chat_id}, message {message.get('id')}"
            if message.get("type") == "service":
                yield Skipped(f"service message ({message.get('action', 'unknown')})", where)
                continue
            sender = message.get("from_id") or ""
            if sender in own or (peer is not None and sender and sender != peer):
                yield Skipped("the hotline's own message", where)
                continue
            if not sender:
                yield Skipped("no sender id", where)
                continue
            text, media = _text(message), _media(message)
            if not text.strip() and not media:
                yield Skipped("empty message", where)
                continue
            when = _when(message, zone)
            if when is None:
                yield Skipped("no date", where)
                continue
            yield Message(
                message_id=f"telegram:{chat_id}:{message.get('id')}",
                sender_key=f"telegram:{sender}",
                received_at=when,
                text=text,
                names=(message["from"],) if message.get("from") else (),
                contact_handle=f"Telegram {sender}",
                media=media,
            )


BOT_MEDIA = (
    ("voice", "voice message"),
    ("video_note", "video message"),
    ("video", "video"),
    ("audio", "audio file"),
    ("animation", "animation"),
    ("photo", "photo"),
    ("location", "location"),
    ("contact", "contact card"),
    ("poll", "poll"),
)


def _bot_media(message: dict) -> tuple[str, ...]:
    found = []
    for key, label in BOT_MEDIA:
        if message.get(key):
            value = message[key]
            if isinstance(value, dict) and value.get("duration"):
                label += f", {value['duration']} s"
            found.append(label)
    if message.get("sticker"):
        found.append(f"sticker {message['sticker'].get('emoji', '')}".strip())
    if message.get("document") and not message.get("animation"):
        found.append(f"file {message['document'].get('file_name', '')}".strip()[:200])
    return tuple(found)


def from_bot_update(update: dict) -> Message | Skipped:
    """One Bot API Update (what a webhook receives): a private chat's message, or why not.

    The sender key is the same as in a Desktop export ("telegram:user<id>"), so a person who
    wrote before the bot went live, and was imported from an export, keeps one case.
    """
    where = f"update {update.get('update_id')}"
    message = update.get("message")
    if not isinstance(message, dict):
        kind = next((k for k in update if k != "update_id"), "unknown")
        return Skipped(f"not a new message ({kind})", where)
    sender, chat = message.get("from") or {}, message.get("chat") or {}
    if chat.get("type") != "private":
        return Skipped("not a private chat", where)
    if sender.get("is_bot") or not sender.get("id"):
        return Skipped("sent by a bot", where)
    text = message.get("text") or message.get("caption") or ""
    media = _bot_media(message)
    if not text.strip() and not media:
        return Skipped("empty message", where)
    name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
    handle = f"@{sender['username']}" if sender.get("username") else f"Telegram user{sender['id']}"
    return Message(
        message_id=f"telegram-bot:{chat.get('id')}:{message.get('message_id')}",
        sender_key=f"telegram:user{sender['id']}",
        received_at=datetime.fromtimestamp(int(message.get("date") or 0), tz=UTC),
        text=text,
        names=(name,) if name else (),
        contact_handle=handle,
        media=media,
    )
