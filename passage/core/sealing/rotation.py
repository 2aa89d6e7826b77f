"""Key rotation: a new master key, and everything that hung on the old one moved to it.

What derives from or is wrapped by the master, and what rotation does with it:

- each Person's and Case's data key (core.DataKey): unwrapped with its master, re-wrapped under
  the new one — the data keys, and so every sealed value under them, stay as they are;
- values sealed with the installation-wide field key (models with no `data_key_owner`: watchlist,
  abuse records, import batches, exports): decrypted with the old field key, sealed with the new;
- the blind name index: rebuilt with the new index key by screening's own `reindex`;
- the audit chain: verified under the old chain key first, then every record re-hashed in order
  under the new one; the rotation's own record says so;
- the public form's private key: re-wrapped (`sealed_box.rewrap_private_key`).

All of that is one database transaction, holding the audit head's lock (so no record is appended
meanwhile). Reads go on throughout: the new master is added to the keyring before the
transaction, so a process that meets a data key wrapped under it can open it; just before the
commit the keyring's *current* master switches, every process notices at its next key use
(state.sync), and after the commit the old master is deleted from the keyring. If anything fails,
the keyring goes back to how it was and the transaction rolls back.

A passphrase change is not a rotation: it re-wraps W only (`passage keyring change-passphrase`).
"""

import io
import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from passage.core import audit, crypto
from passage.core.fields import EncryptedTextField, Sealed
from passage.core.models import AuditHead, AuditRecord, DataKey
from passage.core.sealing import datakeys, keyring, state

BATCH = 1000


class RotationError(Exception):
    """Rotation refused or failed; nothing was changed. The message is for the operator."""


@dataclass
class Rotated:
    old_master: str
    new_master: str
    data_keys: int = 0
    field_values: int = 0
    audit_records: int = 0
    index: str = ""
    old_master_kept: bool = False


def _rewrap_data_keys(masters: dict[str, bytes], new_id: str, new: bytes) -> int:
    done = 0
    rows = DataKey.objects.select_for_update().filter(destroyed_at__isnull=True).order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        owner = (row.owner_type, row.owner_id)
        old = masters[row.master_id]
        key = keyring.unwrap(
            datakeys._wrapping_key(old), row.wrapped, datakeys._label(owner, row.master_id)
        )
        row.wrapped = datakeys.wrap_for(owner, key, new_id, new)
        row.master_id = new_id
        batch.append(row)
        if len(batch) >= BATCH:
            DataKey.objects.bulk_update(batch, ["wrapped", "master_id"])
            done += len(batch)
            batch = []
    DataKey.objects.bulk_update(batch, ["wrapped", "master_id"])
    return done + len(batch)


def field_key_models() -> list[tuple]:
    """(model, sealed fields) for every model whose values use the installation-wide field key."""
    found = []
    for model in apps.get_models():
        if getattr(model, "data_key_owner", None) is not None:
            continue
        sealed = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if sealed:
            found.append((model, sealed))
    return found


def _reseal(token: str, associated: str, old_key: bytes, new_key: bytes) -> str:
    import base64

    raw = base64.b64decode(token[len(crypto.TOKEN_PREFIX) :], validate=True)
    n = crypto.NONCE_BYTES
    try:
        plain = AESGCM(old_key).decrypt(raw[:n], raw[n:], associated.encode("utf-8"))
    except InvalidTag:
        raise RotationError(f"{associated} does not open with the current field key") from None
    nonce = secrets.token_bytes(n)
    sealed = AESGCM(new_key).encrypt(nonce, plain, associated.encode("utf-8"))
    return crypto.TOKEN_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def _reseal_field_values(old: bytes, new: bytes) -> int:
    old_key = crypto.derive_from(old, crypto.FIELD_PURPOSE)
    new_key = crypto.derive_from(new, crypto.FIELD_PURPOSE)
    done = 0
    for model, fields in field_key_models():
        names = [f.attname for f in fields]
        rows = model._base_manager.select_for_update().order_by("pk").values_list("pk", *names)
        for pk, *values in rows.iterator(chunk_size=BATCH):
            changes = {}
            for f, value in zip(fields, values, strict=True):
                if isinstance(value, Sealed):
                    ad = f.associated_data(SimpleNamespace(pk=pk))
                    changes[f.attname] = Sealed(_reseal(value.token, ad, old_key, new_key))
            if changes:
                model._base_manager.filter(pk=pk).update(**changes)
                done += len(changes)
    return done


