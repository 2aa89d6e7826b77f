"""Reading an uploaded CSV or XLSX into a header and rows of text, within fixed limits."""

import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext as _

from passage.core import workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Field-survey exports (KoboToolbox, ODK) have a column per question plus their meta columns.
MAX_COLUMNS = 250
# Memory stays bounded however wide and long the sheet: rows × columns of kept cells.
MAX_CELLS = 500_000
MAX_CELL = 10_000  # longer than any field allows, so the row check names the problem


class SheetError(Exception):
    """The file cannot be read as a spreadsheet; the message is for the user."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(
            _("Save the CSV file as UTF-8 (in Excel: “CSV UTF-8”) and upload it again.")
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(data: bytes):
    try:
        yield from workbook.first_sheet_rows(data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except workbook.WorkbookRefused as exc:
        raise SheetError(str(exc)) from None


def read_sheet(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the first sheet; blank rows left out; every row as long as the header."""
    if len(data) > MAX_BYTES:
        raise SheetError(_("The file is larger than 5 MB. Split it and upload the parts."))
    lower = name.lower()
    if lower.endswith(".csv"):
        source = _csv_rows(data)
    elif lower.endswith(".xlsx"):
        source = _xlsx_rows(data)
    else:
        raise SheetError(_("Upload a .csv or .xlsx file."))
    header, rows = None, []
    for raw in source:
        cells = [_text(v) for v in raw]
        if not any(cells):
            continue
        if header is None:
            header = cells[:MAX_COLUMNS]
            if len(cells) > MAX_COLUMNS:
                raise SheetError(_("The sheet has more than %(n)d columns.") % {"n": MAX_COLUMNS})
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError(
                _("The sheet has more than %(n)d rows. Split it and upload the parts.")
                % {"n": MAX_ROWS}
            )
        if (len(rows) + 1) * len(header) > MAX_CELLS:
            raise SheetError(
                _("The sheet has more than %(n)d cells. Split it and upload the parts.")
                % {"n": MAX_CELLS}
            )
        cells = (cells + [""] * len(header))[: len(header)]
        rows.append([c[:MAX_CELL] for c in cells])
    if header is None:
        raise SheetError(_("The file is empty."))
    return header, rows


def other_sheets(name: str, data: bytes) -> list[str]:
    """The names of an XLSX workbook's sheets after the first, which are not read: a survey
    export puts each repeat group on a sheet of its own."""
    if not name.lower().endswith(".xlsx"):
        return []
    from openpyxl import load_workbook

    try:
        workbook.check_zip(data)  # the same bomb checks as read_sheet, before openpyxl opens it
        return load_workbook(io.BytesIO(data), read_only=True).sheetnames[1:]
    except Exception:  # read_sheet already said what is wrong with the file
        return []
