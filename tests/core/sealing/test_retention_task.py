"""Retention runs as a scheduled task: queued once when the worker starts, daily after that."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from passage.cases.models import Case, Person
from passage.core.sealing import datakeys, retention
from passage.core.sealing.tasks import run_retention
from passage.core.sealing.worker import SealAwareWorker
from tests.conftest import make_case


def _queued():
    return DBTaskResult.objects.filter(
        task_path=run_retention.module_path, status=TaskResultStatus.READY
    )


def test_retention_is_off_by_default_and_nothing_is_queued(db, settings):
    settings.RETENTION_DAYS = 0
    assert retention.ensure_scheduled() is False
    assert not _queued().exists()


def _run_ready_tasks() -> None:
    """What one worker pass does with each due task (without the worker loop's connection
    recycling, which would close the test's transaction on PostgreSQL)."""
    worker = SealAwareWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    for due in DBTaskResult.objects.ready():
        due.claim(worker.worker_id)
        worker.run_task(due)


def test_retention_is_queued_once_runs_and_queues_tomorrows(people, cells, settings):
    settings.RETENTION_DAYS = 365
    old = make_case(people["coordinator"], cell=cells["north"])
    Case.objects.filter(pk=old.pk).update(
        is_open=False, stage="closed", stage_changed_at=timezone.now() - timedelta(days=400)
    )
    assert retention.ensure_scheduled() is True  # what `passage db_worker` does as it starts
    assert retention.ensure_scheduled() is False  # one queued run is enough
    _run_ready_tasks()
    datakeys.clear_cache()
    assert Person.objects.get(pk=old.person_id).names == []
    done = DBTaskResult.objects.get(
        task_path=run_retention.module_path, status=TaskResultStatus.SUCCESSFUL
    )
    assert done.return_value == 1
    tomorrow = _queued().get()
    assert tomorrow.run_after - timezone.now() > timedelta(hours=23)
    assert retention.ensure_scheduled() is False
    _run_ready_tasks()
    assert _queued().count() == 1  # not due yet: still waiting, not run twice
