"""The way out to the web for Django code: every outbound request goes through the crawler's ``Fetcher``.

``polite_fetcher()`` is a ``Fetcher`` (``pipeline/fetch.py``: address guard checked at
connect time, size caps on decoded bytes while streaming, read and total deadlines,
redirects checked hop by hop) configured from settings, whose robots.txt and per-host
politeness are shared with every worker through the database (``hosts.py``). Feed
refreshes use it from asyncio (``refresh.py``); synchronous callers (the image proxy's
view, the homepage reader) call ``fetch_politely``, which runs the fetches concurrently
and returns when all are done, their database calls on the calling thread (asgiref).
"""

from __future__ import annotations

import asyncio
import dataclasses

from asgiref.sync import async_to_sync
from django.conf import settings

from khabar.crawler.hosts import DatabasePoliteness, DatabaseRobotsCache
from khabar.crawler.recovery import this_process_name
from khabar.pipeline.fetch import Fetcher, FetchPolicy
from khabar.pipeline.records import FetchResult


def fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.KHABAR_USER_AGENT,
        timeout=settings.KHABAR_FETCH_TIMEOUT,
        max_bytes=settings.KHABAR_MAX_RESPONSE_BYTES,
        per_host=settings.KHABAR_PER_HOST_CONNECTIONS,
        min_gap=settings.KHABAR_HOST_MIN_GAP,
        allow_private=settings.KHABAR_ALLOW_PRIVATE_ADDRESSES,
    )


def polite_fetcher(policy: FetchPolicy | None = None) -> Fetcher:
    """A Fetcher sharing robots.txt and per-host limits with every other worker (through the database)."""
    policy = policy or fetch_policy()
    politeness = DatabasePoliteness(
        per_host=policy.per_host, min_gap=policy.min_gap, holder=this_process_name(), lease=policy.total + 30
    )
    return Fetcher(policy, politeness=politeness, robots_cache=DatabaseRobotsCache())


def fetch_politely(urls: list[str], *, timeout: float | None = None, **fetch_options) -> list[FetchResult]:
    """``Fetcher.fetch`` each URL (concurrently), from synchronous code; one result per URL, in order.

    ``timeout`` shortens the read timeout (and with it the total deadline, twice as long) for a
    caller that cannot wait as long as a crawl, e.g. a reader waiting for an image.
    """
    policy = fetch_policy()
    if timeout is not None:
        policy = dataclasses.replace(policy, timeout=min(timeout, policy.timeout))

    async def fetch_all() -> list[FetchResult]:
        async with polite_fetcher(policy) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(url, **fetch_options) for url in urls)))

    return async_to_sync(fetch_all)() if urls else []
