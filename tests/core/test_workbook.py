"""XLSX uploads are checked before they are parsed: a zip bomb or a sheet that claims a million
rows is refused with a clear message, fast and in little memory, by both importers."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from passage.exports.spreadsheet import SheetError, read_sheet
from passage.screening.imports import UnreadableFile, read_table


def _read_cases(data: bytes):
    return read_sheet("cases.xlsx", data)


def _read_watchlist(data: bytes):
    return read_table("list.xlsx", data)


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield


READERS = [
    pytest.param(_read_cases, SheetError, id="case import"),
    pytest.param(_read_watchlist, UnreadableFile, id="watchlist import"),
]
# The far cell of each bomb: the case import stopped wide sheets, but not a far row; the
# watchlist import stopped after 5,000 rows, but padded each to the declared width.
FAR = {_read_cases: (1_048_576, 2), _read_watchlist: (1_048_576, 16_384)}


def _book(cells: dict[tuple[int, int], str]) -> bytes:
    book = Workbook()
    for (row, column), value in cells.items():
        book.active.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, name: str, change) -> bytes:
    """The same workbook with one part's XML changed (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for part in names if name in names else [*names, name]:
            content = source.read(part) if part in names else b""
            target.writestr(part, change(content) if part == name else content)
    return out.getvalue()


def far_cell_bomb(far: tuple[int, int], declared: bool) -> bytes:
    """Two cells, one far away: a few KB that openpyxl pads to millions of cells."""
    data = _book({(1, 1): "names", far: "x"})
    if not declared:  # no <dimension>: only the reading caps stop it
        data = _rewrite(
            data, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb"<dimension[^>]*/>", b"", x)
        )
    return data


def shared_strings_bomb(megabytes: int) -> bytes:
    """A shared-strings table that unpacks to `megabytes` of text from a few KB."""
    text = b"A" * (megabytes * 1024 * 1024)
    table = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + text + b"</t></si></sst>"
    )
    return _rewrite(_book({(1, 1): "names"}), "xl/sharedStrings.xml", lambda _x: table)


def _refused_quickly(read, error, data) -> str:
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(error) as refused:
            read(data)
        seconds = time.process_time() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seconds < 2, f"{seconds:.1f} s of CPU"
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    return str(refused.value)


@pytest.mark.parametrize("read, error", READERS)
def test_a_sheet_that_declares_a_million_rows_is_refused_before_parsing(read, error):
    data = far_cell_bomb(FAR[read], declared=True)
    assert len(data) < 10_000
    assert "more than 5000 rows" in _refused_quickly(read, error, data)


@pytest.mark.parametrize("read, error", READERS)
def test_a_far_cell_without_a_declared_size_stops_at_the_row_cap(read, error):
    assert "more than 5000 rows" in _refused_quickly(
        read, error, far_cell_bomb(FAR[read], declared=False)
    )


@pytest.mark.parametrize("read, error", READERS)
@pytest.mark.parametrize("megabytes", [20, 60], ids=["by ratio", "by size"])
def test_a_shared_strings_bomb_is_refused_from_the_zip_directory(read, error, megabytes):
    data = shared_strings_bomb(megabytes)
    assert len(data) < 200_000
    assert "unpacks to more than" in _refused_quickly(read, error, data)


@pytest.mark.parametrize("read, error", READERS)
def test_an_ordinary_workbook_still_reads(read, error):
    rows = read(_book({(1, 1): "names", (2, 1): "Kyaw Htoo", (3, 2): "27"}))
    assert rows  # either (header, rows) or the rows themselves
