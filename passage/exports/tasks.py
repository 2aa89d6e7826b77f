"""Background tasks of exports, run by `passage db_worker` (which runs only while unsealed)."""

from django_tasks import task


@task()
def run_export(job_id: str) -> int:
    """Write a queued export job's file, encrypted; the number of rows written."""
    from passage.exports.jobs import run_job

    return run_job(job_id)


@task()
def delete_expired_exports() -> int:
    """Delete every export file past its expiry, with its key; queued for each job's expiry."""
    from passage.exports.jobs import delete_expired

    return delete_expired()
