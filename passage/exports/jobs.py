"""Export jobs on the worker's side: write the file, record progress, expire it.

A job applies the owner's rights as they are when it runs (Export checks them again), so a user
who lost access since asking gets nothing, and rows they no longer see are left out.

The link: only the job's owner may use it, as often as they need (a download cut off on a bad
line can be tried again), each download audited, until settings.EXPORT_LINK_MINUTES after the
file is ready. Then the file and its key are deleted: by the cleanup task queued for that moment,
or by the first look at the job after it, whichever comes first. A job needs keys to run (the
sealed reason and file key, identity reads, the audit chain), so it runs only in a worker that
holds them; the cleanup needs none.
"""

import base64
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from passage.accounts.roles import CASE_ROLES
from passage.core import audit
from passage.core.crypto import SealedError
from passage.exports import vault
from passage.exports.models import ExportJob

logger = logging.getLogger(__name__)
Status, Problem = ExportJob.Status, ExportJob.Problem


class ExportGone(Exception):
    """The job's file has expired (or was never made): there is nothing to download."""


def get_job_or_404(user, job_id) -> ExportJob:
    """Only the person who asked for an export sees its job; anyone else gets 404."""
    if not user.is_active or user.role not in CASE_ROLES:
        raise PermissionDenied
    job = ExportJob.objects.filter(pk=job_id, owner=user).first()
    if job is None:
        raise Http404
    return job


def run_job(job_id) -> int:
    from passage.exports.actions import Export, csv_chunks, xlsx_bytes
    from passage.exports.tasks import delete_expired_exports

    # Claimed by one worker only; a job run twice (a retried task) writes nothing the second time.
    if not ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return 0
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    key, writer = vault.new_key(), None
    try:
        export = Export(job.owner, job.filters, job.columns, reason=job.reason)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=export.count)
        export.on_progress = lambda n: ExportJob.objects.filter(pk=job.pk).update(rows_done=n)
        writer = vault.Writer(job.pk, key)
        if job.file_format == "csv":
            for chunk in csv_chunks(export):
                writer.write(chunk)
        else:
            writer.write(xlsx_bytes(export))
        writer.close()
        now = timezone.now()
        job.status, job.rows_total, job.rows_done = Status.DONE, export.count, export.rows_done
        job.file_key = base64.b64encode(key).decode("ascii")
        job.finished_at = now
        job.expires_at = now + timedelta(minutes=settings.EXPORT_LINK_MINUTES)
        with transaction.atomic():
            job.save(
                update_fields=[
                    "status",
                    "rows_total",
                    "rows_done",
                    "file_key",
                    "finished_at",
                    "expires_at",
                ]
            )
            audit.record(job.owner, "export.complete", job, detail=export.detail)
            delete_expired_exports.using(run_after=job.expires_at).enqueue()
    except Exception as exc:
        if writer is not None:
            writer.discard()
        vault.delete(job.pk)
        _fail(job, exc)
        return 0
    return export.rows_done


def _fail(job: ExportJob, exc: Exception) -> None:
    """Nothing half-delivered: the file is gone; the job page says what went wrong."""
    if isinstance(exc, PermissionDenied):
        problem = Problem.NO_ACCESS
    elif isinstance(exc, SealedError):
        problem = Problem.SEALED
    else:
        problem = Problem.FAILED
        # The type and where, for the operator; a message could quote a cell of the export.
        logger.error("export job %s failed: %s", job.pk, type(exc).__name__)
    ExportJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED, problem=problem, finished_at=timezone.now(), file_key=None
    )
    try:
        audit.record(job.owner, "export.fail", job, detail={"problem": problem})
    except SealedError:
        pass  # sealed mid-job: the chain cannot be written without keys; the job row says it


def expire(job: ExportJob) -> None:
    vault.delete(job.pk)
    job.status, job.file_key = Status.EXPIRED, None
    job.save(update_fields=["status", "file_key"])


def expire_if_due(job: ExportJob) -> bool:
    """True if the job's file is past its expiry; deleted now if it was still there."""
    if job.status == Status.EXPIRED:
        return True
    if job.status == Status.DONE and job.expires_at <= timezone.now():
        expire(job)
        return True
    return False


def delete_expired() -> int:
    """Expire every job past its time, and remove any file no live job owns (a crashed run's
    part file). Needs no key: destroying a file and its key needs none."""
    due = ExportJob.objects.filter(status=Status.DONE, expires_at__lte=timezone.now())
    count = 0
    for job in due.only("id", "status", "expires_at"):
        expire(job)
        count += 1
    live = {
        str(pk)
        for pk in ExportJob.objects.filter(status__in=[Status.RUNNING, Status.DONE]).values_list(
            "pk", flat=True
        )
    }
    for path in vault.folder().iterdir():
        if path.name.split(".")[0] not in live:
            path.unlink(missing_ok=True)
    return count
