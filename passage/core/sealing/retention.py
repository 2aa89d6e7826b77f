"""Retention: purge a person's identity N days after their last case closed.

The cases stay (pseudonym, stage, dates, coarse facts), so anonymous counts for reports do not
change; only the data keys go. Runs daily as a task in the worker (tasks.py; the worker queues the
first run when it starts), or from `passage retention run` by cron or a systemd timer
(docs/sealing.md). Destroying a key needs no key, but the worker runs no task while sealed.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from passage.core.sealing import actions, datakeys


def due(days: int, now=None):
    """Closed cases past the retention period whose person has no open case."""
    from passage.cases.models import Case

    cutoff = (now or timezone.now()) - timedelta(days=days)
    still_open = Case.objects.filter(person=OuterRef("person"), is_open=True)
    return (
        Case.objects.filter(is_open=False, stage_changed_at__lt=cutoff)
        .exclude(Exists(still_open))
        .select_related("person")
        .order_by("stage_changed_at")
    )


def ensure_scheduled() -> bool:
    """Queue the daily retention task unless retention is off or a run is already queued."""
    from django.conf import settings

    from passage.core.sealing.tasks import ensure_queued, run_retention

    if settings.RETENTION_DAYS <= 0:
        return False
    return ensure_queued(run_retention)


def run(days: int, now=None) -> int:
    """Purge every due case not yet purged; returns how many were purged now."""
    if days <= 0:
        return 0
    purged = 0
    for case in due(days, now).iterator(chunk_size=500):
        if datakeys.is_destroyed(datakeys.owner_for(case)):
            continue
        actions.purge_case(case, reason=f"retention {days} days")
        purged += 1
    return purged
