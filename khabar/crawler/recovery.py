"""Crawler processes' heartbeats, and recovering the work of the ones that died.

Every ``CrawlService`` registers a ``CrawlerProcess`` row and refreshes its
heartbeat every few seconds; its task-worker ids start with that row's name.
A process is dead when its heartbeat is older than ``DEAD_AFTER``, or at once
when it ran on this machine and its pid no longer exists (a restart after
``kill -9``). ``recover_lost_work`` then:

* marks the tasks it left RUNNING (django-tasks-db rows) as FAILED with
  ``WorkerLost``, and makes their feeds due now, so they are retried at the
  next scheduler tick rather than when the 10-minute feed lease runs out;
* frees the host slots it held;
* deletes its row.

RUNNING tasks of workers that never registered (e.g. a bare ``db_worker``) are
treated the same once they are older than the feed lease.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from khabar.sources.models import CrawlerProcess, Feed, HostSlot

log = logging.getLogger("khabar.crawler")

HEARTBEAT_EVERY = 5.0
DEAD_AFTER = timedelta(seconds=60)
UNKNOWN_WORKER_AFTER = timedelta(minutes=10)  # the feed lease (schedule.LEASE)
_process_name: str | None = None


class WorkerLost(Exception):
    """The worker running a task stopped (killed, crashed, machine lost) before finishing it."""


def this_process_name() -> str:
    """The name this process's host slots and tasks are held under."""
    return _process_name or f"{socket.gethostname()}-{os.getpid()}"[:64]


def register_process(name: str) -> None:
    global _process_name
    now = timezone.now()
    CrawlerProcess.objects.update_or_create(
        name=name,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now, "heartbeat_at": now},
    )
    _process_name = name


def heartbeat(name: str) -> None:
    if not CrawlerProcess.objects.filter(name=name).update(heartbeat_at=timezone.now()):
        register_process(name)  # someone took us for dead (a long pause): say we are alive again


def unregister_process(name: str) -> None:
    CrawlerProcess.objects.filter(name=name).delete()
    HostSlot.objects.filter(holder=name).delete()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(process: CrawlerProcess, now) -> bool:
    if now - process.heartbeat_at > DEAD_AFTER:
        return True
    return process.hostname == socket.gethostname() and process.pid != os.getpid() and not _pid_alive(process.pid)


@dataclass
class Recovery:
    processes: list[str]
    tasks: int = 0
    feeds: int = 0


def _feed_ids(args_kwargs: dict) -> list[int]:
    args = (args_kwargs or {}).get("args") or []
    first = args[0] if args else None
    if isinstance(first, list):
        return [int(i) for i in first]
    return [int(first)] if isinstance(first, int) else []


def recover_lost_work(now=None) -> Recovery:
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    processes = list(CrawlerProcess.objects.all())
    dead = {p.name for p in processes if is_dead(p, now)}
    known = {p.name for p in processes}
    recovery = Recovery(sorted(dead))
    for task in DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids", "started_at", "args_kwargs"):
        worker = (task.worker_ids or [""])[-1]
        owner = next((name for name in known if worker == name or worker.startswith(name + "-")), None)
        lost = owner in dead if owner else (task.started_at is None or now - task.started_at > UNKNOWN_WORKER_AFTER)
        if not lost:
            continue
        failed = DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: worker {worker or '?'} stopped while running this task; its feeds were made due again.\n",
        )
        if failed:
            recovery.tasks += 1
            recovery.feeds += Feed.objects.filter(pk__in=_feed_ids(task.args_kwargs), paused_at__isnull=True).update(
                next_check_at=now,
                claimed_at=None,
                next_check_reason="retry now: the worker running the last check stopped",
            )
    if dead:
        HostSlot.objects.filter(holder__in=dead).delete()
        CrawlerProcess.objects.filter(name__in=dead).delete()
    if recovery.tasks or dead:
        log.warning(
            "recovered the work of stopped worker(s) %s: %d task(s) failed and retried, %d feed(s) due again",
            ", ".join(recovery.processes) or "(unregistered)",
            recovery.tasks,
            recovery.feeds,
        )
    return recovery
