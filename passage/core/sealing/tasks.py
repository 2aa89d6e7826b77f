"""Scheduled tasks: each runs in the worker and queues its own next run (retention daily, an audit
checkpoint hourly); the worker queues the first when it starts, unless one is queued already."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

INTERVAL = timedelta(days=1)
CHECKPOINT_INTERVAL = timedelta(hours=1)


def ensure_queued(scheduled) -> bool:
    """Queue `scheduled` unless a run of it is queued already (today's or a later one)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    if queued.filter(task_path=scheduled.module_path).exists():
        return False
    scheduled.enqueue()
    return True


@task()
def run_retention() -> int:
    """Purge identities past the retention period, then queue tomorrow's run."""
    from passage.core.sealing import retention

    purged = retention.run(settings.RETENTION_DAYS)
    run_retention.using(run_after=timezone.now() + INTERVAL).enqueue()
    return purged


@task()
def make_audit_checkpoint() -> int | None:
    """Sign the audit chain's head if records were added since the last checkpoint; again in an
    hour."""
    from passage.core import checkpoints

    made = checkpoints.make()
    make_audit_checkpoint.using(run_after=timezone.now() + CHECKPOINT_INTERVAL).enqueue()
    return made.seq if made else None
