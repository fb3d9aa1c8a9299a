"""The task queue's edges: the worker adapter over django-tasks-db, recovery of lost tasks, which feeds run."""

from __future__ import annotations

import inspect
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from khabar.crawler.recovery import WorkerLost, recover_lost_work
from khabar.crawler.task_worker import TaskWorker
from khabar.crawler.tasks import CRAWL_QUEUE, refresh_feeds_task
from khabar.sources.models import CrawlerProcess, Feed, Source


def test_the_worker_class_khabar_builds_still_has_the_api_it_uses():
    """``task_worker.py`` builds django-tasks-db's ``Worker`` itself: an upgrade that changes it must fail here."""
    from django_tasks_db.management.commands.db_worker import Worker

    parameters = inspect.signature(Worker.__init__).parameters
    assert set(parameters) == {
        "self",
        "queue_names",
        "interval",
        "batch",
        "backend_name",
        "startup_delay",
        "max_tasks",
        "worker_id",
        "excluded_queue_names",
    }, "django-tasks-db's Worker changed: review khabar/crawler/task_worker.py"
    worker = TaskWorker("probe", [CRAWL_QUEUE])._worker
    assert worker.running is True and callable(worker.run)


@pytest.mark.django_db(transaction=True)  # the worker thread has its own database connection
def test_a_task_worker_thread_runs_tasks_and_stops_when_asked():
    result = refresh_feeds_task.enqueue([])
    worker = TaskWorker("test-thread-worker", [CRAWL_QUEUE], interval=0.05)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while DBTaskResult.objects.get(pk=result.id).status != "SUCCESSFUL" and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.stop()
    thread.join(10)
    assert not thread.is_alive()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.worker_ids == ["test-thread-worker"] and row.return_value["feeds"] == 0


def make_feed(slug: str, *, source_active: bool = True, **fields) -> Feed:
    source = Source.objects.create(name=slug, slug=slug, active=source_active)
    return Feed.objects.create(source=source, url=f"http://127.0.0.1:9/{slug}.xml", **fields)


@pytest.mark.django_db
def test_lost_tasks_are_failed_through_the_library_and_their_feeds_made_due():
    now = timezone.now()
    feed = make_feed("lost", next_check_at=now + timedelta(minutes=10), claimed_at=now)
    CrawlerProcess.objects.create(
        name="dead-host-1", hostname="elsewhere", pid=1, started_at=now, heartbeat_at=now - timedelta(minutes=5)
    )
    CrawlerProcess.objects.create(name="alive-host-2", hostname="elsewhere", pid=2, started_at=now, heartbeat_at=now)
    lost, alive = refresh_feeds_task.enqueue([feed.pk]), refresh_feeds_task.enqueue([])
    DBTaskResult.objects.get(pk=lost.id).claim("dead-host-1-0")
    DBTaskResult.objects.get(pk=alive.id).claim("alive-host-2-0")

    recovery = recover_lost_work(now)

    assert (recovery.processes, recovery.tasks, recovery.feeds) == (["dead-host-1"], 1, 1)
    result = refresh_feeds_task.get_result(lost.id)  # as the Tasks API reports it
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == f"{WorkerLost.__module__}.WorkerLost"
    assert "dead-host-1-0 stopped" in result.errors[0].traceback
    assert refresh_feeds_task.get_result(alive.id).status == "RUNNING"  # its worker is alive
    feed.refresh_from_db()
    assert feed.next_check_at == now and feed.claimed_at is None
    assert not CrawlerProcess.objects.filter(name="dead-host-1").exists()
    assert recover_lost_work(now).tasks == 0  # nothing twice


@pytest.mark.django_db
def test_a_feed_of_an_inactive_source_is_never_refreshed_by_a_task():
    off = make_feed("off-source", source_active=False)
    paused = make_feed("paused", paused_at=timezone.now())
    on = make_feed("on", active=False)
    assert not Feed.objects.due(timezone.now() + timedelta(days=1)).filter(pk__in=[off.pk, paused.pk, on.pk])
    # Enqueued while the source was active, run after it was turned off: skipped, nothing fetched.
    summary = refresh_feeds_task.call([off.pk, paused.pk, on.pk])
    assert summary["feeds"] == 0 and summary["failed"] == {}
    for feed in (off, paused, on):
        before = feed.last_checked_at
        feed.refresh_from_db()
        assert feed.last_checked_at == before is None
