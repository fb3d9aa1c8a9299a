"""The recipe: the whole path of a news item, for one feed or a batch of feeds.

Read ``refresh_feeds`` top to bottom to see how Khabar works (it is what
Miniflux's ``RefreshFeed`` is to Miniflux): fetch and parse the feeds, skip the
items already stored, fetch and extract the new items' pages, normalize, store,
then record each feed's health and next check time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from khabar.news.signals import articles_stored
from khabar.news.storage import known_urls, store_articles
from khabar.pipeline.collect import FeedRequest, build_all_records, canonical_url, fetch_feeds
from khabar.pipeline.fetch import Fetcher, FetchPolicy
from khabar.sources.models import Feed

log = logging.getLogger("khabar.crawler")


@dataclass
class FeedReport:
    feed_id: int
    feed_url: str
    source: str
    fetched: bool = False
    not_modified: bool = False
    items: int = 0
    new: int = 0
    error: str | None = None
    item_errors: list[str] = field(default_factory=list)


def announce_stored(article_ids: list[int]) -> None:
    """Tell the steps after storage (search, stories) about new articles; their failures are logged only."""
    for receiver, response in articles_stored.send_robust(sender=Feed, article_ids=article_ids):
        if isinstance(response, Exception):
            log.error("after storing %d article(s), %s failed: %r", len(article_ids), getattr(receiver, "__qualname__", receiver), response)


def fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.KHABAR_USER_AGENT,
        timeout=settings.KHABAR_FETCH_TIMEOUT,
        max_bytes=settings.KHABAR_MAX_RESPONSE_BYTES,
        per_host=settings.KHABAR_PER_HOST_CONNECTIONS,
        allow_private=settings.KHABAR_ALLOW_PRIVATE_ADDRESSES,
    )


def refresh_feed(feed_id: int) -> FeedReport:
    """Refresh one feed (what the task queue runs)."""
    feed = Feed.objects.select_related("source").get(pk=feed_id)
    return refresh_feeds([feed])[0]


def refresh_feeds(feeds: list[Feed]) -> list[FeedReport]:
    reports = [FeedReport(feed.pk, feed.url, feed.source.name) for feed in feeds]
    with asyncio.Runner() as loop:
        fetcher = Fetcher(fetch_policy())
        loop.run(fetcher.__aenter__())
        try:
            # 1. Fetch and parse every feed at once (conditional GET, per-host limits).
            requests = [FeedRequest(feed.url, feed.etag, feed.last_modified) for feed in feeds]
            refreshes = loop.run(fetch_feeds(fetcher, requests))

            # 2. Keep only the items we have not stored yet.
            for refresh, report in zip(refreshes, reports):
                report.fetched = refresh.fetch is not None and refresh.fetch.status != 0
                report.not_modified = refresh.not_modified
                items = refresh.parsed.items if refresh.parsed and not refresh.error else []
                report.items = len(items)
                stored = known_urls([canonical_url(item.url) for item in items])
                refresh.new_items = [item for item in items if canonical_url(item.url) not in stored]

            # 3. Full text for the new items: fetch pages, extract, normalize, sanitize.
            loop.run(build_all_records(fetcher, refreshes))
        finally:
            loop.run(fetcher.__aexit__(None, None, None))

    # 4. Store, and 5. record each feed's health and next check.
    now = timezone.now()
    for feed, refresh, report in zip(feeds, refreshes, reports):
        report.item_errors = refresh.errors
        if refresh.error:
            report.error = refresh.error
            feed.record_error(refresh.error, now=now)
            log.warning("feed %s failed: %s", feed.url, refresh.error)
        else:
            if refresh.records:
                result = store_articles(feed.source_id, feed.pk, feed.category_id, refresh.records)
                report.new = result.new
                if result.new_ids:
                    announce_stored(result.new_ids)
            feed.record_success(etag=refresh.etag, last_modified=refresh.last_modified, new_items=report.new, now=now)
            if refresh.parsed and refresh.parsed.title and not feed.title:
                feed.title = refresh.parsed.title[:300]
        feed.save()
    return reports
