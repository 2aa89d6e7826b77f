"""The task worker, sealed like every other process: it claims no task while Passage is sealed.

django-tasks' database worker builds each pass's query from `process_all_queues` and
`queue_names`; here both answer "no queue" unless this process holds keys (its own, or lent by
the web process's key agent, agent.py), so while sealed nothing is claimed and every task stays
queued until someone unseals.
"""

import logging

from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("django_tasks_db")


class SealAwareWorker(Worker):
    @property
    def process_all_queues(self) -> bool:
        return self._all_queues and self._may_run()

    @process_all_queues.setter
    def process_all_queues(self, value: bool) -> None:
        self._all_queues = value

    @property
    def queue_names(self) -> list[str]:
        return self._queue_names if self._may_run() else []

    @queue_names.setter
    def queue_names(self, value: list[str]) -> None:
        self._queue_names = value

    _was_allowed: bool | None = None

    def _may_run(self) -> bool:
        from passage.core.sealing import agent

        allowed = agent.holds_keys()
        if allowed != self._was_allowed:
            # Said once per change, so an operator can tell "sealed" from "nothing queued".
            if allowed:
                logger.info("Unsealed: running queued tasks.")
            else:
                logger.warning("Passage is sealed: no task runs until someone unseals it.")
            self._was_allowed = allowed
        return allowed
