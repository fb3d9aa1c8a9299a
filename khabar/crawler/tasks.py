"""Work run through Django's Tasks API (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from khabar.crawler.discovery import rediscover_sources
from khabar.crawler.refresh import refresh_feed_ids

CRAWL_QUEUE = "crawl"


@task(queue_name=CRAWL_QUEUE)
def refresh_feeds_task(feed_ids: list[int]) -> dict:
    """Refresh a batch of feeds; the result row keeps a short summary for operators."""
    reports = refresh_feed_ids(feed_ids)
    return {
        "feeds": len(reports),
        "new": sum(r.new for r in reports),
        "failed": {r.feed_url: f"{r.error_kind}: {r.error}"[:200] for r in reports if r.error},
        "item_errors": sum(len(r.item_errors) for r in reports),
    }


@task(queue_name=CRAWL_QUEUE)
def discover_sources_task(source_ids: list[int]) -> dict:
    """(Re)discover outlets from their homepages and heal their feeds (``crawler/discovery.py``)."""
    return {str(source_id): notes for source_id, notes in rediscover_sources(source_ids).items()}
