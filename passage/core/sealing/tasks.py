"""Retention as a scheduled task: it runs in the worker and queues its own next run a day later."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

INTERVAL = timedelta(days=1)


@task()
def run_retention() -> int:
    """Purge identities past the retention period, then queue tomorrow's run."""
    from passage.core.sealing import retention

    purged = retention.run(settings.RETENTION_DAYS)
    run_retention.using(run_after=timezone.now() + INTERVAL).enqueue()
    return purged
