"""Export jobs on the worker's side: write the file, record progress, expire it.

A job applies the owner's rights as they are when it runs (Export checks them again), so a user
who lost access since asking gets nothing, and rows they no longer see are left out.

The link: only the job's owner may use it, as often as they need (a download cut off on a bad
line can be tried again), each download audited, until settings.EXPORT_LINK_MINUTES after the
file is ready. Then the file and its key are deleted: by the cleanup task queued for that moment,
or by the first look at the job after it, whichever comes first. A job needs keys to run (the
sealed reason and file key, identity reads, the audit chain), so it runs only in a worker that
holds them; the cleanup needs none.

A worker that dies mid-job (killed, out of memory, the machine restarted) leaves the job
"running" with no one writing it. A running job that has not progressed for STALLED_AFTER is
given up: marked failed with its reason, its `.part` file deleted, when its page is looked at or
by the cleanup task. A worker that was only slow finds its job given up and keeps nothing.

A purge withdraws every running or finished job with identity columns (`withdraw_for_purge`):
its file and key are destroyed, whichever case it held, since which people a file holds is not
recorded (a list of them would itself be a record to protect). A running job's worker finds its
job withdrawn at its next step or when it tries to publish, and keeps nothing. A job still
queued is left alone: it reads identities when it runs, and a purged one then reads blank.
"""

import base64
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passage.core import audit
from passage.core.access import Action, require
from passage.core.crypto import SealedError
from passage.core.sealing import agent, datakeys, state
from passage.exports import vault
from passage.exports.columns import COLUMNS
from passage.exports.models import ExportJob

logger = logging.getLogger(__name__)
Status, Problem = ExportJob.Status, ExportJob.Problem
# Progress is recorded every actions.PROGRESS_STEP rows, seconds apart even with identity reads:
# a quarter of an hour without any is a dead worker, not a slow one.
STALLED_AFTER = timedelta(minutes=15)
# A worker that is running claims a queued job within seconds; after this, say it may not be.
WORKER_LATE_AFTER = timedelta(minutes=2)
LIVE = (Status.RUNNING, Status.DONE)


class ExportGone(Exception):
    """The job's file has expired (or was never made): there is nothing to download."""


def get_job_or_404(user, job_id) -> ExportJob:
    """Only the person who asked for an export sees its job; anyone else gets 404."""
    require(user, Action.EXPORT_LIST)
    job = ExportJob.objects.filter(pk=job_id, owner=user).first()
    if job is None:
        raise Http404
    return job


def run_job(job_id) -> int:
    from passage.exports.actions import CHUNKS, Export
    from passage.exports.tasks import delete_expired_exports

    # Claimed by one worker only; a job run twice (a retried task) writes nothing the second time.
    claimed = ExportJob.objects.filter(pk=job_id, status=Status.QUEUED)
    if not claimed.update(status=Status.RUNNING, progressed_at=timezone.now()):
        return 0
    # Data keys cached by an earlier task may include one a purge has destroyed since (a purge
    # tells processes before it commits): from here every key is read from the database, and a
    # purge committed after that read withdraws this job, which is running.
    datakeys.clear_cache()
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    running = ExportJob.objects.filter(pk=job_id, status=Status.RUNNING)
    key, writer = vault.new_key(), None
    try:
        export = Export(job.owner, job.filters, job.columns, reason=job.reason)
        running.update(rows_total=export.count)
        export.on_progress = lambda n: _progress(running, n)
        writer = vault.Writer(job.pk, key)
        for chunk in CHUNKS[job.file_format](export):
            writer.write(chunk)
        writer.close()
        now = timezone.now()
        expires_at = now + timedelta(minutes=settings.EXPORT_LINK_MINUTES)
        with transaction.atomic():
            # Done only if still running: a job given up as stalled meanwhile keeps nothing.
            done = running.update(
                status=Status.DONE,
                rows_total=export.count,
                rows_done=export.rows_done,
                finished_at=now,
                expires_at=expires_at,
            )
            if not done:
                raise GivenUp
            job.file_key = base64.b64encode(key).decode("ascii")  # sealed: saved on its own
            job.save(update_fields=["file_key"])
            audit.record(job.owner, "export.complete", job, detail=export.detail)
            delete_expired_exports.using(run_after=expires_at).enqueue()
    except Exception as exc:
        if writer is not None:
            writer.discard()
        vault.delete(job.pk)
        _fail(job, exc)
        return 0
    return export.rows_done


class GivenUp(Exception):
    """The job stopped being "running" under its worker: it was given up as stalled."""


def _progress(running, rows_done: int) -> None:
    if not running.update(rows_done=rows_done, progressed_at=timezone.now()):
        raise GivenUp


