"""One encrypted, integrity-checked backup file, and its restore into an empty installation.

File layout (all integers big-endian):

    MAGIC (16 bytes)  header length (4)  header (JSON)
    chunk*            flag (1: 0 = more, 1 = last)  length (4)  AES-256-GCM ciphertext
    TRAILER (4)       HMAC-SHA256 over every byte before it (32)

The header is in clear and holds the keyring as it was (wrapped keys only), the id of the master
key the backup key is derived from, a random salt and nonce prefix. Each chunk's nonce is the
prefix and the chunk's counter; its associated data is SHA-256(magic + header), the counter and
the last-chunk flag. So an edited byte, a reordered, dropped or repeated chunk, a cut tail and a
changed header are each refused, and the trailing HMAC covers the file as a whole.

The plaintext is a zlib stream of JSON lines: a line per model (its label and column names),
then a JSON array per row holding the values *as stored* — a sealed field's ciphertext, never its
plain value (the default Django serializer would decrypt through the field's descriptor).
"""

import base64
import datetime
import decimal
import hashlib
import hmac
import json
import os
import secrets
import struct
import sys
import uuid
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.utils.duration import duration_iso_string

from passage.core import crypto
from passage.core.fields import EncryptedTextField, Sealed
from passage.core.sealing import keyring, state

