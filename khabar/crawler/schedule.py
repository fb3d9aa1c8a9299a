"""Which feeds to crawl now: a database query, the Miniflux way.

``enqueue_due_feeds`` claims the due feeds (moving their ``next_check_at`` a
lease ahead, so no other scheduler takes them) and enqueues them in the same
transaction, as tasks of up to ``BATCH_SIZE`` feeds of different hosts (a task
refreshes its feeds concurrently; per-host politeness is shared through the
database). On PostgreSQL several schedulers may run at once:
``SELECT … FOR UPDATE SKIP LOCKED`` hands each feed to one of them. If a worker
dies mid-task, ``recovery.recover_lost_work`` makes its feeds due again (at the
latest, the lease runs out). Paused feeds are never due: their outlet is rediscovered instead
(``enqueue_due_discoveries``, ``discovery.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from itertools import zip_longest

from django.db import transaction
from django.utils import timezone

from khabar.crawler.discovery import claim_due_discoveries
from khabar.sources.models import Feed

LEASE = timedelta(minutes=10)
MAX_PER_TICK = 200
MAX_PER_HOST_PER_TICK = 4
BATCH_SIZE = 20


def interleave_by_host(feeds: list[Feed], per_host: int = MAX_PER_HOST_PER_TICK) -> list[Feed]:
    """Round-robin over hosts (so every outlet gets its turn early), at most ``per_host`` each."""
    by_host: OrderedDict[str, list[Feed]] = OrderedDict()
    for feed in feeds:
        by_host.setdefault(feed.host, []).append(feed)
    rounds = zip_longest(*(group[:per_host] for group in by_host.values()))
    return [feed for row in rounds for feed in row if feed is not None]


def claim_due_feeds(now=None, limit: int = MAX_PER_TICK) -> list[Feed]:
    """Due feeds, claimed for ``LEASE``. Call inside a transaction."""
    now = now or timezone.now()
    due = list(
        Feed.objects.due(now).select_related("source").select_for_update(skip_locked=True, of=("self",))[: limit * 4]
    )
    chosen = interleave_by_host(due)[:limit]
    Feed.objects.filter(pk__in=[feed.pk for feed in chosen]).update(next_check_at=now + LEASE, claimed_at=now)
    return chosen


def enqueue_due_feeds(now=None, limit: int = MAX_PER_TICK, batch_size: int = BATCH_SIZE) -> int:
    """Enqueue refresh tasks for every due feed; returns how many feeds."""
    from khabar.crawler.tasks import refresh_feeds_task

    with transaction.atomic():
        feeds = claim_due_feeds(now, limit)  # interleaved by host: a batch mixes hosts
        for start in range(0, len(feeds), batch_size):
            refresh_feeds_task.enqueue([feed.pk for feed in feeds[start : start + batch_size]])
    return len(feeds)


def enqueue_due_discoveries(now=None) -> int:
    """Queue the due (re)discoveries of outlets as one task (``discovery.py``); returns how many outlets."""
    from khabar.crawler.tasks import discover_sources_task

    with transaction.atomic():
        ids = claim_due_discoveries(now)
        if ids:
            discover_sources_task.enqueue(ids)
    return len(ids)
