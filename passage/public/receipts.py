"""Receipts for the anonymous channel: a code name to find the source, a passphrase to prove it.

Both are words drawn with `secrets` from the EFF large wordlist (data/eff_large_wordlist.txt,
7,776 words, so 12.9 bits a word; data/EFF-WORDLIST-NOTICE.md says where it comes from). The
passphrase has 6 words: 77 bits, beyond any online guessing and, behind Argon2id, costly to
guess offline from a seized database. The code name (3 words, 38 bits) only finds the record and
is stored as a keyed hash: HMAC under the receipt key, a file in the data folder (so it works
while sealed) that `passage backup` carries inside its encrypted content, so receipts still open
after a restore onto a new server. Neither hash depends on the list, so receipts drawn from an
earlier list still open.
"""

import hashlib
import hmac
import math
import os
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from passage.core.sealing.backup import RECEIPT_KEY_NAME

WORDS_FILE = Path(__file__).parent / "data" / "eff_large_wordlist.txt"
CODE_NAME_WORDS = 3
PASSPHRASE_WORDS = 6
_hasher = PasswordHasher()  # argon2-cffi's defaults: Argon2id, 64 MiB, 3 passes


class Busy(Exception):
    """Every Argon2 slot stayed taken while this request waited: the caller answers 503."""


# Each hash takes 64 MiB and most of a core; a flood of the public form must not take them all
# (nor all the server's memory) from the staff pages. One count for the whole process.
_slots = threading.BoundedSemaphore(settings.PUBLIC_ARGON2_SLOTS)


@contextmanager
def _argon2_slot():
    if not _slots.acquire(timeout=settings.PUBLIC_ARGON2_WAIT_SECONDS):
        raise Busy
    try:
        yield
    finally:
        _slots.release()


@cache
def words() -> tuple[str, ...]:
    """The words of the list, without the dice numbers in front of each."""
    listed = tuple(line.split()[-1] for line in WORDS_FILE.read_text().splitlines() if line.strip())
    if len(set(listed)) != len(listed):
        raise ValueError("the word list repeats a word")
    return listed


def bits_per_word() -> float:
    return math.log2(len(words()))


def passphrase_bits() -> int:
    return int(PASSPHRASE_WORDS * bits_per_word())


@dataclass(frozen=True)
class Receipt:
    code_name: str
    passphrase: str

    @property
    def bits(self) -> int:
        return passphrase_bits()


def _draw(n: int) -> list[str]:
    pool = words()
    return [secrets.choice(pool) for _ in range(n)]


def new_receipt() -> Receipt:
    return Receipt("-".join(_draw(CODE_NAME_WORDS)), " ".join(_draw(PASSPHRASE_WORDS)))


def normalise_code_name(text: str) -> str:
    return "-".join(text.lower().replace("-", " ").split())


def normalise_passphrase(text: str) -> str:
    # Four words of the list have a hyphen (t-shirt, yo-yo): "t shirt" must open it too. No
    # earlier list had one, so earlier receipts normalise as they did.
    return " ".join(text.lower().replace("-", " ").split())


LOOKUP_SALT = "passage.public.code-name"


def receipt_key_path() -> Path:
    return Path(settings.DATA_DIR) / RECEIPT_KEY_NAME


def _receipt_key() -> bytes:
    """The code names' HMAC key, made once. It starts as the key the lookups always used (Django's
    salted_hmac key under SECRET_KEY), so receipts given before the file existed still open."""
    target = receipt_key_path()
    try:
        return bytes.fromhex(target.read_text().strip())
    except FileNotFoundError:
        pass
    key = hashlib.sha256((LOOKUP_SALT + settings.SECRET_KEY).encode()).digest()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another thread or process
        return bytes.fromhex(target.read_text().strip())
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


def lookup_id(code_name: str) -> str:
    message = normalise_code_name(code_name).encode("utf-8")
    return hmac.new(_receipt_key(), message, hashlib.sha256).hexdigest()


def make_verifier(passphrase: str) -> str:
    """The Argon2id hash to store; call it outside any transaction (it holds no lock, the
    transaction would hold SQLite's write lock all the while). Raises Busy past the slots."""
    with _argon2_slot():
        return _hasher.hash(normalise_passphrase(passphrase))


def check_passphrase(verifier: str | None, passphrase: str) -> bool:
    """True if it matches; an unknown code name costs the same time as a wrong passphrase."""
    with _argon2_slot():
        try:
            return _hasher.verify(
                verifier or _dummy_verifier(), normalise_passphrase(passphrase)
            ) and (verifier is not None)
        except (VerificationError, InvalidHashError):
            return False


@cache
def _dummy_verifier() -> str:
    return _hasher.hash(secrets.token_hex(16))
