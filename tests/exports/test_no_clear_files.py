"""A seized disk keeps nothing of an export, an import or an attachment in clear.

Every file this process opens for writing is seen through a Python audit hook (the "open" event
of open() and os.open(), which tempfile and Django's upload handlers use), and tempfile's folder
is a fresh one that is looked at during the work, not only after it.
"""

import io
import os
import sys
import tempfile
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from passage.exports import jobs, vault, xlsx
from passage.exports.models import ExportJob, ImportBatch
from passage.exports.spreadsheet import MAX_BYTES as SHEET_MAX_BYTES
from tests.aftercare.helpers import make_statement
from tests.conftest import make_case, signed_in

NAME, ALIAS, HANDLE = "မင်းလွင်ဦး", "Min Lwin Oo", "min.lwin.oo.demo"
VALUES = [NAME, ALIAS, HANDLE]
REASON = "Hand-over list for the North cell's safe house."
IDENTITY_EXPORT = {
    "file_format": "xlsx",
    "columns": ["pseudonym", "names", "contact_handle"],
    "reason": REASON,
}

_watches: list[list[str]] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def _on_audit(event: str, args: tuple) -> None:
    if event != "open" or not _watches:
        return
    path, mode, flags = args
    if isinstance(path, int):
        return  # os.fdopen of a descriptor whose os.open was seen already
    writing = any(c in mode for c in "wax+") if mode else bool((flags or 0) & _WRITE_FLAGS)
    if writing:
        _watches[-1].append(os.fsdecode(path))


sys.addaudithook(_on_audit)  # cannot be removed; does nothing unless a watch is on


@contextmanager
def watching():
    """The paths opened for writing inside the block."""
    written: list[str] = []
    _watches.append(written)
    try:
        yield written
    finally:
        _watches.remove(written)


@pytest.fixture
def fresh_tmp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _identity_cases(people, cells, n=1):
    for _ in range(n):
        make_case(
            people["coordinator"],
            cell=cells["north"],
            names=[NAME, ALIAS],
            contact_handle=HANDLE,
        )


def _assert_identity_in(workbook: bytes) -> None:
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert [c.value for c in sheet[1]] == ["Pseudonym", "Names and aliases", "Contact handle"]
    assert sheet["B2"].value == f"{NAME}; {ALIAS}" and sheet["C2"].value == HANDLE


def test_the_watch_sees_openpyxl_spool_rows_in_clear_to_a_temporary_file(fresh_tmp):
    """Why exports are not written with openpyxl: write-only and normal mode alike put the sheet
    in a temporary file while saving. It also shows that the watch below catches such a file."""
    for write_only in (True, False):
        with watching() as written:
            book = Workbook(write_only=write_only)
            book.create_sheet("Passage").append([NAME, HANDLE])
            book.save(io.BytesIO())
        assert [p for p in written if p.startswith(str(fresh_tmp))], write_only


def test_an_xlsx_export_in_the_request_writes_no_file(people, cells, fresh_tmp):
    _identity_cases(people, cells, n=3)
    client = signed_in(people["coordinator"])
    pieces = []
    with watching() as written:
        response = client.post("/exports/queue/", IDENTITY_EXPORT)
        assert response.status_code == 200
        for piece in response.streaming_content:
            pieces.append(piece)
            assert not list(fresh_tmp.iterdir())  # while it is being built, not only after
    assert written == []
    assert not list(fresh_tmp.iterdir())
    _assert_identity_in(b"".join(pieces))


@override_settings(EXPORT_BACKGROUND_ROWS=1)
def test_a_background_xlsx_export_writes_only_its_encrypted_file(people, cells, fresh_tmp):
    _identity_cases(people, cells, n=3)
    client = signed_in(people["coordinator"])
    assert client.post("/exports/queue/", IDENTITY_EXPORT).status_code == 302
    job = ExportJob.objects.get()
    with watching() as written:
        assert jobs.run_job(job.pk) == 3
    assert written == [str(vault.path_for(job.pk).with_suffix(".part"))]
    assert not list(fresh_tmp.iterdir())
    stored = vault.path_for(job.pk).read_bytes()
    for value in VALUES:
        assert value.encode() not in stored
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    _assert_identity_in(b"".join(response.streaming_content))


def _csv_of_size(size: int) -> bytes:
    """A case-import CSV of exactly `size` bytes, identity in every row."""
    head = b"Name,Phone,Notes\n"
    row = f"{NAME};{ALIAS},{HANDLE},".encode()
    rows, line = [], row + b"x" * 4000 + b"\n"
    while len(head) + sum(map(len, rows)) + len(line) < size:
        rows.append(line)
    rest = size - len(head) - sum(map(len, rows))
    rows.append(row + b"x" * (rest - len(row) - 1) + b"\n")
    data = head + b"".join(rows)
    assert len(data) == size
    return data


def _import(client, data: bytes):
    sheet = SimpleUploadedFile("cases.csv", data, content_type="text/csv")
    return client.post("/exports/import/", {"sheet": sheet, "default_channel": "phone"})


def test_an_import_of_the_largest_size_stays_in_memory(people, fresh_tmp):
    # Past Django's default 2.5 MB, which it would have written to a temporary file in clear.
    assert SHEET_MAX_BYTES > 2_621_440
    client = signed_in(people["coordinator"])
    with watching() as written:
        response = _import(client, _csv_of_size(SHEET_MAX_BYTES))
    assert response.status_code == 302, response.content.decode()[:300]
    assert written == [] and not list(fresh_tmp.iterdir())
    assert ImportBatch.objects.get().row_count > 1000


def test_an_attachment_of_the_largest_size_stays_in_memory(people, cells, fresh_tmp):
    from passage.aftercare.models import Attachment

    statement = make_statement(people, cells["north"])
    from tests.aftercare.helpers import mp3_bytes

    # A recording that mutagen reads (its tags are stripped in memory too), padded to the limit.
    tagged = mp3_bytes()
    audio = tagged + b"\0" * (settings.UPLOAD_MAX_BYTES - len(tagged))
    client = signed_in(people["caseworker"])
    with watching() as written:
        response = client.post(
            reverse("aftercare:attach", args=[statement.pk]),
            {"file": SimpleUploadedFile("voice.mp3", audio, content_type="audio/mpeg")},
        )
    assert response.status_code == 302, response.content.decode()[:300]
    assert written == [] and not list(fresh_tmp.iterdir())
    assert Attachment.objects.count() == 1


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_an_upload_past_the_limit_is_refused_by_name_and_nothing_is_kept(people, fresh_tmp):
    client = signed_in(people["coordinator"])
    with watching() as written:
        response = _import(client, _csv_of_size(1024 * 1024 + 1))
    assert response.status_code == 200
    assert "The file is too large: at most 1 MB." in response.content.decode()
    assert written == [] and not list(fresh_tmp.iterdir())
    assert not ImportBatch.objects.exists()


def test_an_xlsx_import_is_read_without_a_file(people, fresh_tmp):
    # The workbook built by the export writer: what a user sends back after editing.
    rows = [[f"{NAME};{ALIAS}", HANDLE]] * 50
    workbook = b"".join(xlsx.chunks(["Name", "Phone"], rows))
    client = signed_in(people["coordinator"])
    sheet = SimpleUploadedFile("cases.xlsx", workbook)
    with watching() as written:
        response = client.post("/exports/import/", {"sheet": sheet, "default_channel": "phone"})
    assert response.status_code == 302, response.content.decode()[:300]
    assert written == [] and not list(fresh_tmp.iterdir())
    assert ImportBatch.objects.get().row_count == 50
