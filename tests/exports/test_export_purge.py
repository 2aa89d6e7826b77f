"""A purge destroys every export file that may hold the purged identity; a waiting job says why."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from passage.core.models import AuditRecord
from passage.core.sealing import actions as sealing
from passage.core.sealing import agent, state
from passage.exports import actions, jobs, vault
from passage.exports.models import ExportJob
from tests.conftest import make_case, signed_in
from tests.exports.test_export_jobs import REASON, ask, body_of, csv_rows

IDENTITY = ["pseudonym", "names", "contact_handle"]
WITHDRAWN = "Withdrawn: a case in it was purged, so the file and its key were destroyed."
pytestmark = pytest.mark.usefixtures("_small_threshold")


@pytest.fixture
def north(people, cells):
    return [make_case(people["coordinator"], cell=cells["north"]) for _ in range(3)]


def purge(people, case) -> None:
    """A real purge: asked for by one coordinator, approved by another."""
    request = sealing.request_purge(people["outsider_coordinator"], case, reason="he asked us to")
    sealing.approve_purge(people["coordinator"], request)


def files_of(job) -> list:
    return list(vault.folder().glob(f"{job.pk}*"))


def assert_withdrawn(job) -> None:
    job.refresh_from_db()
    assert (job.status, job.problem, job.file_key) == ("expired", "purged", None)
    assert files_of(job) == []


def test_a_purge_withdraws_finished_identity_exports_and_leaves_the_others(people, north):
    client = signed_in(people["coordinator"])
    with_identity = ask(client, columns=IDENTITY, reason=REASON)
    summary_only = ask(client)
    jobs.run_job(with_identity.pk)
    jobs.run_job(summary_only.pk)
    assert vault.path_for(with_identity.pk).exists()

    purge(people, north[0])

    assert_withdrawn(with_identity)
    # Nothing in a summary-only file is destroyed by a purge: it stays until it expires.
    summary_only.refresh_from_db()
    assert summary_only.status == "done" and vault.path_for(summary_only.pk).exists()
    page = client.get(reverse("exports:job", args=[with_identity.pk])).content.decode()
    assert WITHDRAWN in page and "/download/" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    page = client.get(reverse("exports:job", args=[with_identity.pk])).content.decode()
    assert "ကိစ္စရပ်တစ်ခုကို အပြီးဖျက်ခဲ့သဖြင့်" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("exports:job_download", args=[with_identity.pk]))
    assert response.status_code == 410 and WITHDRAWN in response.content.decode()
    withdraw = AuditRecord.objects.get(action="export.withdraw")
    assert withdraw.object_id == str(with_identity.pk) and withdraw.detail == {"problem": "purged"}
    assert AuditRecord.objects.get(action="case.purge").detail["exports_withdrawn"] == 1
    assert not AuditRecord.objects.filter(action="export.download").exists()


@pytest.mark.parametrize("moment", ["mid-way", "before publishing"])
def test_a_job_running_when_a_purge_lands_delivers_nothing(people, north, monkeypatch, moment):
    client = signed_in(people["coordinator"])
    job = ask(client, columns=IDENTITY, reason=REASON)
    monkeypatch.setattr(actions, "PROGRESS_STEP", 1)  # a step after each row
    if moment == "mid-way":
        progress = jobs._progress

        def purge_then_progress(running, rows_done):
            if rows_done == 1:  # one identity already written to the part file
                purge(people, north[0])
            progress(running, rows_done)

        monkeypatch.setattr(jobs, "_progress", purge_then_progress)
    else:
        close = vault.Writer.close

        def close_then_purge(writer):
            close(writer)  # the whole file is in place, with every identity in it
            purge(people, north[0])

        monkeypatch.setattr(vault.Writer, "close", close_then_purge)

    assert jobs.run_job(job.pk) == 0

    assert_withdrawn(job)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert WITHDRAWN in page and not AuditRecord.objects.filter(action="export.complete").exists()


def test_a_job_queued_before_a_purge_runs_with_the_purged_identity_blank(people, north):
    client = signed_in(people["coordinator"])
    job = ask(client, columns=IDENTITY, reason=REASON)
    purge(people, north[0])
    job.refresh_from_db()
    assert job.status == "queued"  # nothing read yet: nothing to withdraw

    assert jobs.run_job(job.pk) == 3

    rows = {r[0]: r[1:] for r in csv_rows(body_of(client.get(f"/exports/jobs/{job.pk}/download/")))}
    assert rows[north[0].person.pseudonym] == ["", ""]
    assert rows[north[1].person.pseudonym] == ["ကျော်ထူး; Kyaw Htoo", "'@kyaw_htoo_test"]


@pytest.mark.django_db(transaction=True)
def test_a_job_finished_while_the_purge_commits_is_withdrawn_at_the_commit(people, north):
    job = ask(signed_in(people["coordinator"]), columns=IDENTITY, reason=REASON)
    with transaction.atomic():
        sealing.purge_case(north[0], reason="approved")
        jobs.run_job(job.pk)  # claimed after the purge's first pass over the jobs
        job.refresh_from_db()
        assert job.status == "done"
    assert_withdrawn(job)


@pytest.mark.django_db(transaction=True)  # no transaction around it, as in retention's purges
def test_a_purge_while_sealed_withdraws_and_counts_it_for_the_unseal(people, north):
    job = ask(signed_in(people["coordinator"]), columns=IDENTITY, reason=REASON)
    jobs.run_job(job.pk)
    state.drop()  # sealed, as when the retention task's purge runs in a sealed shell

    sealing.purge_case(north[0], reason="retention 365 days")

    stored = ExportJob.objects.values_list("status", "problem", "file_key").get(pk=job.pk)
    assert stored == ("expired", "purged", None) and files_of(job) == []
    pending = state.read_shared()["pending_audit"]
    assert [(p["action"], p["exports_withdrawn"]) for p in pending] == [("case.purge", 1)]


# --- why a queued job waits -------------------------------------------------------------------


def test_a_waiting_job_says_passage_is_sealed_for_the_worker_when_no_agent_answers(people, north):
    # No key agent listens in the test process: the worker could get no keys and runs nothing.
    client = signed_in(people["coordinator"])
    job = ask(client)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "Waiting to start" in page
    assert "Passage is sealed for the background worker, so it starts nothing" in page
    assert "key" not in jobs.waiting_reason(job).lower()  # nothing about keys or files
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "နောက်ခံလုပ်ငန်းစဉ်အတွက် Passage ကို သော့ခတ်ထားသဖြင့်" in page


def test_a_waiting_job_says_the_worker_may_not_be_running_after_a_while(people, north):
    served = agent.Agent()  # the web process's key agent, as `passage serve` starts it
    try:
        client = signed_in(people["coordinator"])
        job = ask(client)
        page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
        assert "Waiting to start" in page and "background worker" not in page
        ExportJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - timedelta(minutes=7, seconds=5)
        )
        page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
        assert (
            "The background worker has not picked up this export for 7 minutes: it may not be "
            "running. Ask the administrator." in page
        )
        # Once claimed, the job's progress speaks for itself.
        ExportJob.objects.filter(pk=job.pk).update(status="running", progressed_at=timezone.now())
        page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
        assert "background worker" not in page
    finally:
        served.close()
