"""django-tasks-db's worker loop, run in a thread: the one place that depends on its internals.

django-tasks-db runs tasks with its ``db_worker`` management command: one worker per
process, with its own signal handlers (which Python allows only in the main thread).
Khabar runs several task threads in one process next to its scheduler and heartbeat
(``runner.CrawlService``), so it builds the command's ``Worker`` class itself. That class
is not a documented API: its constructor's keyword arguments, ``run()`` and the
``running`` flag (cleared to stop after the current task) are all this module uses, and
``tests/test_tasks.py`` checks them, so that an upgrade that changes them fails the
tests rather than the workers. django-tasks and django-tasks-db are pinned to the tested
minor versions in pyproject.toml.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker


class TaskWorker:
    """Takes tasks of ``queues`` from the database backend ``default`` and runs them, until ``stop()``
    (or, ``until_empty``, until no task is ready)."""

    def __init__(self, worker_id: str, queues: list[str], *, interval: float = 0.5, until_empty: bool = False):
        self.worker_id = worker_id
        self._worker = Worker(
            queue_names=queues,
            interval=interval,  # seconds between looks when no task is ready
            batch=until_empty,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def run(self) -> None:
        """Run tasks until ``stop()``; returns after the task in hand, if any, is finished."""
        self._worker.run()

    def stop(self) -> None:
        self._worker.running = False
