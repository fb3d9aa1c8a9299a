"""Long-running services: the scheduler and task workers.

``khabar worker`` runs a ``CrawlService`` on its own; ``khabar demo`` and
``khabar run`` run one in the process that also supervises the site's server (khabar/server.py).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid

from django.db import close_old_connections, connections
from django.utils import timezone

log = logging.getLogger("khabar.crawler")


class CrawlService:
    """A scheduler thread (enqueues due feeds every ``tick`` seconds), ``workers`` task-worker threads,
    and a keeper thread (heartbeat; recovers the work of dead workers, see ``recovery.py``)."""

    def __init__(self, *, workers: int = 2, tick: float = 5.0, schedule: bool = True):
        self.workers = workers
        self.tick = tick
        self.schedule = schedule
        self.name = ""  # the CrawlerProcess row, set by start()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._workers = []

    def start(self) -> CrawlService:
        from khabar.crawler.recovery import recover_lost_work, register_process
        from khabar.crawler.task_worker import TaskWorker
        from khabar.crawler.tasks import CRAWL_QUEUE

        base_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.name = base_id
        register_process(base_id)
        recover_lost_work()  # a restart after a crash picks up what the dead process left
        close_old_connections()
        self._threads.append(threading.Thread(target=self._keep_loop, name="khabar-keeper", daemon=True))
        if self.schedule:
            self._threads.append(threading.Thread(target=self._schedule_loop, name="khabar-scheduler", daemon=True))
        for number in range(self.workers):
            worker = TaskWorker(f"{base_id}-{number}"[:64], [CRAWL_QUEUE, "default"])
            self._workers.append(worker)
            self._threads.append(
                threading.Thread(target=self._work, args=(worker,), name=f"khabar-worker-{number}", daemon=True)
            )
        for thread in self._threads:
            thread.start()
        return self

    def _work(self, worker) -> None:
        try:
            worker.run()
        except Exception:  # a worker must not die silently
            log.exception("task worker stopped with an error")
        finally:
            connections.close_all()

    def _keep_loop(self) -> None:
        from khabar.crawler.recovery import HEARTBEAT_EVERY, heartbeat, recover_lost_work

        beats = 0
        while not self._stop.wait(HEARTBEAT_EVERY):
            try:
                close_old_connections()
                heartbeat(self.name)
                beats += 1
                if beats % 3 == 0:
                    recover_lost_work()
            except Exception:
                log.exception("heartbeat or recovery failed; trying again in %.0f s", HEARTBEAT_EVERY)
        connections.close_all()

    def _schedule_loop(self) -> None:
        from khabar.crawler.schedule import enqueue_due_discoveries, enqueue_due_feeds
        from khabar.crawler.signals import scheduler_tick

        while not self._stop.is_set():
            try:
                close_old_connections()
                count = enqueue_due_feeds()
                if count:
                    log.info("scheduled %d feed(s)", count)
                count = enqueue_due_discoveries()
                if count:
                    log.info("scheduled the discovery of %d outlet(s) from their homepages", count)
            except Exception:
                log.exception("scheduling failed; trying again in %.0f s", self.tick)
            # Other apps' periodic work (e.g. the stories app's homepages and catch-up).
            for receiver, result in scheduler_tick.send_robust(sender=CrawlService, now=timezone.now()):
                if isinstance(result, Exception):
                    log.error("periodic work %r failed; trying again next tick", receiver, exc_info=result)
            self._stop.wait(self.tick)
        connections.close_all()

    def stop(self, timeout: float = 30.0) -> None:
        from khabar.crawler.recovery import unregister_process

        self._stop.set()
        for worker in self._workers:
            worker.stop()
        for thread in self._threads:
            thread.join(timeout)
        try:
            unregister_process(self.name)
        except Exception:  # stopping goes on; the row is recovered as dead later
            log.exception("could not unregister crawler process %s", self.name)
        finally:
            connections.close_all()


def wait_for_interrupt() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM.

    Explicit handlers, because a process started in the background inherits an ignored SIGINT.
    """
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
