"""Authenticated encryption of sensitive fields (AES-256-GCM), with where each value lives bound in.

The record's identity is the associated data, so a ciphertext copied into another row or field
fails to decrypt instead of showing the wrong person's details. Every key is derived from the
master key, which exists only in memory after unsealing (passage/core/sealing/); records whose
model names a key owner are encrypted with that owner's own data key (sealing/datakeys.py).
"""

import base64
import hashlib
import hmac
import secrets
import threading

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from passage.core.sealing import state
from passage.core.sealing.state import SealedError  # noqa: F401 - re-exported for callers

TOKEN_PREFIX = "g1:"  # noqa: S105 - a format marker, not a secret
NONCE_BYTES = 12
KEY_BYTES = 32
FIELD_PURPOSE = "passage field encryption v1"

_lock = threading.Lock()
_derived: dict[tuple[str, str], bytes] = {}


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, or the stored bytes were altered or moved."""


def master_key() -> bytes:
    """The current master key; SealedError while sealed."""
    return state.current_master()[1]


def derive_from(master: bytes, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode())
    return hkdf.derive(master)


def derive_key(purpose: str) -> bytes:
    """A separate key for each purpose (field encryption, audit chain, ...), so none is reused."""
    master_id, master = state.current_master()
    cached = _derived.get((master_id, purpose))
    if cached is None:
        cached = derive_from(master, purpose)
        with _lock:
            _derived[(master_id, purpose)] = cached
    return cached


def _clear_derived() -> None:
    with _lock:
        _derived.clear()


state.on_change(_clear_derived)


def data_key_for(associated: str, owner=None, *, create: bool = False) -> bytes:
    """The key for one value: its owner's data key, or the installation-wide field key."""
    if owner is None:
        return derive_key(FIELD_PURPOSE)
    from passage.core.sealing import datakeys

    return datakeys.key_for(owner, create=create)


def forget_keys() -> None:
    """Drop every key held in memory in this process: it is sealed until unsealed again."""
    state.drop()
    _clear_derived()


def encrypt(plaintext: str, associated: str, owner=None) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(data_key_for(associated, owner, create=True)).encrypt(
        nonce, plaintext.encode("utf-8"), associated.encode("utf-8")
    )
    return TOKEN_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, associated: str, owner=None) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("not an encrypted value")
    key = data_key_for(associated, owner)
    try:
        raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
        plain = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated.encode("utf-8")
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(f"cannot decrypt value for {associated}") from exc
    return plain.decode("utf-8")


def keyed_hash(purpose: str, message: bytes) -> str:
    return hmac.new(derive_key(purpose), message, hashlib.sha256).hexdigest()
