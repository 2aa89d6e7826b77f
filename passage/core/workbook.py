"""Opening an uploaded XLSX within fixed limits, checked before openpyxl parses anything.

An XLSX is a zip of XML. A 1.8 KB file whose sheet claims a cell in row 1,048,576 made openpyxl
yield a million padded rows (11.5 s of CPU); a shared-strings table that unpacks to hundreds of
megabytes is read whole when the workbook opens (530 MB of memory). So the zip's own directory is
checked first (what each part unpacks to, and by what ratio), then the sheet's declared size, and
rows and columns are read only up to the caller's caps.
"""

import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # XML of real sheets packs 5-20 times; bombs pack thousands of times
MAX_PARTS = 500


class WorkbookRefused(Exception):
    """Not opened; the message is for the user."""


def _unreadable() -> WorkbookRefused:
    return WorkbookRefused(_("This file could not be opened as an Excel workbook (XLSX)."))


def _too_many_rows(max_rows: int) -> WorkbookRefused:
    return WorkbookRefused(
        _("The sheet has more than %(n)d rows. Split it and upload the parts.") % {"n": max_rows}
    )


def check_zip(data: bytes) -> None:
    """Refuse a zip whose parts unpack too large, or too many times their packed size."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    unpacked = sum(p.file_size for p in parts)
    squeezed = any(p.file_size > 1024 * 1024 and p.file_size > MAX_RATIO * p.compress_size
                   for p in parts)  # fmt: skip
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES or squeezed:
        raise WorkbookRefused(
            _("This workbook unpacks to more than a spreadsheet of this size can hold. Save it "
              "again from your spreadsheet program, or as CSV, and upload it again.")
        )  # fmt: skip


def first_sheet_rows(data: bytes, *, max_rows: int, max_columns: int) -> Iterator[list]:
    """The first sheet's rows as lists of values, trailing empty cells dropped; at most
    `max_columns` + 1 cells a row (so the caller can say a sheet has too many), and refused past
    a header and `max_rows` rows, blank ones counted (so blank padding costs nothing either)."""
    from openpyxl import load_workbook

    check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable() from None
    try:
        # The declared size first: refused before a single row is parsed.
        if (sheet.max_row or 0) > max_rows + 1:
            raise _too_many_rows(max_rows)
        rows = sheet.iter_rows(max_row=max_rows + 2, max_col=max_columns + 1, values_only=True)
        for number, values in enumerate(rows, start=1):
            if number > max_rows + 1:
                raise _too_many_rows(max_rows)
            cells = list(values)
            while cells and cells[-1] is None:
                cells.pop()
            yield cells
    finally:
        book.close()