MAGIC = b"PASSAGE-BACKUP1\n"
TRAILER = b"END\n"
FORMAT = "passage-backup-1"
CHUNK_BYTES = 1024 * 1024
ENC_PURPOSE = "passage backup encryption v1"
MAC_PURPOSE = "passage backup integrity v1"
ROWS_PER_BATCH = 1000


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why, for the operator."""


# --- which tables, in which order ---------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model with a table (M2M tables included), parents before children."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    found.sort(key=lambda m: m._meta.label_lower)
    deps = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model is not None and f.related_model is not m
        }
        & set(found)
        for m in found
    }
    ordered: list[type[models.Model]] = []
    placed: set = set()
    while len(ordered) < len(found):
        ready = [m for m in found if m not in placed and deps[m] <= placed]
        if not ready:  # a cycle: constraints are deferred to commit, so any order will do
            ready = [m for m in found if m not in placed][:1]
        for m in ready:
            ordered.append(m)
            placed.add(m)
    return ordered


def _columns(model) -> list:
    return list(model._meta.concrete_fields)


# --- values as stored <-> JSON --------------------------------------------------------------------


def _encode(value):
    if isinstance(value, Sealed):
        return value.token
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(f):
    if isinstance(f, EncryptedTextField):
        return lambda v: None if v is None else Sealed(v)
    if isinstance(f, models.JSONField):
        return lambda v: v
    return lambda v: None if v is None else f.to_python(v)


# --- the encrypted container --------------------------------------------------------------------


def _keys(master: bytes, salt: bytes) -> tuple[bytes, bytes]:
    return (
        crypto.derive_from(master + salt, ENC_PURPOSE),
        crypto.derive_from(master + salt, MAC_PURPOSE),
    )


def _aad(header_digest: bytes, counter: int, last: bool) -> bytes:
    return header_digest + struct.pack(">QB", counter, int(last))


class _Writer:
    """Compresses, chunks, encrypts and MACs a plaintext stream into `out`."""

    def __init__(self, out, header: dict, master: bytes, salt: bytes):
        self.out = out
        self.enc, mac_key = _keys(master, salt)
        self.prefix = base64.b64decode(header["nonce_prefix"])
        head = json.dumps(header, sort_keys=True).encode()
        lead = MAGIC + struct.pack(">I", len(head)) + head
        self.digest = hashlib.sha256(MAGIC + head).digest()
        self.mac = hmac.new(mac_key, lead, hashlib.sha256)
        self.zip = zlib.compressobj(6)
        self.buffer = bytearray()
        self.counter = 0
        self.plain_bytes = 0
        self._emit(lead)

    def _emit(self, data: bytes) -> None:
        self.out.write(data)

    def write(self, data: bytes) -> None:
        self.plain_bytes += len(data)
        self.buffer += self.zip.compress(data)
        while len(self.buffer) >= CHUNK_BYTES:
            self._chunk(bytes(self.buffer[:CHUNK_BYTES]), last=False)
            del self.buffer[:CHUNK_BYTES]

    def _chunk(self, data: bytes, *, last: bool) -> None:
        nonce = self.prefix + struct.pack(">Q", self.counter)
        sealed = AESGCM(self.enc).encrypt(nonce, data, _aad(self.digest, self.counter, last))
        record = struct.pack(">BI", int(last), len(sealed)) + sealed
        self.mac.update(record)
        self._emit(record)
        self.counter += 1

    def close(self) -> None:
        self.buffer += self.zip.flush()
        while len(self.buffer) > CHUNK_BYTES:
            self._chunk(bytes(self.buffer[:CHUNK_BYTES]), last=False)
            del self.buffer[:CHUNK_BYTES]
        self._chunk(bytes(self.buffer), last=True)
        self._emit(TRAILER + self.mac.digest())


def read_header(path: Path) -> dict:
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path} is not a Passage backup.")
        size = f.read(4)
        if len(size) < 4:
            raise BackupError(f"{path} is truncated: it ends inside its header.")
        raw = f.read(struct.unpack(">I", size)[0])
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupError(f"{path} is damaged: its header is unreadable.") from None
    if header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} file.")
    return header


def _plain_chunks(path: Path, header: dict, master: bytes):
    """Yield the decrypted (still compressed) chunks; BackupError at the first thing wrong."""
    enc, mac_key = _keys(master, base64.b64decode(header["salt"]))
    prefix = base64.b64decode(header["nonce_prefix"])
    with open(path, "rb") as f:
        f.read(len(MAGIC))
        head = f.read(struct.unpack(">I", f.read(4))[0])
        digest = hashlib.sha256(MAGIC + head).digest()
        mac = hmac.new(mac_key, MAGIC + struct.pack(">I", len(head)) + head, hashlib.sha256)
        counter = 0
        while True:
            lead = f.read(5)
            if len(lead) < 5:
                raise BackupError(
                    f"The backup is truncated: it ends after chunk {counter} without its last "
                    "chunk. Nothing was restored."
                )
            last, size = struct.unpack(">BI", lead)
            sealed = f.read(size)
            if last not in (0, 1) or len(sealed) < size:
                raise BackupError(
                    f"The backup is truncated or damaged at chunk {counter + 1}. "
                    "Nothing was restored."
                )
            nonce = prefix + struct.pack(">Q", counter)
            try:
                plain = AESGCM(enc).decrypt(nonce, sealed, _aad(digest, counter, bool(last)))
            except InvalidTag:
                raise BackupError(
                    f"The backup is damaged: chunk {counter + 1} fails its integrity check "
                    "(altered, reordered, or not made with this keyring). Nothing was restored."
                ) from None
            mac.update(lead + sealed)
            counter += 1
            yield plain
            if last:
                break
        tail = f.read(len(TRAILER) + 32)
        if f.read(1) or len(tail) != len(TRAILER) + 32 or tail[: len(TRAILER)] != TRAILER:
            raise BackupError(
                "The backup is truncated or has extra bytes after its end. Nothing was restored."
            )
        if not hmac.compare_digest(tail[len(TRAILER) :], mac.digest()):
            raise BackupError(
                "The backup is damaged: its overall checksum does not match. Nothing was restored."
            )


# --- progress -------------------------------------------------------------------------------------


class Progress:
    """A line on stderr every 5 % of the rows (at least every MIN_STEP rows)."""

    MIN_STEP = 5000

    def __init__(self, total: int, verb: str, stream=None):
        self.total, self.verb, self.done = total, verb, 0
        self.stream = stream if stream is not None else sys.stderr
        self.step = max(total // 20, self.MIN_STEP)
        self.next = self.step

    def advance(self, n: int) -> None:
        self.done += n
        if self.done >= self.next:
            self.next += self.step
            pct = 100 * self.done // max(self.total, 1)
            self.stream.write(f"{self.verb}: {self.done:,} of {self.total:,} rows ({pct}%)\n")
            self.stream.flush()


# --- backup ---------------------------------------------------------------------------------------


@dataclass
class Summary:
    rows: int = 0
    tables: int = 0
    files: int = 0
    plain_bytes: int = 0
    file_bytes: int = 0
    counts: dict = field(default_factory=dict)


def attachment_roots() -> list[Path]:
    roots = [Path(settings.DATA_DIR) / "attachments"]
    if getattr(settings, "MEDIA_ROOT", ""):
        roots.append(Path(settings.MEDIA_ROOT))
    return [r for r in roots if r.is_dir()]


# Files of the data folder a restored server needs besides the rows and attachments: the public
# form's receipt key (passage/public/receipts.py), or no receipt would open after a restore.
RECEIPT_KEY_NAME = "receipt-key"


def data_files():
    """(root, path) of every file the backup carries besides the rows."""
    data_dir = Path(settings.DATA_DIR)
    if (data_dir / RECEIPT_KEY_NAME).is_file():
        yield data_dir, data_dir / RECEIPT_KEY_NAME
    for root in attachment_roots():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            yield root, path


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


@contextmanager
def _snapshot(using: str):
    """One consistent view of every table for the whole backup, without stopping writers.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite: a deferred read transaction
    (BEGIN DEFERRED, not the IMMEDIATE our settings use for writes), which in WAL mode reads one
    snapshot while writers go on. Inside a caller's transaction, that transaction is the view."""
    connection = connections[using]
    connection.ensure_connection()
    if not connection.get_autocommit():
        yield
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def create(output: Path, *, using: str = "default", progress=None) -> Summary:
    """Write a backup of every row (and attachment) to `output`. Needs Passage unsealed."""
    master_id, master = state.current_master()
    ring = keyring.load()
    salt, prefix = secrets.token_bytes(16), secrets.token_bytes(4)
    connection = connections[using]
    header = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "master_id": master_id,
        "salt": base64.b64encode(salt).decode(),
        "nonce_prefix": base64.b64encode(prefix).decode(),
        "chunk_bytes": CHUNK_BYTES,
        "database": connection.vendor,
        "keyring": ring,
    }
    summary = Summary()
    output = Path(output)
    tmp = output.with_name(f".{output.name}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, _snapshot(using):
            writer = _Writer(out, header, master, salt)
            order = backed_up_models()
            counts = {m: m._base_manager.using(using).count() for m in order}
            bar = progress or Progress(sum(counts.values()), "backup")
            for model in order:
                cols = _columns(model)
                writer.write(
                    _line(
                        {
                            "model": model._meta.label_lower,
                            "columns": [c.attname for c in cols],
                            "rows": counts[model],
                        }
                    )
                )
                rows = (
                    model._base_manager.using(using)
                    .order_by("pk")
                    .values_list(*[c.attname for c in cols])
                )
                n = 0
                for row in rows.iterator(chunk_size=ROWS_PER_BATCH):
                    writer.write(_line([_encode(v) for v in row]))
                    n += 1
                    if n % ROWS_PER_BATCH == 0:
                        bar.advance(ROWS_PER_BATCH)
                bar.advance(n % ROWS_PER_BATCH)
                if n != counts[model]:
                    raise BackupError(f"{model._meta.label} changed during the backup; try again.")
                summary.rows += n
                summary.tables += 1
                summary.counts[model._meta.label_lower] = n
            for root, path in data_files():
                data = path.read_bytes()
                rel = str(path.relative_to(Path(settings.DATA_DIR)))
                if not rel or rel.startswith(".."):
                    rel = "attachments/" + str(path.relative_to(root))
                writer.write(_line({"file": rel, "size": len(data)}))
                writer.write(_line(base64.b64encode(data).decode("ascii")))
                summary.files += 1
                summary.file_bytes += len(data)
            writer.write(_line({"end": True, "rows": summary.rows, "files": summary.files}))
            writer.close()
            summary.plain_bytes = writer.plain_bytes
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return summary


# --- restore --------------------------------------------------------------------------------------


def open_keyring(header: dict, *, passphrase: str = "", shares: list[str] | None = None):
    """(W, masters, current) from the backup's own keyring; BackupError if the secret is wrong."""
    ring = header["keyring"]
    try:
        if shares:
            return keyring.open_with_shares(shares, ring)
        return keyring.open_with_passphrase(passphrase, ring)
    except keyring.KeyringError:
        raise BackupError(
            "The passphrase (or shares) does not open this backup's keyring. Nothing was restored."
        ) from None


def _lines(path: Path, header: dict, master: bytes):
    """The plaintext JSON lines, decrypted and decompressed as they are read."""
    unzip = zlib.decompressobj()
    pending = b""
    for chunk in _plain_chunks(path, header, master):
        try:
            pending += unzip.decompress(chunk)
        except zlib.error:
            raise BackupError("The backup is damaged: its content does not decompress.") from None
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield json.loads(line)
    pending += unzip.flush()
    if pending.strip() or not unzip.eof:
        raise BackupError("The backup is damaged: its content ends in the middle of a record.")


def verify(path: Path, master: bytes, header: dict) -> dict:
    """Read the whole file through once, checking every chunk and the checksum; write nothing."""
    end = None
    for item in _lines(path, header, master):
        if isinstance(item, dict) and item.get("end"):
            end = item
    if end is None:
        raise BackupError("The backup is incomplete: its end marker is missing.")
    return end


def installation_problem(using: str = "default") -> str:
    """Why this installation is not empty enough to restore into, or '' if it is."""
    from django.contrib.auth import get_user_model

    from passage.core.models import AuditRecord, DataKey

    if keyring.exists():
        return (
            f"A keyring already exists at {keyring.path()}. Restore only into a new installation: "
            "move that file aside first if this installation holds nothing yet."
        )
    for model in (get_user_model(), AuditRecord, DataKey):
        if model._base_manager.using(using).exists():
            return (
                f"The database is not empty (it has {model._meta.verbose_name_plural}). "
                "Restore only into a new, migrated, empty database."
            )
    return ""


def restore(
    path: Path,
    *,
    passphrase: str = "",
    shares: list[str] | None = None,
    using: str = "default",
    progress=None,
) -> Summary:
    """Restore `path` into this empty installation: keyring, every row, attachments.

    The file is checked end to end before anything is written; rows go in in one transaction
    (tables the migrations filled — content types, permissions, default templates — are emptied
    first, so every primary key comes back as it was). The keyring is written after the commit."""
    path = Path(path)
    header = read_header(path)
    problem = installation_problem(using)
    if problem:
        raise BackupError(problem)
    w, masters, current = open_keyring(header, passphrase=passphrase, shares=shares)
    master = masters.get(header["master_id"])
    if master is None:
        raise BackupError("The backup's keyring lacks the key the backup was made with.")
    end = verify(path, master, header)
    connection = connections[using]
    order = backed_up_models()
    by_label = {m._meta.label_lower: m for m in order}
    summary = Summary()
    bar = progress or Progress(end["rows"], "restore")
    files: list[tuple[str, bytes]] = []
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            for model in reversed(order):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        model = None
        statement, decoders, cols, batch = "", [], [], []
        expecting_file = None

        def flush():
            if batch:
                with connection.cursor() as cursor:
                    cursor.executemany(statement, batch)
                bar.advance(len(batch))
                batch.clear()

        for item in _lines(path, header, master):
            if expecting_file is not None:
                data = base64.b64decode(item)
                if len(data) != expecting_file["size"]:
                    raise BackupError("The backup is damaged: an attachment has the wrong size.")
                files.append((expecting_file["file"], data))
                expecting_file = None
            elif isinstance(item, list):
                if model is None or len(item) != len(cols):
                    raise BackupError("The backup is damaged: a row has no table or wrong width.")
                batch.append(
                    [
                        c.get_db_prep_save(dec(v), connection)
                        for c, dec, v in zip(cols, decoders, item, strict=True)
                    ]
                )
                summary.rows += 1
                summary.counts[model._meta.label_lower] += 1
                if len(batch) >= ROWS_PER_BATCH:
                    flush()
            elif "model" in item:
                flush()
                model = by_label.get(item["model"])
                if model is None:
                    raise BackupError(
                        f"The backup holds {item['model']}, which this version of Passage lacks."
                    )
                by_name = {c.attname: c for c in _columns(model)}
                missing = [n for n in item["columns"] if n not in by_name]
                if missing:
                    raise BackupError(
                        f"{item['model']} has columns this version lacks: {', '.join(missing)}. "
                        "Restore with the Passage version that made the backup, then upgrade."
                    )
                cols = [by_name[n] for n in item["columns"]]
                decoders = [_decoder(c) for c in cols]
                q = connection.ops.quote_name
                statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                    q(model._meta.db_table),
                    ", ".join(q(c.column) for c in cols),
                    ", ".join(["%s"] * len(cols)),
                )
                summary.tables += 1
                summary.counts[model._meta.label_lower] = 0
            elif "file" in item:
                flush()
                expecting_file = item
            elif item.get("end"):
                flush()
        if summary.rows != end["rows"]:
            raise BackupError("The backup is damaged: its row count does not match.")
        if connection.vendor == "postgresql":
            sql = connection.ops.sequence_reset_sql(no_style(), order)
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
    data_dir = Path(settings.DATA_DIR)
    for rel, data in files:
        target = (data_dir / rel).resolve()
        if data_dir.resolve() not in target.parents:
            raise BackupError(f"The backup names a file outside the data folder: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        target.write_bytes(data)
        os.chmod(target, 0o600)
        summary.files += 1
        summary.file_bytes += len(data)
    keyring.save(header["keyring"])
    state.install(w, masters, current)
    state.keys_changed()
    return summary
