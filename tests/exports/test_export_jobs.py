"""Large exports: a job run by the real task worker, an encrypted file, a link that expires."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from passage.accounts.roles import Role
from passage.cases.models import Case, Person
from passage.core.models import AuditRecord
from passage.exports import actions, jobs, vault
from passage.exports.models import ExportJob
from tests.conftest import make_case, signed_in

URL = "/exports/queue/"
WORKER = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"]
REASON = "Hand-over list for the North cell's safe house."
# Every test here exports more than two rows (conftest.py), so every export is a background job.
pytestmark = pytest.mark.usefixtures("_small_threshold")


def _north_cases(people, cells, n=3, **data):
    return [make_case(people["coordinator"], cell=cells["north"], **data) for _ in range(n)]


def ask(client, **data) -> ExportJob:
    form = {"file_format": "csv", "columns": ["pseudonym", "stage"], **data}
    response = client.post(URL, form)
    assert response.status_code == 302, response.content
    job = ExportJob.objects.latest("created_at")
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    return job


def run_worker() -> None:
    call_command(*WORKER, verbosity=0)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_the_worker_and_downloaded_by_its_owner(people, cells):
    cases = _north_cases(people, cells)
    client = signed_in(people["coordinator"])
    job = ask(client)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "Waiting to start" in page and '<meta http-equiv="refresh" content="3">' in page
    assert not vault.path_for(job.pk).exists()

    run_worker()

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and (job.rows_done, job.rows_total) == (3, 3)
    assert job.expires_at - job.finished_at == timedelta(minutes=60)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "Ready to download" in page and 'http-equiv="refresh"' not in page
    assert reverse("exports:job_download", args=[job.pk]) in page
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="passage-queue-')
    assert response["Cache-Control"] == "no-store"
    rows = csv_rows(body_of(response))
    assert rows[0] == ["Pseudonym", "Stage"]
    assert sorted(r[0] for r in rows[1:]) == sorted(c.person.pseudonym for c in cases)
    actions_done = list(
        AuditRecord.objects.filter(object_id=str(job.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_done == ["export.request", "export.complete", "export.download"]
    # The small-export record is not written for a job: one request, one completion.
    assert not AuditRecord.objects.filter(action="export.queue").exists()


@pytest.mark.django_db(transaction=True)
def test_the_file_at_rest_is_encrypted_and_tampering_is_refused(people, cells):
    case = _north_cases(people, cells, n=3)[0]
    Person.objects.filter(pk=case.person.pk).update(pseudonym="မြင့်မိုရ် Secret")
    job = ask(signed_in(people["coordinator"]))
    run_worker()
    raw = vault.path_for(job.pk).read_bytes()
    assert "မြင့်မိုရ်".encode() not in raw and b"Secret" not in raw and b"Pseudonym" not in raw
    assert oct(vault.path_for(job.pk).stat().st_mode & 0o777) == "0o600"
    # The key is sealed in the database like any sensitive field, never stored in clear.
    stored = ExportJob.objects.filter(pk=job.pk).values_list("file_key", flat=True).get()
    assert stored.token.startswith("g1:")

    flipped = bytearray(raw)
    flipped[-5] ^= 1
    vault.path_for(job.pk).write_bytes(bytes(flipped))
    response = signed_in(people["coordinator"]).get(reverse("exports:job_download", args=[job.pk]))
    assert response.status_code == 410 and b"\xef\xbb\xbf" not in response.content
    assert not vault.path_for(job.pk).exists()
    assert not AuditRecord.objects.filter(action="export.download").exists()


def test_a_chunk_moved_to_another_job_does_not_open(tmp_path):
    with override_settings(DATA_DIR=tmp_path):
        key = vault.new_key()
        writer = vault.Writer("job-a", key)
        writer.write(b"x" * (vault.CHUNK_BYTES * 2 + 10))
        writer.close()
        assert b"".join(vault.read("job-a", key)) == b"x" * (vault.CHUNK_BYTES * 2 + 10)
        vault.path_for("job-a").rename(vault.path_for("job-b"))
        with pytest.raises(vault.VaultError, match="chunk 0"):
            vault.check("job-b", key)
        # Cut after the first chunk: refused, not a silently shorter file.
        data = vault.path_for("job-b").read_bytes()
        vault.path_for("job-a").write_bytes(data[: len(vault.MAGIC) + 5 + vault.CHUNK_BYTES + 16])
        with pytest.raises(vault.VaultError, match="cut short"):
            vault.check("job-a", key)


def test_progress_is_recorded_as_rows_are_written(people, cells):
    people_rows = [Person(pseudonym=f"Bulk {i:04d}", names=[f"N{i}"]) for i in range(600)]
    Person.objects.bulk_create(people_rows)
    Case.objects.bulk_create([Case(person=p, cell=cells["north"]) for p in people_rows])
    user = people["coordinator"]
    export = actions.Export(user, {}, ["pseudonym"])
    job = actions.start_export_job(user, export, {}, "csv")
    with CaptureQueriesContext(connection) as queries:
        assert jobs.run_job(job.pk) == 600
    progress = [q["sql"] for q in queries if 'SET "rows_done"' in q["sql"]]
    assert len(progress) == 600 // actions.PROGRESS_STEP
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.percent) == (600, 600, 100)
    # A job already run is not run again (a retried task writes nothing twice).
    assert jobs.run_job(job.pk) == 0


def test_the_job_page_shows_progress_while_it_runs(people, cells):
    _north_cases(people, cells)
    client = signed_in(people["coordinator"])
    job = ask(client)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", rows_done=250, rows_total=1000, progressed_at=timezone.now()
    )
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert '<progress max="100" value="25">' in page and "250 of 1000 rows written." in page


def test_only_the_owner_sees_the_job_or_downloads_the_file(people, cells):
    _north_cases(people, cells)
    job = ask(signed_in(people["coordinator"]))
    jobs.run_job(job.pk)
    for other in ("outsider_coordinator", "vetter", "intake"):
        client = signed_in(people[other])
        assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404
    assert not AuditRecord.objects.filter(action="export.download").exists()
    response = signed_in(people["coordinator"]).get(reverse("exports:job_download", args=[job.pk]))
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_expired_link_is_refused_clearly_and_the_file_is_gone(people, cells):
    _north_cases(people, cells)
    client = signed_in(people["coordinator"])
    job = ask(client)
    run_worker()
    assert vault.path_for(job.pk).exists()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    assert response.status_code == 410
    assert (
        "This download link has expired and the file has been deleted." in response.content.decode()
    )
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and job.file_key is None
    assert not vault.path_for(job.pk).exists()
    assert not AuditRecord.objects.filter(action="export.download").exists()


@pytest.mark.django_db(transaction=True)
def test_the_cleanup_task_deletes_expired_files_and_stray_parts(people, cells):
    _north_cases(people, cells)
    job = ask(signed_in(people["coordinator"]))
    run_worker()
    stray = vault.folder() / "crashed-run.part"
    stray.write_bytes(b"left by a worker that died")
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    from passage.exports.tasks import delete_expired_exports

    delete_expired_exports.enqueue()
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and job.file_key is None
    assert not vault.path_for(job.pk).exists() and not stray.exists()


def test_a_user_who_lost_the_right_before_the_job_ran_gets_nothing(people, cells):
    _north_cases(people, cells)
    coordinator = people["coordinator"]
    job = ask(signed_in(coordinator), columns=["pseudonym", "names"], reason=REASON)
    coordinator.role = Role.VETTER
    coordinator.save(update_fields=["role"])
    assert jobs.run_job(job.pk) == 0
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.problem == "no_access"
    assert not vault.path_for(job.pk).exists() and job.file_key is None
    assert AuditRecord.objects.filter(action="export.fail", object_id=str(job.pk)).exists()
    assert not AuditRecord.objects.filter(action="person.read_identity").exists()
    page = signed_in(coordinator).get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "You no longer have the rights this export needs." in page
    assert reverse("exports:job_download", args=[job.pk]) not in page


def test_rows_are_those_the_user_sees_when_the_job_runs(people, cells):
    own = _north_cases(people, cells)
    vetter = people["vetter"]
    job = ask(signed_in(vetter))
    Case.objects.filter(pk=own[0].pk).update(cell=cells["south"])  # moved out of the vetter's view
    assert jobs.run_job(job.pk) == 2
    rows = csv_rows(body_of(signed_in(vetter).get(reverse("exports:job_download", args=[job.pk]))))
    assert own[0].person.pseudonym not in {r[0] for r in rows}


def test_identity_on_the_background_path_is_filled_only_where_allowed_and_audited(people, cells):
    own = _north_cases(people, cells, n=2)
    other = make_case(people["coordinator"], cell=cells["south"])
    client = signed_in(people["coordinator"])
    job = ask(client, columns=["pseudonym", "names", "contact_handle"], reason=REASON)
    request = AuditRecord.objects.get(action="export.request")
    assert request.detail["identity"] is True and request.detail["reason"] == REASON
    assert not AuditRecord.objects.filter(action="person.read_identity").exists()
    jobs.run_job(job.pk)
    rows = {
        r[0]: r[1:] for r in csv_rows(body_of(client.get(f"/exports/jobs/{job.pk}/download/")))[1:]
    }
    assert rows[own[0].person.pseudonym] == ["ကျော်ထူး; Kyaw Htoo", "'@kyaw_htoo_test"]
    assert rows[other.person.pseudonym] == ["", ""]
    reads = AuditRecord.objects.filter(action="person.read_identity")
    assert {r.object_id for r in reads} == {str(c.person.pk) for c in own}


def test_formulas_are_neutralised_and_burmese_kept_in_a_background_xlsx(people, cells):
    cases = _north_cases(people, cells)
    Person.objects.filter(pk=cases[0].person.pk).update(pseudonym="=cmd|' /C calc'!A0")
    Person.objects.filter(pk=cases[1].person.pk).update(pseudonym="မြင့်မိုရ်")
    client = signed_in(people["coordinator"])
    job = ask(client, file_format="xlsx", columns=["pseudonym"])
    jobs.run_job(job.pk)
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(body_of(response))).active
    values = {sheet.cell(row=r, column=1).value for r in range(2, 5)}
    assert "'=cmd|' /C calc'!A0" in values and "မြင့်မိုရ်" in values
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 5))


def test_a_failed_job_keeps_no_file_and_says_so(people, cells):
    _north_cases(people, cells)
    client = signed_in(people["coordinator"])
    job = ask(client)
    # A column that no longer exists (a release between asking and running): the job fails.
    ExportJob.objects.filter(pk=job.pk).update(columns=["pseudonym", "gone"])
    assert jobs.run_job(job.pk) == 0
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.problem == "failed"
    assert list(vault.folder().glob(f"{job.pk}*")) == []
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "The export could not be written. Nothing was kept; try again." in page
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 302


def test_small_exports_stay_immediate(people, cells):
    make_case(people["coordinator"], cell=cells["north"])
    response = signed_in(people["coordinator"]).post(
        URL, {"file_format": "csv", "columns": ["pseudonym"]}
    )
    assert response.status_code == 200 and not ExportJob.objects.exists()
    assert len(csv_rows(body_of(response))) == 2


def _crashed_mid_job(job: ExportJob, minutes_ago: float) -> vault.Writer:
    """As a worker leaves a job when it dies: claimed, part of the file written, no end."""
    ExportJob.objects.filter(pk=job.pk).update(
        status="running",
        rows_done=250,
        rows_total=1000,
        progressed_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    writer = vault.Writer(job.pk, vault.new_key())
    writer.write(b"the first rows" * 30_000)  # past one chunk: sealed bytes on disk
    writer.out.close()  # as the dying process's descriptors are
    return writer


def test_a_job_whose_worker_died_is_given_up_on_its_page_and_keeps_nothing(people, cells):
    _north_cases(people, cells)
    client = signed_in(people["coordinator"])
    job = ask(client)
    stalled_minutes = jobs.STALLED_AFTER.total_seconds() / 60
    writer = _crashed_mid_job(job, minutes_ago=stalled_minutes - 1)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "250 of 1000 rows written." in page and writer.part.exists()  # slow, not yet dead
    ExportJob.objects.filter(pk=job.pk).update(
        progressed_at=timezone.now() - jobs.STALLED_AFTER - timedelta(seconds=1)
    )
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "the worker writing it was interrupted. Nothing was kept; try again." in page
    assert "<progress" not in page and 'http-equiv="refresh"' not in page
    job.refresh_from_db()
    assert (job.status, job.problem, job.file_key) == ("failed", "stalled", None)
    assert list(vault.folder().glob(f"{job.pk}*")) == []
    assert AuditRecord.objects.get(action="export.fail").detail == {"problem": "stalled"}
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_cleanup_task_gives_up_stalled_jobs_and_a_late_worker_keeps_nothing(people, cells):
    _north_cases(people, cells)
    client = signed_in(people["coordinator"])
    stalled, slow = ask(client), ask(client)
    _crashed_mid_job(stalled, minutes_ago=jobs.STALLED_AFTER.total_seconds() / 60 + 1)
    _crashed_mid_job(slow, minutes_ago=1)
    from passage.exports.tasks import delete_expired_exports

    delete_expired_exports.enqueue()
    run_worker()
    stalled.refresh_from_db()
    slow.refresh_from_db()
    assert (stalled.status, stalled.problem) == ("failed", "stalled")
    assert list(vault.folder().glob(f"{stalled.pk}*")) == []
    assert slow.status == "running" and vault.path_for(slow.pk).with_suffix(".part").exists()
    # The stalled job's worker, had it only been slow, finds its job gone at its next step.
    running = ExportJob.objects.filter(pk=stalled.pk, status="running")
    with pytest.raises(jobs.GivenUp):
        jobs._progress(running, 500)
