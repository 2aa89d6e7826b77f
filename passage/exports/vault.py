"""Export files at rest: AES-256-GCM in chunks under a random key of one job alone.

Layout: MAGIC, then chunks of flag (1 byte: 1 = last), length (4, big-endian), ciphertext. The
key is never reused, so a chunk's nonce can be its counter; its associated data binds the job's
id, the counter and the last-chunk flag, so a reordered, dropped, repeated or cut chunk, or a
file moved to another job, fails to open. The key lives only in the job's sealed `file_key`.
"""

import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"PASSAGE-EXPORT1\n"
CHUNK_BYTES = 256 * 1024
KEY_BYTES = 32


class VaultError(Exception):
    """The stored file is missing, altered or incomplete."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_for(job_id) -> Path:
    return folder() / f"{job_id}.pexp"


def _nonce(counter: int) -> bytes:
    return b"\0\0\0\0" + struct.pack(">Q", counter)


def _aad(job_id, counter: int, last: bool) -> bytes:
    return str(job_id).encode() + struct.pack(">QB", counter, int(last))


class Writer:
    """A write-only file object that encrypts into `<job>.part`; `close()` renames it into
    place, `discard()` removes it, so a reader never meets a half-written file."""

    def __init__(self, job_id, key: bytes):
        self.job_id, self.aead = job_id, AESGCM(key)
        self.final = path_for(job_id)
        self.part = self.final.with_suffix(".part")
        fd = os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.out = os.fdopen(fd, "wb")
        self.out.write(MAGIC)
        self.buffer = bytearray()
        self.counter = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK_BYTES:
            self._chunk(bytes(self.buffer[:CHUNK_BYTES]), last=False)
            del self.buffer[:CHUNK_BYTES]
        return len(data)

    def _chunk(self, data: bytes, *, last: bool) -> None:
        aad = _aad(self.job_id, self.counter, last)
        sealed = self.aead.encrypt(_nonce(self.counter), data, aad)
        self.out.write(struct.pack(">BI", int(last), len(sealed)) + sealed)
        self.counter += 1

    def close(self) -> None:
        self._chunk(bytes(self.buffer), last=True)
        self.buffer.clear()
        self.out.close()
        self.part.replace(self.final)

    def discard(self) -> None:
        self.out.close()
        self.part.unlink(missing_ok=True)


def read(job_id, key: bytes) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; VaultError at the first thing wrong."""
    aead = AESGCM(key)
    try:
        f = open(path_for(job_id), "rb")  # noqa: SIM115 - closed below, in the generator
    except FileNotFoundError:
        raise VaultError("the export file is gone") from None
    with f:
        if f.read(len(MAGIC)) != MAGIC:
            raise VaultError("not an export file")
        counter = 0
        while True:
            lead = f.read(5)
            if len(lead) < 5:
                raise VaultError("the export file is cut short")
            last, size = struct.unpack(">BI", lead)
            sealed = f.read(size)
            try:
                plain = aead.decrypt(_nonce(counter), sealed, _aad(job_id, counter, bool(last)))
            except InvalidTag:
                raise VaultError(f"chunk {counter} of the export file was altered") from None
            yield plain
            counter += 1
            if last:
                break
        if f.read(1):
            raise VaultError("the export file has bytes after its end")


def check(job_id, key: bytes) -> None:
    """Read the whole file once, so a damaged file is refused before any byte is sent."""
    for _chunk in read(job_id, key):
        pass


def delete(job_id) -> None:
    path = path_for(job_id)
    path.unlink(missing_ok=True)
    path.with_suffix(".part").unlink(missing_ok=True)
