"""Run an asyncio crawl while every database call happens on the calling thread.

Django's ORM is synchronous and refuses to run inside an event loop's thread.
``run_with_database(main)`` runs the coroutine ``main(db)`` in a helper thread;
``await db(fn, *args)`` sends ``fn(*args)`` back to the thread that called
``run_with_database`` and awaits its result. All database work therefore uses
the caller's connection (and its transaction, in tests), one call at a time,
while fetching goes on concurrently.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = object()


class DatabaseCalls:
    """``await db(fn, *args, **kwargs)`` runs ``fn`` on the database thread."""

    def __init__(self, jobs: queue.SimpleQueue):
        self._jobs = jobs

    async def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        future: Future = Future()
        self._jobs.put((fn, args, kwargs, future))
        return await asyncio.wrap_future(future)


def run_with_database(main: Callable[[DatabaseCalls], Awaitable[T]]) -> T:
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    outcome: dict[str, Any] = {}

    def crawl() -> None:
        try:
            outcome["result"] = asyncio.run(main(DatabaseCalls(jobs)))
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc
        finally:
            jobs.put(_DONE)

    thread = threading.Thread(target=crawl, name=f"{threading.current_thread().name}-crawl", daemon=True)
    thread.start()
    while (job := jobs.get()) is not _DONE:
        fn, args, kwargs, future = job
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the awaiting coroutine gets it
            future.set_exception(exc)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