def _rehash_chain() -> int:
    """Re-hash every record in order with the chain key of the current (new) master."""
    prev, n, batch = audit.GENESIS, 0, []
    for entry in AuditRecord.objects.order_by("seq").iterator(chunk_size=BATCH):
        entry.prev_hash = prev
        entry.hash = audit._digest(prev, entry)
        prev = entry.hash
        batch.append(entry)
        n += 1
        if len(batch) >= BATCH:
            AuditRecord.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    AuditRecord.objects.bulk_update(batch, ["prev_hash", "hash"])
    AuditHead.objects.filter(pk=1).update(last_seq=n, last_hash=prev)
    return n


def _rewrap_box(old: bytes, new: bytes) -> bool:
    """Re-wrap the public form's private key; False if sealed_box offers no way to."""
    from passage.core import sealed_box

    rewrap = getattr(sealed_box, "rewrap_private_key", None)
    if rewrap is None:
        return False
    rewrap(old, new)
    return True


def rotate(actor=None, *, request=None) -> Rotated:
    """Rotate the master key (needs Passage unsealed in this process). See the module doc."""
    old_id, old = state.current_master()
    w = state.wrapping_key()
    verdict = audit.verify()
    if not verdict.ok:
        raise RotationError(
            f"The audit chain is broken at record #{verdict.first_broken} ({verdict.problem}): "
            "re-hashing it would hide that. Nothing was rotated."
        )
    before = keyring.load()
    masters = keyring.open_masters(before, w)
    new_id, new = keyring.new_master_id(), secrets.token_bytes(keyring.KEY_BYTES)
    staged = {
        **before,
        "masters": {**before["masters"], new_id: keyring.wrap(w, new, f"master {new_id}")},
    }
    keyring.save(staged)  # the new master is readable everywhere before anything uses it
    state.keys_changed()
    result = Rotated(old_master=old_id, new_master=new_id)
    box_done = False
    try:
        with transaction.atomic():
            AuditHead.objects.select_for_update().get_or_create(pk=1)
            result.data_keys = _rewrap_data_keys(masters, new_id, new)
            result.field_values = _reseal_field_values(old, new)
            # From here this process hashes, indexes and encrypts with the new master.
            state.install(w, {**masters, new_id: new}, new_id)
            result.audit_records = _rehash_chain()
            out = io.StringIO()
            call_command("screening", "reindex", stdout=out)
            result.index = out.getvalue().strip()
            box_done = _rewrap_box(old, new)
            audit.record(
                actor,
                "keys.rotate",
                request=request,
                detail={
                    "old_master": old_id,
                    "new_master": new_id,
                    "data_keys": result.data_keys,
                    "field_values": result.field_values,
                    "audit_chain": (
                        f"verified under the old key, then all {result.audit_records} records "
                        "re-hashed under the new key in this transaction"
                    ),
                },
            )
            if state.current_master()[0] != new_id:
                raise RotationError("the keys changed during the rotation (a purge?); try again")
            switched = {**keyring.load(), "current": new_id}
            keyring.save(switched)
            state.keys_changed()
    except BaseException:
        keyring.save(before)
        state.install(w, masters, old_id)
        state.keys_changed()
        raise
    # Committed: nothing is wrapped under the old master any more, so it goes.
    final = keyring.load()
    result.old_master_kept = not box_done and bool(final.get("box"))
    if not result.old_master_kept:
        final["masters"].pop(old_id, None)
        keyring.save(final)
        state.install(w, {new_id: new}, new_id)
        state.keys_changed()
    return result
