"""Exporting the triage queue a user can see: the rows, the columns, and the audit record."""

import base64
import csv
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from passage.cases.actions import read_identity
from passage.cases.queue import triage_queue
from passage.core import audit
from passage.core.access import Action, can, require
from passage.exports import jobs, vault, xlsx
from passage.exports.cells import safe_cell
from passage.exports.columns import COLUMNS
from passage.exports.models import ExportJob
from passage.exports.tasks import run_export

BOM = "\ufeff"  # so Excel reads the CSV as UTF-8 and Burmese stays Burmese
PROGRESS_STEP = 250


class Export:
    """One export, checked when made (audit_export or start_export_job records it); rows are
    produced as they are read, each identity read audited."""

    def __init__(self, user, filters: dict, columns: list[str], *, reason: str = "", request=None):
        # Checked again when a background job runs: the rights of the user as they are then.
        require(user, Action.EXPORT_LIST)
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
        self.rows_done = 0
        self.on_progress = None  # called with rows_done every PROGRESS_STEP rows (background)
        self.detail = {
            "rows": self.count,
            "columns": columns,
            "filters": {k: str(v) for k, v in filters.items() if v},
            "identity": self.wants_identity,
            "reason": reason.strip()[:300],
        }

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def rows(self) -> Iterator[list]:
        for case in self.cases.iterator(chunk_size=500):
            identity = None
            # Rows of cases the user may not see the identity of keep blank identity cells.
            if self.wants_identity and can(self.user, Action.EXPORT_IDENTITY, case):
                identity = read_identity(self.user, case, request=self.request)
            yield [safe_cell(c.get(case, identity)) for c in self.columns]
            self.rows_done += 1
            if self.on_progress and self.rows_done % PROGRESS_STEP == 0:
                self.on_progress(self.rows_done)


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


def xlsx_chunks(export: Export) -> Iterator[bytes]:
    """The workbook as it is written, row by row, with no clear copy on disk (see xlsx.py)."""
    return xlsx.chunks(export.header(), export.rows())


CHUNKS = {"csv": csv_chunks, "xlsx": xlsx_chunks}


# --- large exports: a background job, an encrypted file, a link that expires --------------------


def audit_export(user, export: Export, *, request=None) -> None:
    """The record of an export made at once, in the request."""
    audit.record(user, "export.queue", None, request=request, detail=export.detail)


def is_large(export: Export) -> bool:
    return export.count > settings.EXPORT_BACKGROUND_ROWS


def start_export_job(
    user, export: Export, filters: dict, file_format: str, *, reason: str = "", request=None
) -> ExportJob:
    """Queue the export for the task worker; it is audited as requested now, completed later."""
    stored = {k: (v.pk if hasattr(v, "pk") else v) for k, v in filters.items() if v}
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=user,
            file_format=file_format,
            columns=[c.key for c in export.columns],
            filters=stored,
            reason=reason.strip()[:300],
            rows_total=export.count,
        )
        audit.record(user, "export.request", job, request=request, detail=export.detail)
        run_export.enqueue(str(job.pk))
    return job


def download_export(user, job: ExportJob, *, request=None) -> Iterator[bytes]:
    """The decrypted file of a finished job, for its owner until it expires; audited."""
    if job.owner_id != user.pk:
        raise PermissionDenied
    if jobs.expire_if_due(job) or job.status != ExportJob.Status.DONE:
        raise jobs.ExportGone
    key = base64.b64decode(job.file_key)
    try:
        vault.check(job.pk, key)
    except vault.VaultError:
        jobs.expire(job)  # altered or lost on disk: refuse it whole, never part of it
        raise jobs.ExportGone from None
    audit.record(user, "export.download", job, request=request, detail={"rows": job.rows_done})
    return vault.read(job.pk, key)
