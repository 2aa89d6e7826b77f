"""Importing the watchlist and abuse records: preview, row-level errors, all or nothing, XLSX."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from passage.core.models import AuditRecord
from passage.screening.models import AbuseRecord, ImportBatch, Kind, WatchlistEntry
from tests.conftest import signed_in
from tests.screening.helpers import ABUSE_CSV, WATCHLIST_CSV


def upload(client, kind, name, content: bytes):
    return client.post(
        reverse("screening:import"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_a_good_file_is_previewed_then_imported(people):
    client = signed_in(people["coordinator"])
    response = upload(client, "watchlist", "watchlist.csv", WATCHLIST_CSV.encode())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"{batch.pk}/")
    preview = client.get(response.url).content.decode()
    assert "2 rows ready" in preview and "Kyawe Htu" in preview
    assert WatchlistEntry.objects.count() == 0  # nothing until confirmed
    read = AuditRecord.objects.filter(action="screening.read_import").get()
    assert read.actor == people["coordinator"] and read.object_id == str(batch.pk)
    assert client.post(response.url).status_code == 302
    entry = WatchlistEntry.objects.get(reference="W-1")
    assert entry.names == ["Kyawe Htu", "ကျော်ထူး"]  # Zawgyi converted to Unicode
    assert entry.rank == "corporal" and entry.age == 28 and entry.confidence == "high"
    assert entry.source == "informant"
    assert AuditRecord.objects.filter(action="screening.import").get().detail["records"] == 2
    assert client.post(response.url).status_code == 200  # a second commit is refused
    assert WatchlistEntry.objects.count() == 2


def test_abuse_records_keep_perpetrators_with_ranks(people):
    client = signed_in(people["coordinator"])
    response = upload(client, "abuse", "abuses.csv", ABUSE_CSV.encode())
    client.post(response.url)
    record = AbuseRecord.objects.get()
    assert str(record.date) == "2022-12-06" and record.place == "Monywa"
    assert record.units == ["Light Infantry Battalion 999", "LID 33"]
    assert record.perpetrators == [
        {"name": "Lt. Kyaw Htoo", "rank": "lieutenant"},
        {"name": "Capt Than Oo", "rank": "captain"},
    ]


BAD_CSV = (
    "names,rank,age,confidence\n"
    "Kyaw Htoo,corporal,27,high\n"
    ",,,\n"
    "Аung Аung,,,\n"  # Cyrillic А: a look-alike letter
    "Min Min,general of everything,200,certain\n"
    "Zaw Zaw,,30,\n"
)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(people):
    client = signed_in(people["coordinator"])
    response = upload(client, "watchlist", "bad.csv", BAD_CSV.encode())
    batch = ImportBatch.objects.get()
    found = {(e["row"], e["column"]) for e in batch.errors}
    assert found == {(4, "names"), (5, "rank"), (5, "age"), (5, "confidence")}
    page = client.get(response.url).content.decode()
    assert "4 problems: nothing was imported" in page and "another alphabet" in page
    client.post(response.url)
    assert WatchlistEntry.objects.count() == 0  # the good rows were not half-imported


def test_unknown_and_missing_columns_are_named(people):
    client = signed_in(people["coordinator"])
    upload(client, "watchlist", "cols.csv", b"nmes,unit\nKyaw,LIB 1\n")
    errors = ImportBatch.objects.get().errors
    assert {(e["row"], e["column"]) for e in errors} == {(1, "nmes"), (1, "names")}


def test_an_unreadable_file_gets_a_clear_message(people):
    client = signed_in(people["coordinator"])
    page = upload(client, "watchlist", "list.csv", "names\nJosé\n".encode("latin-1"))
    assert "not UTF-8" in page.content.decode()
    page = upload(client, "watchlist", "list.xlsx", b"not a zip")
    assert "could not be opened as an Excel workbook" in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_failure_while_committing_leaves_nothing_behind(people, monkeypatch):
    from passage.screening import actions
    from tests.screening.helpers import batch_from

    batch = batch_from(people["coordinator"], Kind.WATCHLIST, WATCHLIST_CSV)
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    real = actions.blind.file_record
    monkeypatch.setattr(actions.blind, "file_record", fail_on_second)
    try:
        actions.commit_import(people["coordinator"], batch)
    except RuntimeError:
        pass
    assert WatchlistEntry.objects.count() == 0
    from passage.screening.models import BlindKey

    assert not BlindKey.objects.filter(kind=Kind.WATCHLIST).exists()


MARCH_14 = datetime.datetime(2021, 3, 14)  # noqa: DTZ001 - a spreadsheet date cell has no zone


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_imported(people):
    client = signed_in(people["coordinator"])
    content = xlsx(
        [
            ["reference", "date", "place", "units", "perpetrators"],
            ["A-9", MARCH_14, "Hlaingthaya", "LID 77", "Maj Zaw Min Tun"],
            ["A-10", "2021-13-01", "Hlaingthaya", "", "Capt Aung Aung"],
        ]
    )
    response = upload(client, "abuse", "abuses.xlsx", content)
    batch = ImportBatch.objects.get()
    assert batch.errors == [
        {"row": 3, "column": "date", "message": "Write the date as YYYY-MM-DD."}
    ]
    content = xlsx(
        [
            ["Reference", "Date", "Place", "Units", "Perpetrators"],
            ["A-9", MARCH_14, "Hlaingthaya", "LID 77", "Maj Zaw Min Tun"],
        ]
    )
    response = upload(client, "abuse", "abuses.xlsx", content)
    client.post(response.url)
    record = AbuseRecord.objects.get()
    assert str(record.date) == "2021-03-14" and record.perpetrators[0]["rank"] == "major"


def test_only_coordinators_import(people):
    for role in ("vetter", "intake", "admin"):
        response = upload(signed_in(people[role]), "watchlist", "w.csv", WATCHLIST_CSV.encode())
        assert response.status_code == 403
    assert not ImportBatch.objects.exists()
