"""`passage backup` / `passage restore`: a round trip gives back every row exactly; a damaged or cut
file is refused and writes nothing. Runs on SQLite, and on PostgreSQL with DATABASE_URL set.

"A fresh installation" here is the test database emptied the way `flush` empties it (migrated
schema, only the rows post_migrate makes) plus a new, empty data folder: the same state as a new
server after `passage migrate`, without a second database to create and drop on each backend.
"""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from passage.cases.models import Person
from passage.core import audit
from passage.core.models import AuditRecord
from passage.core.sealing import backup, datakeys, keyring, state
from passage.intake.models import Request
from tests.conftest import TEST_PASSPHRASE, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, as the database holds it (ciphertexts included)."""
    tables = {}
    with connection.cursor() as cursor:
        for model in backup.backed_up_models():
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')  # noqa: S608
            tables[table] = [tuple(row) for row in cursor.fetchall()]
    return tables


@pytest.fixture(autouse=True)
def _forget_restored_keys():
    """A restore unseals this process against the test's own data folder: forget those keys, so
    the next test unseals against the session's (tests/conftest.py)."""
    yield
    from passage.core import crypto

    crypto.forget_keys()


@pytest.fixture
def installation(people, cells):
    from passage.cases.demo import load_demo_data

    load_demo_data(actor=people["coordinator"], cases=15, seed=7)
    make_case(people["coordinator"], cell=cells["north"], names=["ကျော်ထူး", "Kyaw Htoo"])
    # A binary column: a public-form submission sealed to the organisation's key.
    from django.utils import timezone

    from passage.core import sealed_box
    from passage.public.models import Source, Submission

    source = Source.objects.create(
        lookup_id="x" * 64, verifier="argon2-test", created_on=timezone.now().date()
    )
    Submission.objects.create(
        source=source,
        sealed=sealed_box.seal_for_organisation(b"\x00\xff a binary body"),
        received_on=timezone.now().date(),
    )
    return people


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text(TEST_PASSPHRASE + "\n")
    return path


def empty_installation(tmp_path, settings):
    """A new server: database flushed (migrated, empty), a data folder with no keyring."""
    call_command("flush", interactive=False, verbosity=0)
    fresh = tmp_path / "fresh-var"
    fresh.mkdir()
    settings.DATA_DIR = fresh
    settings.KEYRING_FILE = fresh / "keyring.json"
    settings.SEAL_STATE_FILE = fresh / "seal-state.json"
    from passage.core import crypto

    crypto.forget_keys()
    return fresh


def test_round_trip_gives_back_every_row_exactly(installation, tmp_path, settings, passphrase_file):
    original_keyring = keyring.load()
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 500
    person = Person.objects.order_by("created_at").first()
    names = person.names
    notes = {r.pk: r.notes for r in Request.objects.all()}
    target = tmp_path / "site.pbk"
    backup.create(target)  # what `passage backup` does, without its own audit record
    blob = target.read_bytes()
    assert b"Kyaw Htoo" not in blob and "ကျော်ထူး".encode() not in blob
    assert oct(target.stat().st_mode & 0o777) == "0o600"

    empty_installation(tmp_path, settings)
    assert not state.is_unsealed()
    call_command("restore", str(target), "--passphrase-file", str(passphrase_file))

    after = snapshot()
    audit_table = AuditRecord._meta.db_table
    head_table = "core_audithead"
    for table in before:
        if table in (audit_table, head_table):
            continue
        assert after[table] == before[table], table
    # The restore appends one record of itself to the chain, which still verifies.
    assert after[audit_table][:-1] == before[audit_table]
    assert AuditRecord.objects.order_by("-seq").first().action == "backup.restore"
    assert audit.verify().ok
    assert keyring.load() == original_keyring
    # Sealed values open after the restore.
    datakeys.clear_cache()
    assert Person.objects.get(pk=person.pk).names == names
    assert {r.pk: r.notes for r in Request.objects.all()} == notes
    from passage.core import sealed_box
    from passage.public.models import Submission

    opened = sealed_box.open_for_organisation(bytes(Submission.objects.get().sealed))
    assert opened == b"\x00\xff a binary body"
    # New rows get fresh primary keys (sequences reset on PostgreSQL).
    audit.record(None, "test.after_restore")
    assert audit.verify().ok


def test_backup_command_unseals_and_restore_refuses_a_used_installation(
    installation, tmp_path, passphrase_file
):
    target = tmp_path / "cli.pbk"
    call_command("backup", "--output", str(target), "--passphrase-file", str(passphrase_file))
    assert AuditRecord.objects.filter(action="backup.create").exists()
    with pytest.raises(CommandError, match="keyring already exists"):
        call_command("restore", str(target), "--passphrase-file", str(passphrase_file))


def test_wrong_passphrase_is_refused(installation, tmp_path, settings):
    target = tmp_path / "site.pbk"
    backup.create(target)
    empty_installation(tmp_path, settings)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all")
    with pytest.raises(CommandError, match="does not open this backup"):
        call_command("restore", str(target), "--passphrase-file", str(wrong))
    assert not keyring.exists()


