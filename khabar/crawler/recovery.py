"""Crawler processes' heartbeats, and recovering the work of the ones that died.

Every ``CrawlService`` registers a ``CrawlerProcess`` row and refreshes its
heartbeat every few seconds; its task-worker ids start with that row's name.
A process is dead when its heartbeat is older than ``DEAD_AFTER``, or at once
when it ran on this machine and its pid no longer exists (a restart after
``kill -9``). ``recover_lost_work`` then:

* marks the tasks it left RUNNING as FAILED with ``WorkerLost`` (through
  django-tasks-db's own ``DBTaskResult.set_failed``, on the row locked and
  checked to be still RUNNING), and makes their feeds due now, so they are
  retried at the next scheduler tick rather than when the 10-minute feed
  lease runs out;
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

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from khabar.sources.models import CrawlerProcess, Feed, HostSlot

log = logging.getLogger("khabar.crawler")

HEARTBEAT_EVERY = 5.0
DEAD_AFTER = timedelta(seconds=60)
UNKNOWN_WORKER_AFTER = timedelta(minutes=10)  # the feed lease (schedule.LEASE)
_process_name: str | None = None


class WorkerLost(Exception):
    """The worker running a task stopped (killed, crashed, machine lost) before finishing it."""


def held_by(names) -> Q:
    """Host grants held by these processes (each crawl of a process holds them as ``<name>#<n>``)."""
    condition = Q(holder__in=list(names))
    for name in names:
        condition |= Q(holder__startswith=f"{name}#")
    return condition


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
    HostSlot.objects.filter(held_by([name])).delete()


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


def _fail_lost_task(task_id, worker: str, now) -> int | None:
    """Mark a lost task FAILED and make its feeds due now; None if it is no longer RUNNING (it finished)."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        task = DBTaskResult.objects.running().filter(pk=task_id).get_locked()
        if task is None:
            return None
        task.set_failed(WorkerLost(f"worker {worker or '?'} stopped while running this task; its feeds are due again"))
        return (
            Feed.objects.crawlable()
            .filter(pk__in=_feed_ids(task.args_kwargs))
            .update(
                next_check_at=now,
                claimed_at=None,
                next_check_reason="تلاش دوباره همین حالا: کارگری که بررسی پیشین را انجام می‌داد از کار افتاد",
            )
        )


def recover_lost_work(now=None) -> Recovery:
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    processes = list(CrawlerProcess.objects.all())
    dead = {p.name for p in processes if is_dead(p, now)}
    known = {p.name for p in processes}
    recovery = Recovery(sorted(dead))
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        worker = (task.worker_ids or [""])[-1]
        owner = next((name for name in known if worker == name or worker.startswith(name + "-")), None)
        lost = owner in dead if owner else (task.started_at is None or now - task.started_at > UNKNOWN_WORKER_AFTER)
        feeds = _fail_lost_task(task.pk, worker, now) if lost else None
        if feeds is not None:
            recovery.tasks += 1
            recovery.feeds += feeds
    if dead:
        HostSlot.objects.filter(held_by(dead)).delete()
        CrawlerProcess.objects.filter(name__in=dead).delete()
    if recovery.tasks or dead:
        log.warning(
            "recovered the work of stopped worker(s) %s: %d task(s) failed and retried, %d feed(s) due again",
            ", ".join(recovery.processes) or "(unregistered)",
            recovery.tasks,
            recovery.feeds,
        )
    return recovery
