"""Background tasks, through Django's tasks API (the database backend; `passage db_worker`)."""

from django_tasks import task


@task()
def raise_missed_check_ins() -> int:
    """Alert the plan's people about every check-in now overdue; queued for each check-in's due
    time when it is scheduled, and safe to run any number of times."""
    from passage.planning.actions import find_missed_check_ins

    return len(find_missed_check_ins())