def _flip(blob: bytes, at: int) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: _flip(b, len(b) // 2), "fails its integrity check"),
        (lambda b: _flip(b, len(b) - 3), "overall checksum"),
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[:-36], "truncated"),
        (lambda b: b + b"x", "extra bytes"),
        (lambda b: b.replace(b'"database"', b'"Database"', 1), "integrity check"),
    ],
    ids=["flipped-byte", "flipped-checksum", "cut-in-half", "cut-trailer", "extra", "header"],
)
def test_damaged_backup_is_refused_and_writes_nothing(
    installation, tmp_path, settings, passphrase_file, damage, message
):
    target = tmp_path / "site.pbk"
    backup.create(target)
    target.write_bytes(damage(target.read_bytes()))
    empty_installation(tmp_path, settings)
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(target), "--passphrase-file", str(passphrase_file))
    assert snapshot() == before
    assert not keyring.exists()


def test_reordered_chunks_are_refused(
    installation, tmp_path, settings, passphrase_file, monkeypatch
):
    monkeypatch.setattr(backup, "CHUNK_BYTES", 4096)
    target = tmp_path / "site.pbk"
    backup.create(target)
    blob = target.read_bytes()
    header = backup.read_header(target)
    import json
    import struct

    start = len(backup.MAGIC) + 4 + len(json.dumps(header, sort_keys=True).encode())
    records, at = [], start
    while blob[at : at + 4] != backup.TRAILER or len(blob) - at != 36:
        size = struct.unpack(">I", blob[at + 1 : at + 5])[0]
        records.append(blob[at : at + 5 + size])
        at += 5 + size
    assert len(records) >= 3
    records[0], records[1] = records[1], records[0]
    target.write_bytes(blob[:start] + b"".join(records) + blob[at:])
    empty_installation(tmp_path, settings)
    with pytest.raises(CommandError, match="integrity check"):
        call_command("restore", str(target), "--passphrase-file", str(passphrase_file))
    assert not keyring.exists()


def _closed_case_purged(people, cells):
    from passage.cases.models import Case
    from passage.core.sealing import actions

    case = make_case(people["coordinator"], cell=cells["north"], names=["Purged Person"])
    Case.objects.filter(pk=case.pk).update(is_open=False, stage="closed")
    purge = actions.request_purge(people["outsider_coordinator"], case, reason="test")
    return case, lambda: actions.approve_purge(people["coordinator"], purge)


def test_a_backup_made_after_a_purge_cannot_bring_the_case_back(
    people, cells, tmp_path, settings, passphrase_file
):
    case, purge = _closed_case_purged(people, cells)
    purge()
    target = tmp_path / "after-purge.pbk"
    backup.create(target)
    empty_installation(tmp_path, settings)
    call_command("restore", str(target), "--passphrase-file", str(passphrase_file))
    datakeys.clear_cache()
    assert Person.objects.get(pk=case.person_id).names == []  # only the tombstone came back
    assert datakeys.is_destroyed(("cases.person", str(case.person_id)))


def test_the_documented_limit_a_backup_made_before_a_purge_still_opens_it(
    people, cells, tmp_path, settings, passphrase_file
):
    """docs/sealing.md "Limits": a self-contained backup carries the keys it needs, so one made
    before a purge, restored with the passphrase, still opens the purged case. Keep backups no
    longer than the retention period."""
    case, purge = _closed_case_purged(people, cells)
    target = tmp_path / "before-purge.pbk"
    backup.create(target)
    purge()
    empty_installation(tmp_path, settings)
    call_command("restore", str(target), "--passphrase-file", str(passphrase_file))
    datakeys.clear_cache()
    assert Person.objects.get(pk=case.person_id).names == ["Purged Person"]


def test_a_sealed_shell_unseals_to_back_up_and_shows_progress(
    installation, tmp_path, passphrase_file, monkeypatch, capsys
):
    from passage.core import crypto

    crypto.forget_keys()  # a new shell process: sealed
    monkeypatch.setattr(backup.Progress, "MIN_STEP", 100)
    target = tmp_path / "shell.pbk"
    call_command("backup", "-o", str(target), "--passphrase-file", str(passphrase_file))
    err = capsys.readouterr().err
    assert "backup: " in err and "rows (" in err
    assert backup.read_header(target)["keyring"] == keyring.load()
    assert AuditRecord.objects.filter(action="seal.unseal").exists()


def test_a_receipt_opens_on_the_server_restored_from_a_backup(
    people, tmp_path, settings, passphrase_file
):
    from passage.public import actions as public
    from passage.public import receipts, tokens

    def token():
        return tokens.issue(time.time() - 30)  # filled in for 30 s, as a person would

    receipt = public.submit_first({"message": "help"}, token=token(), language="en")
    source = public.open_receipt(receipt.code_name, receipt.passphrase, token=token())
    assert source is not None
    target = tmp_path / "site.pbk"
    backup.create(target)
    # A new server: its own data folder and its own Django secret key (not in the backup).
    empty_installation(tmp_path, settings)
    settings.SECRET_KEY = "a different secret key for the new server " * 2
    call_command("restore", str(target), "--passphrase-file", str(passphrase_file))
    found = public.open_receipt(receipt.code_name, receipt.passphrase, token=token())
    assert found is not None and found.pk == source.pk
    assert oct(receipts.receipt_key_path().stat().st_mode & 0o777) == "0o600"


def test_receipts_given_before_the_receipt_key_file_still_open(db, settings, tmp_path):
    from django.utils.crypto import salted_hmac

    from passage.public import receipts

    settings.DATA_DIR = tmp_path  # an installation from before the file existed
    code = "apple-banana-cherry"
    before = salted_hmac("passage.public.code-name", code, algorithm="sha256").hexdigest()
    assert receipts.lookup_id(code) == before
    assert receipts.receipt_key_path().is_file()
    settings.SECRET_KEY = "changed later " * 5  # the file, not the secret key, holds it now
    assert receipts.lookup_id(code) == before
