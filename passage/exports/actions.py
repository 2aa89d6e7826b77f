"""Exporting the triage queue a user can see: the rows, the columns, and the audit record."""

import csv
import io
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from passage.accounts.roles import CASE_ROLES
from passage.cases.actions import read_identity
from passage.cases.queue import triage_queue
from passage.core import audit
from passage.core.access import Action, can
from passage.exports.cells import safe_cell
from passage.exports.columns import COLUMNS

BOM = "\ufeff"  # so Excel reads the CSV as UTF-8 and Burmese stays Burmese
# Above this many rows an export would be a background task; there is no task runner yet, so
# larger exports are streamed as they are written (CSV) or written straight to a temporary
# file (XLSX) instead of being held in memory.
LARGE_EXPORT_ROWS = 2000


class Export:
    """One export, checked and audited when made; rows are produced as they are read."""

    def __init__(self, user, filters: dict, columns: list[str], *, reason: str = "", request=None):
        if user.role not in CASE_ROLES:
            raise PermissionDenied
        self.columns = [COLUMNS[key] for key in columns]
        self.wants_identity = any(c.identity for c in self.columns)
        if self.wants_identity and not can(user, Action.EXPORT_IDENTITY):
            raise PermissionDenied
        if self.wants_identity and not reason.strip():
            raise ValueError("identity columns need a reason")
        self.user, self.request = user, request
        self.cases = triage_queue(user, filters)
        if self.wants_identity:
            # The sealed fields are read for each row; load them with it, not one query each.
            self.cases = self.cases.defer(None).prefetch_related("requests")
        self.count = self.cases.count()
        audit.record(
            user,
            "export.queue",
            None,
            request=request,
            detail={
                "rows": self.count,
                "columns": columns,
                "filters": {k: str(v) for k, v in filters.items() if v},
                "identity": self.wants_identity,
                "reason": reason.strip()[:300],
            },
        )

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def rows(self) -> Iterator[list]:
        for case in self.cases.iterator(chunk_size=500):
            identity = None
            # Rows of cases the user may not see the identity of keep blank identity cells.
            if self.wants_identity and can(self.user, Action.EXPORT_IDENTITY, case):
                identity = read_identity(self.user, case, request=self.request)
            yield [safe_cell(c.get(case, identity)) for c in self.columns]


class _Line:
    """A file-like object whose write returns the line, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(export: Export) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow(export.header())).encode("utf-8")
    buffer = []
    for row in export.rows():
        buffer.append(writer.writerow(row))
        if len(buffer) >= 200:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


def xlsx_file(export: Export, target) -> None:
    """Write the workbook to `target` (a file object); write-only mode keeps memory flat."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Passage")
    sheet.append(export.header())
    for row in export.rows():
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    book.save(target)


def xlsx_bytes(export: Export) -> bytes:
    out = io.BytesIO()
    xlsx_file(export, out)
    return out.getvalue()
