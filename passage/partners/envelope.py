"""Message files between partners: signed by the sender (Ed25519), sealed to the partner (X25519
sealed box). The file is a magic line and the sealed bytes; everything else is inside the box, so
whoever carries or seizes the file learns its size and nothing else (not even who sent it).

Opening checks, in order: it is a partner message, it opens with our key, it is addressed to us,
it is signed by a partner we confirmed, it has not expired, and we have not seen it before. Each
refusal says which, and changes nothing.
"""

import base64
import json
import secrets
from datetime import datetime, timedelta

from django.utils import timezone
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import SealedBox

from passage.partners import identity
from passage.partners.models import Partner, SeenMessage

MAGIC = b"PASSAGE-PARTNER-MESSAGE-1\n"
FORMAT = "passage-partners-message-1"
MAX_BYTES = 64 * 1024 * 1024
DEFAULT_VALID = timedelta(days=7)


class Refused(Exception):
    """This message is not accepted; the text says why. Nothing was changed."""


def seal(partner: Partner, kind: str, run_id: str, seq: int, body: dict, valid: timedelta) -> bytes:
    now = timezone.now()
    inner = {
        "format": FORMAT,
        "id": secrets.token_hex(16),
        "from": identity.own_fingerprint(),
        "to": partner.fingerprint,
        "kind": kind,
        "run": run_id,
        "seq": seq,
        "created": now.isoformat(),
        "expires": (now + valid).isoformat(),
        "body": body,
    }
    signed = identity.signing_key().sign(json.dumps(inner, separators=(",", ":")).encode())
    _verify, box = identity.peer_keys(partner.fingerprint)
    return MAGIC + SealedBox(box).encrypt(bytes(signed))


def open_message(blob: bytes) -> tuple[Partner, dict]:
    """(partner, message) for a message we accept; Refused otherwise. Does not record it seen."""
    if len(blob) > MAX_BYTES or not blob.startswith(MAGIC):
        raise Refused("This is not a Passage partner message file.")
    try:
        signed = SealedBox(identity.box_key()).decrypt(blob[len(MAGIC) :])
    except CryptoError:
        raise Refused(
            "This message does not open with this installation's key: it was addressed to "
            "another installation, or altered on the way."
        ) from None
    try:
        inner = json.loads(signed[64:])
        sender = str(inner["from"])
    except (ValueError, KeyError, TypeError):
        raise Refused("This message is damaged: its contents do not read.") from None
    partner = Partner.objects.filter(fingerprint=sender).first()
    if partner is None:
        raise Refused("This message comes from an installation that is not a partner here.")
    verify, _box = identity.peer_keys(partner.fingerprint)
    try:
        verify.verify(signed)
    except BadSignatureError:
        raise Refused("This message's signature does not verify: it was altered.") from None
    if inner.get("format") != FORMAT:
        raise Refused("This message is in a format this Passage does not read.")
    if inner.get("to") != identity.own_fingerprint():
        raise Refused("This message is addressed to another installation.")
    if not partner.confirmed:
        raise Refused("This partner's safety number has not been confirmed here yet.")
    try:
        expires = datetime.fromisoformat(str(inner["expires"]))
        message_id = str(inner["id"])
    except (KeyError, ValueError):
        raise Refused("This message is damaged: its date or id does not read.") from None
    if expires.tzinfo is None or len(message_id) != 32:
        raise Refused("This message is damaged: its date or id does not read.")
    if expires < timezone.now():
        raise Refused(f"This message expired at {inner['expires']}: ask the partner for a new one.")
    if SeenMessage.objects.filter(message_id=message_id).exists():
        raise Refused("This message was already received: a replay is refused.")
    return partner, inner


def mark_seen(partner: Partner, message: dict) -> None:
    SeenMessage.objects.create(message_id=message["id"], partner=partner)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise Refused("This message is damaged: a blinded set does not read.") from None