def _fail(job: ExportJob, exc: Exception) -> None:
    if isinstance(exc, GivenUp):
        return  # already failed, with its reason, by give_up
    if isinstance(exc, PermissionDenied):
        problem = Problem.NO_ACCESS
    elif isinstance(exc, SealedError):
        problem = Problem.SEALED
    else:
        problem = Problem.FAILED
        # The type and where, for the operator; a message could quote a cell of the export.
        logger.error("export job %s failed: %s", job.pk, type(exc).__name__)
    give_up(job, problem)


def give_up(job: ExportJob, problem: str, *, stalled_before=None) -> bool:
    """Nothing half-delivered: the file is gone; the job page says why. False if the job was not
    running (or, with `stalled_before`, had progressed since then): someone else settled it."""
    running = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING)
    if stalled_before is not None:
        running = running.filter(_stalled(stalled_before))
    now = timezone.now()
    if not running.update(status=Status.FAILED, problem=problem, finished_at=now, file_key=None):
        return False
    vault.delete(job.pk)
    job.status, job.problem, job.finished_at, job.file_key = Status.FAILED, problem, now, None
    try:
        audit.record(job.owner, "export.fail", job, detail={"problem": problem})
    except SealedError:
        pass  # sealed: the chain cannot be written without keys; the job row says it
    return True


def withdraw_for_purge() -> int:
    """A purge's hook (passage/core/sealing/actions.py): destroy the file and key of every
    running or finished job with identity columns, now and again when the purge commits (a job
    claimed meanwhile read keys the purge had not yet destroyed). Needs no key. The number now."""
    count = _withdraw_identity_jobs()
    # Outside a transaction (retention's purges) this runs at once, finding none left.
    transaction.on_commit(_withdraw_identity_jobs)
    return count


def _withdraw_identity_jobs() -> int:
    count = 0
    for job in ExportJob.objects.filter(status__in=LIVE).only("id", "columns"):
        # A column no longer known could be anything: withdraw rather than guess.
        if not any(key not in COLUMNS or COLUMNS[key].identity for key in job.columns):
            continue
        # Conditional, like the worker's own writes: whichever comes first, the other sees it.
        if not ExportJob.objects.filter(pk=job.pk, status__in=LIVE).update(
            status=Status.EXPIRED, problem=Problem.PURGED, file_key=None
        ):
            continue
        vault.delete(job.pk)
        count += 1
        try:
            audit.record(None, "export.withdraw", job, detail={"problem": Problem.PURGED})
        except SealedError:
            pass  # sealed: the purge's own record, written at unseal, counts these
    return count


def waiting_reason(job: ExportJob) -> str:
    """Why a queued job may still be waiting, in plain words; "" when nothing seems wrong. Says
    nothing about keys or files: only whether the worker can run and how long it has waited."""
    if job.status != Status.QUEUED:
        return ""
    # The worker gets its keys from the key agent (docs/sealing.md): no agent answering, or one
    # answering sealed, and the worker runs nothing. The answer never leaves this process.
    if not state.is_unsealed() or agent.ask().get("sealed", True):
        return _(
            "Passage is sealed for the background worker, so it starts nothing: this export "
            "will start once Passage is unsealed. If this lasts, ask the administrator."
        )
    waited = timezone.now() - job.created_at
    if waited < WORKER_LATE_AFTER:
        return ""
    minutes = int(waited.total_seconds() // 60)
    return ngettext(
        "The background worker has not picked up this export for %(minutes)d minute: it may "
        "not be running. Ask the administrator.",
        "The background worker has not picked up this export for %(minutes)d minutes: it may "
        "not be running. Ask the administrator.",
        minutes,
    ) % {"minutes": minutes}


def _stalled(before) -> Q:
    # No progress time at all: a job claimed before progress was recorded (migration 0003).
    return Q(progressed_at__lt=before) | Q(progressed_at__isnull=True)


def give_up_if_stalled(job: ExportJob) -> bool:
    """True if the job was running without progress for STALLED_AFTER, and is now failed."""
    if job.status != Status.RUNNING:
        return False
    return give_up(job, Problem.STALLED, stalled_before=timezone.now() - STALLED_AFTER)


def settle(job: ExportJob) -> None:
    """Bring a job up to date before showing it: expired, or given up as stalled."""
    expire_if_due(job)
    give_up_if_stalled(job)


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
    """Expire every job past its time, give up stalled ones, and remove any file no live job
    owns (a crashed run's part file). Needs no key: destroying a file and its key needs none."""
    due = ExportJob.objects.filter(status=Status.DONE, expires_at__lte=timezone.now())
    count = 0
    for job in due.only("id", "status", "expires_at"):
        expire(job)
        count += 1
    stalled = ExportJob.objects.filter(
        _stalled(timezone.now() - STALLED_AFTER), status=Status.RUNNING
    )
    for job in stalled.select_related("owner"):
        give_up_if_stalled(job)
    live = {
        str(pk) for pk in ExportJob.objects.filter(status__in=LIVE).values_list("pk", flat=True)
    }
    for path in vault.folder().iterdir():
        if path.name.split(".")[0] not in live:
            path.unlink(missing_ok=True)
    return count
