"""Signed checkpoints of the audit chain, so a cut tail is found even with the head row moved back.

`audit.verify()` finds an edited, removed or reordered record, but someone who can write to the
database can delete the last records *and* move the head back to match. A checkpoint is the head
(its sequence number and hash) signed with the keyring's Ed25519 key; coordinators download
them (the audit page) and keep the file off the server. `passage audit verify --checkpoint FILE`
then refuses a chain shorter than the newest checkpoint in the file, or one whose record at that
point differs from it.

One is made every `PASSAGE_AUDIT_CHECKPOINT_EVERY` records (in the transaction that appends that
record) and every hour by the task worker when records were added since the last one.
"""

import base64
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.utils import timezone

from passage.core.models import AuditCheckpoint, AuditHead, AuditRecord
from passage.core.sealing import keyring, state

FORMAT = "passage-audit-checkpoints-1"


class CheckpointError(Exception):
    """A checkpoint file that is not ours, damaged, or that the chain does not hold."""


def _signed_content(seq: int, chain_hash: str, master_id: str, made_at: str) -> bytes:
    content = {"format": FORMAT, "seq": seq, "hash": chain_hash, "master": master_id, "at": made_at}
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def sign_head(head: AuditHead) -> AuditCheckpoint:
    """Sign this head (already locked by the caller's transaction) and keep the checkpoint."""
    master_id, _master = state.current_master()
    made_at = timezone.now()
    key = keyring.signing_key(state.wrapping_key())
    content = _signed_content(head.last_seq, head.last_hash, master_id, made_at.isoformat())
    return AuditCheckpoint.objects.create(
        seq=head.last_seq,
        hash=head.last_hash,
        master_id=master_id,
        made_at=made_at,
        signature=base64.b64encode(key.sign(content)).decode(),
    )


def make() -> AuditCheckpoint | None:
    """A checkpoint of the head now, unless the newest one already is of this head."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.last_seq == 0:
            return None
        if AuditCheckpoint.objects.filter(seq=head.last_seq, hash=head.last_hash).exists():
            return None
        return sign_head(head)


def export(checkpoints=None) -> dict:
    """The file coordinators keep: every checkpoint, and the public key that checks them."""
    rows = checkpoints if checkpoints is not None else AuditCheckpoint.objects.order_by("seq")
    return {
        "format": FORMAT,
        "public_key": keyring.signing_public_key(),
        "checkpoints": [
            {
                "seq": c.seq,
                "hash": c.hash,
                "master": c.master_id,
                "at": c.made_at.isoformat(),
                "signature": c.signature,
            }
            for c in rows
        ],
    }


@dataclass
class Held:
    seq: int
    at: str
    compared: bool  # False: the chain was re-hashed by a key rotation since; length checked only


def check(exported: dict, chain_length: int) -> Held:
    """Check the newest checkpoint in an exported file against this installation's chain (which
    `audit.verify` found intact and `chain_length` long). Raises CheckpointError."""
    if not isinstance(exported, dict) or exported.get("format") != FORMAT:
        raise CheckpointError("This is not a Passage audit checkpoint file.")
    ours = keyring.signing_public_key()
    if ours is None or exported.get("public_key") != ours:
        raise CheckpointError("These checkpoints were not signed by this installation's key.")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(ours))
    entries = exported.get("checkpoints") or []
    if not entries:
        raise CheckpointError("The file holds no checkpoint.")
    newest = max(entries, key=lambda c: int(c["seq"]))
    try:
        content = _signed_content(
            int(newest["seq"]), newest["hash"], newest["master"], newest["at"]
        )
        public.verify(base64.b64decode(newest["signature"]), content)
    except (InvalidSignature, KeyError, TypeError, ValueError):
        raise CheckpointError(
            f"The checkpoint at record #{newest.get('seq')} does not match its signature: "
            "the file was altered."
        ) from None
    seq = int(newest["seq"])
    if chain_length < seq:
        raise CheckpointError(
            f"TRUNCATED: the checkpoint of {newest['at']} saw {seq} records, the chain now has "
            f"{chain_length}: records #{chain_length + 1} to #{seq} were removed."
        )
    if newest["master"] != state.current_master()[0]:
        return Held(seq, newest["at"], compared=False)
    record = AuditRecord.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if record != newest["hash"]:
        raise CheckpointError(
            f"Record #{seq} is not the one the checkpoint of {newest['at']} signed: "
            "the chain was rewritten from there."
        )
    return Held(seq, newest["at"], compared=True)
