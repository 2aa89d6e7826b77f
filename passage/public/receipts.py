"""Receipts for the anonymous channel: a code name to find the source, a passphrase to prove it.

Both are words drawn with `secrets` from the EFF large wordlist (data/eff_large_wordlist.txt,
7,776 words, so 12.9 bits a word; data/EFF-WORDLIST-NOTICE.md says where it comes from). The
passphrase has 6 words: 77 bits, beyond any online guessing and, behind Argon2id, costly to
guess offline from a seized database. The code name (3 words, 38 bits) only finds the record and
is stored as a keyed hash (HMAC under a key derived from SECRET_KEY, so it works while sealed).
Neither hash depends on the list, so receipts drawn from an earlier list still open.
"""

import math
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings
from django.utils.crypto import salted_hmac

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


def lookup_id(code_name: str) -> str:
    return salted_hmac(
        "passage.public.code-name", normalise_code_name(code_name), algorithm="sha256"
    ).hexdigest()


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
