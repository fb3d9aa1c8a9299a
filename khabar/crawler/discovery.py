"""Discovery of outlets from their homepages, for the command line, the console and the scheduler.

* ``discover_outlet(url)`` -> ``DiscoveryReport`` (``khabar.pipeline.discovery``): what can be
  crawled of the outlet at ``url``, verified, with samples and a plan. Nothing is stored;
  ``khabar.sources.catalog.register_discovered(report, name=…, category=…)`` stores the plan.
  ``khabar sources discover URL`` prints it; ``khabar sources add URL`` prints and stores it.
* Rediscovery, run by the task workers (``discover_sources_task``), heals outlets
  (``healing.heal_source``). The scheduler queues it (``schedule.enqueue_due_discoveries``) for an
  outlet whose feed went wrong or moved host (``Source.discovery_requested_at``; at most
  every ``REQUESTED_GAP``), and once a day (``PERIODIC_GAP``) for an outlet with no feed at all
  or with a paused feed: a paused outlet is retried from its homepage, not only at its old
  addresses. An outlet of a catalogue with no feed listed is discovered at once. Feeds an
  operator turned off are left alone (turn the Source off to stop an outlet).

Every request goes through the crawler's fetcher (``egress.py``): robots.txt and politeness.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from khabar.crawler.egress import polite_fetcher
from khabar.crawler.healing import heal_source
from khabar.pipeline.discovery import DiscoveryReport, discover_site
from khabar.sources.models import Feed, Source

log = logging.getLogger("khabar.crawler")
REQUESTED_GAP = timedelta(minutes=10)
PERIODIC_GAP = timedelta(days=1)
BATCH = 10


def discover_outlet(url: str) -> DiscoveryReport:
    """Everything crawlable of the outlet at ``url`` (a homepage, a feed or a sitemap), verified; stores nothing."""

    async def run() -> DiscoveryReport:
        async with polite_fetcher() as fetcher:
            return await discover_site(fetcher, url)

    return async_to_sync(run)()


def due_discoveries(now=None):
    """Active outlets with a homepage whose (re)discovery is due."""
    now = now or timezone.now()
    any_feed = Exists(Feed.objects.filter(source=OuterRef("pk")))
    paused = Exists(Feed.objects.filter(source=OuterRef("pk"), active=True, paused_at__isnull=False))
    never = Q(discovered_at__isnull=True)
    requested = Q(discovery_requested_at__isnull=False) & (never | Q(discovered_at__lte=now - REQUESTED_GAP))
    periodic = (never | Q(discovered_at__lte=now - PERIODIC_GAP)) & (~Q(any_feed) | Q(paused))
    return Source.objects.filter(active=True).exclude(homepage="").filter(requested | periodic).order_by("pk")


def claim_due_discoveries(now=None, limit: int = BATCH) -> list[int]:
    """Ids of due outlets, marked as being discovered now (no other scheduler takes them)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(due_discoveries(now).select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        Source.objects.filter(pk__in=ids).update(discovered_at=now, discovery_requested_at=None)
    return ids


def rediscover_sources(source_ids: list[int]) -> dict[int, list[str]]:
    """Discover each outlet again from its homepage and heal it (``healing.heal_source``): outlet id -> notes."""
    sources = list(Source.objects.filter(pk__in=source_ids, active=True).exclude(homepage=""))
    if not sources:
        return {}

    async def run() -> list[DiscoveryReport | BaseException]:
        async with polite_fetcher() as fetcher:
            return await asyncio.gather(
                *(discover_site(fetcher, source.homepage) for source in sources), return_exceptions=True
            )

    outcomes = async_to_sync(run)()
    notes: dict[int, list[str]] = {}
    for source, report in zip(sources, outcomes):
        if isinstance(report, BaseException):  # a bug: this outlet's turn is lost, not the others'
            log.error("discovering %s failed", source.homepage, exc_info=report)
            notes[source.pk] = [f"discovery failed: {report!r}"[:300]]
        else:
            notes[source.pk] = heal_source(source, report)
        Source.objects.filter(pk=source.pk).update(
            discovered_at=timezone.now(), discovery_note="; ".join(notes[source.pk])[:500]
        )
    return notes
