"""Authenticated encryption of sensitive fields (AES-256-GCM), with where each value lives bound in.

The record's identity is the associated data, so a ciphertext copied into another row or field
fails to decrypt instead of showing the wrong person's details. Until sealing lands, the key comes
from a file under the data folder; `data_key_for` is the one place that will change.
"""

import base64
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

TOKEN_PREFIX = "g1:"  # noqa: S105 - a format marker, not a secret
NONCE_BYTES = 12
KEY_BYTES = 32

_lock = threading.Lock()
_master_key: bytes | None = None


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, or the stored bytes were altered or moved."""


def _load_or_create_key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise DecryptionError(f"{path} does not hold a {KEY_BYTES}-byte key")
    return key


def master_key() -> bytes:
    global _master_key
    with _lock:
        if _master_key is None:
            _master_key = _load_or_create_key_file(Path(settings.FIELD_KEY_FILE))
        return _master_key


def derive_key(purpose: str) -> bytes:
    """A separate key for each purpose (field encryption, audit chain, ...), so none is reused."""
    hkdf = HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode())
    return hkdf.derive(master_key())


def data_key_for(associated: str) -> bytes:
    # One key for every record for now; per-case keys (crypto-shredding) will hook in here.
    return _field_key()


_field_key_cache: dict[str, bytes] = {}


def _field_key() -> bytes:
    if "field" not in _field_key_cache:
        _field_key_cache["field"] = derive_key("passage field encryption v1")
    return _field_key_cache["field"]


def forget_keys() -> None:
    """Drop every key held in memory (used by tests now, by "seal now" later)."""
    global _master_key
    with _lock:
        _master_key = None
        _field_key_cache.clear()


def encrypt(plaintext: str, associated: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(data_key_for(associated)).encrypt(
        nonce, plaintext.encode("utf-8"), associated.encode("utf-8")
    )
    return TOKEN_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, associated: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("not an encrypted value")
    try:
        raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
        plain = AESGCM(data_key_for(associated)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated.encode("utf-8")
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(f"cannot decrypt value for {associated}") from exc
    return plain.decode("utf-8")


def keyed_hash(purpose: str, message: bytes) -> str:
    return hmac.new(derive_key(purpose), message, hashlib.sha256).hexdigest()
