"""Per-owner data keys: each Person and Case has its own, wrapped by the master key.

A model names whose key encrypts its fields with a class attribute `data_key_owner`: "self" (the
record owns a key) or the name of a foreign key (Request and TimelineEntry use their case's key).
Models without it use the installation-wide field key. Destroying an owner's key (a purge) leaves
its ciphertext unreadable everywhere: in the database, its WAL, and every backup taken before.
"""

import secrets
import threading

from django.db import IntegrityError, transaction
from django.utils import timezone

from passage.core import crypto
from passage.core.sealing import keyring, state

WRAP_PURPOSE = "passage data key wrapping v1"

Owner = tuple[str, str]  # (model label, primary key)

_lock = threading.Lock()
_cache: dict[Owner, bytes] = {}


class KeyDestroyed(crypto.DecryptionError):
    """This record's key was destroyed by a purge: its sealed values are gone for good."""


def clear_cache() -> None:
    with _lock:
        _cache.clear()


state.on_change(clear_cache)


def owner_of(instance) -> Owner | None:
    """Whose data key encrypts this instance's fields, per its model's `data_key_owner`."""
    spec = getattr(type(instance), "data_key_owner", None)
    if spec is None:
        return None
    if spec == "self":
        if instance.pk is None:
            raise ValueError(f"{type(instance).__name__} needs its primary key before encrypting")
        return (instance._meta.label_lower, str(instance.pk))
    fk = instance._meta.get_field(spec)
    owner_pk = getattr(instance, fk.attname)
    if owner_pk is None:
        raise ValueError(f"{type(instance).__name__}.{spec} must be set before encrypting")
    return (fk.related_model._meta.label_lower, str(owner_pk))


def owner_for(obj) -> Owner:
    return (obj._meta.label_lower, str(obj.pk))


def _wrapping_key(master: bytes) -> bytes:
    return crypto.derive_from(master, WRAP_PURPOSE)


def _label(owner: Owner, master_id: str) -> str:
    return f"data key {owner[0]}:{owner[1]} under {master_id}"


def wrap_for(owner: Owner, key: bytes, master_id: str, master: bytes) -> str:
    return keyring.wrap(_wrapping_key(master), key, _label(owner, master_id))


def unwrap_row(row) -> bytes:
    owner = (row.owner_type, row.owner_id)
    master = state.master(row.master_id)
    return keyring.unwrap(_wrapping_key(master), row.wrapped, _label(owner, row.master_id))


def key_for(owner: Owner, *, create: bool) -> bytes:
    """The owner's data key (cached in memory while unsealed); created on first encryption."""
    from passage.core.models import DataKey

    cached = _cache.get(owner)
    if cached is not None:
        return cached
    state.current_master()  # raises SealedError before touching the database
    row = DataKey.objects.filter(owner_type=owner[0], owner_id=owner[1]).first()
    if row is None:
        if not create:
            raise crypto.DecryptionError(f"no data key for {owner[0]}:{owner[1]}")
        row = _create(owner)
    if row.destroyed_at is not None:
        raise KeyDestroyed(f"{owner[0]}:{owner[1]} was purged")
    key = unwrap_row(row)
    with _lock:
        _cache[owner] = key
    return key


def _create(owner: Owner):
    from passage.core.models import DataKey

    master_id, master = state.current_master()
    key = secrets.token_bytes(keyring.KEY_BYTES)
    try:
        with transaction.atomic():
            return DataKey.objects.create(
                owner_type=owner[0],
                owner_id=owner[1],
                master_id=master_id,
                wrapped=wrap_for(owner, key, master_id, master),
            )
    except IntegrityError:  # another request created it a moment ago
        return DataKey.objects.get(owner_type=owner[0], owner_id=owner[1])


def destroy(owners: list[Owner]) -> int:
    """Destroy these owners' keys, leaving a tombstone so nothing is ever encrypted for them again.

    Works while sealed (nothing to unwrap). Returns how many live keys were destroyed."""
    from passage.core.models import DataKey

    now, destroyed = timezone.now(), 0
    with transaction.atomic():
        for owner_type, owner_id in owners:
            row, created = DataKey.objects.select_for_update().get_or_create(
                owner_type=owner_type,
                owner_id=owner_id,
                defaults={"master_id": "", "wrapped": "", "destroyed_at": now},
            )
            if not created and row.destroyed_at is None:
                row.wrapped, row.destroyed_at = "", now
                row.save(update_fields=["wrapped", "destroyed_at"])
                destroyed += 1
    with _lock:
        for owner in owners:
            _cache.pop(owner, None)
    return destroyed


def is_destroyed(owner: Owner) -> bool:
    from passage.core.models import DataKey

    return DataKey.objects.filter(
        owner_type=owner[0], owner_id=owner[1], destroyed_at__isnull=False
    ).exists()
