"""Per-host politeness: how many requests at once, and how far apart.

The fetcher asks a ``Politeness`` object for a slot before every request to a
host and gives it back afterwards. ``LocalPoliteness`` keeps the books in this
process (tests, one-off tools); the Django edge keeps them in the database so
that every worker process on every machine shares one limit per host
(``khabar.crawler.hosts.DatabasePoliteness``).

Also here: reading ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Protocol

MAX_RETRY_AFTER = 24 * 3600.0
MAX_POLITE_WAIT = 60.0  # a host closed for longer (Retry-After) fails the request at once: no worker sleeps on it


class HostPaused(Exception):
    """The host asked not to be contacted for a while (Retry-After); the request is not sent."""

    def __init__(self, host: str, seconds: float):
        super().__init__(f"{host} asked for a pause: no request for another {seconds:.0f} s (Retry-After)")
        self.host, self.seconds = host, seconds


def too_long_to_wait(wait: float, gap: float) -> bool:
    """A wait longer than any gap or Crawl-delay explains is a pause the server asked for."""
    return wait > max(MAX_POLITE_WAIT, 2 * gap)


class Politeness(Protocol):
    async def acquire(self, host: str, *, min_gap: float = 0.0) -> float:
        """Wait for a slot on ``host``; returns the seconds waited.

        ``min_gap`` is the host's own wish (robots.txt Crawl-delay); the larger of it
        and the configured gap applies. Raises ``HostPaused`` instead of waiting when the
        host asked for a long pause (``too_long_to_wait``).
        """
        ...

    async def release(self, host: str, *, pause: float = 0.0, sent_at: float | None = None) -> None:
        """Give the slot back; ``pause`` > 0 keeps the host untouched that long (Retry-After).

        ``sent_at`` (Unix time) is when the request really left, which a busy process may
        make later than the slot was granted: the next gap counts from then.
        """
        ...

    async def close(self) -> None:
        """The fetcher is done: give back what is held for other crawls."""
        ...


@dataclass
class _HostBook:
    in_flight: int = 0
    last_request: float = float("-inf")
    paused_until: float = float("-inf")  # Retry-After


class LocalPoliteness:
    """Politeness within one process and one event loop."""

    def __init__(self, per_host: int = 2, min_gap: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.per_host, self.min_gap, self.clock = max(1, per_host), max(0.0, min_gap), clock
        self._books: dict[str, _HostBook] = {}

    async def acquire(self, host: str, *, min_gap: float = 0.0) -> float:
        book = self._books.setdefault(host, _HostBook())
        gap = max(self.min_gap, min_gap)
        started = self.clock()
        while True:
            now = self.clock()
            not_before = max(book.paused_until, book.last_request + gap)
            if book.in_flight < self.per_host and now >= not_before:
                book.in_flight += 1
                book.last_request = now
                return now - started
            if too_long_to_wait(not_before - now, gap):
                raise HostPaused(host, not_before - now)
            wait = not_before - now if book.in_flight < self.per_host else 0.02
            await asyncio.sleep(max(wait, 0.001))

    async def release(self, host: str, *, pause: float = 0.0, sent_at: float | None = None) -> None:
        book = self._books.setdefault(host, _HostBook())
        book.in_flight = max(0, book.in_flight - 1)
        if sent_at is not None:  # the same instant on this object's clock
            book.last_request = max(book.last_request, self.clock() - max(0.0, time.time() - sent_at))
        if pause > 0:
            book.paused_until = max(book.paused_until, self.clock() + pause)

    async def close(self) -> None:
        pass


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), capped at a day."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
