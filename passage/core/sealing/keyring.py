"""The keyring file: wrapped keys only, never a key in clear.

    passphrase --Argon2id--> passphrase key --unwraps--> wrapping key W --unwraps--> master key(s)
    k of n officers' shares ------------------combine--> W

W is random and never changes with the passphrase, so a passphrase change re-wraps W only and the
shares stay valid; a key rotation adds a master under the same W. Every wrap is AES-256-GCM with
what it wraps bound in as associated data.
"""

import base64
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from passage.core.sealing import shamir

FORMAT = "passage-keyring-1"
KEY_BYTES = 32


class KeyringError(Exception):
    """The keyring is missing, already there, or does not open with what was given."""


class WrongSecret(KeyringError):
    pass


@dataclass(frozen=True)
class Argon2Params:
    """Memory-hard cost of one guess. Defaults: 3 passes over 256 MiB with 2 lanes (about 4 s on
    a 2-core server, benchmarks/results/sealing.md); tests use cheap ones (tests/conftest.py)."""

    time_cost: int = 3
    memory_kib: int = 256 * 1024
    parallelism: int = 2

    def is_weak(self) -> bool:
        # OWASP's floor for Argon2id is 19 MiB x 2 passes; a key that guards everything gets more.
        return self.memory_kib < 64 * 1024 or self.time_cost < 2


def configured_params() -> Argon2Params:
    return Argon2Params(**getattr(settings, "SEALING_ARGON2", {}))


def path() -> Path:
    return Path(settings.KEYRING_FILE)


def exists() -> bool:
    return path().exists()


def load(source: Path | None = None) -> dict:
    target = source or path()
    try:
        data = json.loads(target.read_text())
    except FileNotFoundError:
        raise KeyringError(f"no keyring at {target}") from None
    except ValueError:
        raise KeyringError(f"{target} is not a keyring") from None
    if data.get("format") != FORMAT:
        raise KeyringError(f"{target} is not a {FORMAT} file")
    return data


def save(data: dict, target: Path | None = None) -> None:
    """Write atomically, readable by the service user only."""
    target = target or path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".keyring-")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def wrap(key: bytes, secret: bytes, label: str) -> str:
    nonce = secrets.token_bytes(12)
    return _b64(nonce + AESGCM(key).encrypt(nonce, secret, label.encode()))


def unwrap(key: bytes, wrapped: str, label: str) -> bytes:
    raw = _unb64(wrapped)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], label.encode())
    except InvalidTag:
        raise WrongSecret(label) from None


def passphrase_key(passphrase: str, argon: dict) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        _unb64(argon["salt"]),
        time_cost=argon["time_cost"],
        memory_cost=argon["memory_kib"],
        parallelism=argon["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _argon_block(params: Argon2Params) -> dict:
    return {**asdict(params), "salt": _b64(secrets.token_bytes(16))}


def new_master_id() -> str:
    return "m" + secrets.token_hex(4)


def initialise(
    passphrase: str, *, shares: tuple[int, int] | None = None, params: Argon2Params | None = None
) -> tuple[bytes, dict[str, bytes], str, list[str]]:
    """Create the keyring: a random W and master, W wrapped by the passphrase (and split if asked).

    Returns (W, masters, current master id, share texts) so the caller can unseal at once."""
    if exists():
        raise KeyringError(f"a keyring already exists at {path()}")
    w, master, mid = secrets.token_bytes(KEY_BYTES), secrets.token_bytes(KEY_BYTES), new_master_id()
    argon = _argon_block(params or configured_params())
    data = {
        "format": FORMAT,
        "argon2": argon,
        "wrapping_key": wrap(passphrase_key(passphrase, argon), w, "wrapping key"),
        "masters": {mid: wrap(w, master, f"master {mid}")},
        "current": mid,
        "shares": None,
    }
    texts = _split_into(data, w, shares) if shares else []
    save(data)
    return w, {mid: master}, mid, texts


def _split_into(data: dict, w: bytes, shares: tuple[int, int]) -> list[str]:
    k, n = shares
    data["shares"] = {"k": k, "n": n}
    return [shamir.encode(s, k) for s in shamir.split(w, k, n)]


def open_masters(data: dict, w: bytes) -> dict[str, bytes]:
    return {mid: unwrap(w, wrapped, f"master {mid}") for mid, wrapped in data["masters"].items()}


def open_with_passphrase(passphrase: str, data: dict | None = None):
    """(W, masters, current id); WrongSecret if the passphrase is wrong."""
    data = data or load()
    w = unwrap(passphrase_key(passphrase, data["argon2"]), data["wrapping_key"], "wrapping key")
    return w, open_masters(data, w), data["current"]


def open_with_shares(texts: list[str], data: dict | None = None):
    data = data or load()
    if not data.get("shares"):
        raise KeyringError("this keyring was not split into shares")
    decoded = [shamir.decode(t) for t in texts if t.strip()]
    k = data["shares"]["k"]
    if len(decoded) < k:
        raise WrongSecret(f"{k} shares are needed, {len(decoded)} were given")
    w = shamir.combine([share for _k, share in decoded])
    try:
        return w, open_masters(data, w), data["current"]
    except WrongSecret:
        raise WrongSecret("these shares do not open the keyring") from None


def change_passphrase(old: str, new: str, params: Argon2Params | None = None) -> None:
    """Re-wrap W under a key from the new passphrase (new salt); masters and shares unchanged."""
    data = load()
    w, _masters, _current = open_with_passphrase(old, data)
    data["argon2"] = _argon_block(params or configured_params())
    data["wrapping_key"] = wrap(passphrase_key(new, data["argon2"]), w, "wrapping key")
    save(data)


def split(passphrase: str, k: int, n: int) -> list[str]:
    """Split W into n new shares (old shares stop working only if W changes, which it never does:
    re-splitting gives another set; both sets open the keyring)."""
    data = load()
    w, _m, _c = open_with_passphrase(passphrase, data)
    texts = _split_into(data, w, (k, n))
    save(data)
    return texts


def params_of(data: dict) -> Argon2Params:
    a = data["argon2"]
    return Argon2Params(a["time_cost"], a["memory_kib"], a["parallelism"])


# --- the audit checkpoints' signing key ---------------------------------------------------------
# An Ed25519 key, its private half wrapped by W like the masters (so a key rotation keeps it and a
# backup carries it), its public half in clear so anyone can check an exported checkpoint.
SIGNING_LABEL = "audit signing key"


def signing_public_key(data: dict | None = None) -> str | None:
    """The checkpoints' public key (base64 of the raw 32 bytes), or None if none was made yet."""
    signing = (data or load()).get("signing")
    return signing["public"] if signing else None


def signing_key(w: bytes):
    """The Ed25519 private key, made and saved on first use (needs W: unsealed)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    data = load()
    if data.get("signing"):
        raw = unwrap(w, data["signing"]["wrapped"], SIGNING_LABEL)
        return Ed25519PrivateKey.from_private_bytes(raw)
    raw = secrets.token_bytes(KEY_BYTES)
    key = Ed25519PrivateKey.from_private_bytes(raw)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    data["signing"] = {"public": _b64(public), "wrapped": wrap(w, raw, SIGNING_LABEL)}
    save(data)
    return key
