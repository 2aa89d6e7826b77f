"""Retention runs as a scheduled task: queued once when the worker starts, daily after that."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from passage.cases.models import Case, Person
from passage.core.sealing import datakeys, retention
from passage.core.sealing.tasks import run_retention
from tests.conftest import make_case

WORKER = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"]


def _queued():
    return DBTaskResult.objects.filter(
        task_path=run_retention.module_path, status=TaskResultStatus.READY
    )


def test_retention_is_off_by_default_and_nothing_is_queued(db, settings):
    settings.RETENTION_DAYS = 0
    assert retention.ensure_scheduled() is False
    assert not _queued().exists()


def test_the_worker_queues_retention_runs_it_and_queues_tomorrows(people, cells, settings):
    settings.RETENTION_DAYS = 365
    old = make_case(people["coordinator"], cell=cells["north"])
    Case.objects.filter(pk=old.pk).update(
        is_open=False, stage="closed", stage_changed_at=timezone.now() - timedelta(days=400)
    )
    call_command(*WORKER, verbosity=0)  # queues the first run at start, then runs it
    datakeys.clear_cache()
    assert Person.objects.get(pk=old.person_id).names == []
    done = DBTaskResult.objects.get(
        task_path=run_retention.module_path, status=TaskResultStatus.SUCCESSFUL
    )
    assert done.return_value == 1
    tomorrow = _queued().get()
    assert tomorrow.run_after - timezone.now() > timedelta(hours=23)
    assert retention.ensure_scheduled() is False  # one queued run is enough
    call_command(*WORKER, verbosity=0)
    assert _queued().count() == 1  # not due yet: still waiting, not run twice
