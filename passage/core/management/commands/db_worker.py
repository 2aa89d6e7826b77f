from django_tasks_db.management.commands import db_worker

from passage.core.hardening import harden_process
from passage.core.sealing import retention, tasks
from passage.core.sealing.worker import SealAwareWorker

WORKER_OPTIONS = ("interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id")


class Command(db_worker.Command):
    help = "Run queued tasks, only while Passage is unsealed (keys from the web process's agent)."

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, **options):  # noqa: ARG002
        # No autoreload: a reloaded child would start without keys and ask the agent again,
        # which works, but `make run` and production run --no-reload anyway.
        harden_process()  # it will hold keys lent by the web process
        self.configure_logging(verbosity)
        retention.ensure_scheduled()
        tasks.ensure_queued(tasks.make_audit_checkpoint)
        worker = SealAwareWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            **{k: options[k] for k in WORKER_OPTIONS},
        )
        worker.configure_signals()
        worker.run()
