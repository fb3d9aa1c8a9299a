"""The recipe: the whole path of a news item, for one feed or a batch of feeds.

Read ``refresh_one`` top to bottom to see how Khabar works (it is what
Miniflux's ``RefreshFeed`` is to Miniflux): fetch and read the feed, skip the
items already stored, fetch and extract the new items' pages, normalize, store,
then record the feed's health and plan its next check, and heal what moved.
A "feed" here is whatever is crawled of an outlet (``Feed.kind``): an RSS/Atom/RDF
feed, a Google News sitemap, or a listing page (homepage or section page) whose
article links are the items, each kept only if its page is an article.
``refresh_feeds`` runs it for many feeds at once: each is stored as soon as it is done.

Fetching is asynchronous and polite (``egress.py``: robots.txt, and per-host
limits shared by every worker through the database). Django's ORM is
synchronous: the crawl runs under asgiref's ``async_to_sync`` and each database
call is ``sync_to_async`` (thread-sensitive), so it runs on the calling thread,
with its connection and transaction, one at a time, while fetching goes on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync, sync_to_async
from django.utils import timezone

from khabar.crawler.article_images import fetch_article_images
from khabar.crawler.egress import polite_fetcher
from khabar.crawler.feed_health import log_check, record_failure, record_success, record_unchanged
from khabar.crawler.healing import follow_permanent_redirect
from khabar.crawler.learned import feed_request, remember_non_articles, unstored_items
from khabar.news.signals import articles_stored, send_logged
from khabar.news.storage import store_articles
from khabar.pipeline.collect import build_records, fetch_feed
from khabar.pipeline.fetch import Fetcher
from khabar.pipeline.records import FeedRefresh
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
    deferred: int = 0  # new items to retry at the next check (their page failed for now, or too many at once)
    not_articles: int = 0  # pages a listing linked that were not articles (remembered, never stored)
    error: str | None = None
    error_kind: str | None = None
    item_errors: list[str] = field(default_factory=list)


def announce_stored(article_ids: list[int]) -> None:
    """Tell the steps after storage (search, stories) about new articles; their failures are logged only."""
    send_logged(articles_stored, Feed, log, f"after storing {len(article_ids)} article(s)", article_ids=article_ids)


def refresh_feed_ids(feed_ids: list[int]) -> list[FeedReport]:
    """Refresh a batch of feeds (what the task queue runs); feeds deleted, paused or turned off since are skipped."""
    feeds = Feed.objects.crawlable().select_related("source").filter(pk__in=feed_ids)
    return refresh_feeds(list(feeds)) if feed_ids else []


def refresh_feeds(feeds: list[Feed]) -> list[FeedReport]:
    for feed in feeds:
        feed.source  # noqa: B018 - loaded here: the crawl thread must not touch the database
    return async_to_sync(refresh_all)(feeds) if feeds else []


async def refresh_all(feeds: list[Feed]) -> list[FeedReport]:
    unchanged: list[tuple[Feed, FeedRefresh]] = []  # answered 304: recorded together at the end
    async with polite_fetcher() as fetcher:
        outcomes = await asyncio.gather(
            *(refresh_one(fetcher, feed, unchanged) for feed in feeds), return_exceptions=True
        )
    if unchanged:
        try:
            await sync_to_async(record_unchanged)(unchanged)
        except Exception as exc:  # the feeds stay claimed; their next check comes when the claim runs out
            log.error("recording %d unchanged feed(s) failed: %r", len(unchanged), exc, exc_info=exc)
            failed = {feed.pk for feed, _ in unchanged}
            outcomes = [exc if feed.pk in failed else outcome for feed, outcome in zip(feeds, outcomes)]
    reports = []
    for feed, outcome in zip(feeds, outcomes):
        if isinstance(outcome, BaseException):  # a bug or a database failure: the other feeds go on
            log.error("refreshing %s failed: %r", feed.url, outcome, exc_info=outcome)
            outcome = FeedReport(
                feed.pk, feed.url, feed.source.name, error=f"crawler error: {outcome!r}"[:500], error_kind="internal"
            )
        reports.append(outcome)
    return reports


async def refresh_one(
    fetcher: Fetcher, feed: Feed, unchanged: list[tuple[Feed, FeedRefresh]] | None = None
) -> FeedReport:
    report = FeedReport(feed.pk, feed.url, feed.source.name)

    # 1. Fetch and read the items (robots.txt, politeness, conditional GET: a 304 is not read): a feed's
    #    entries, a news sitemap's news:news entries, or a listing page's article links, told apart with
    #    what the outlet's pages taught us (its stored articles, its pages that were not articles).
    request = await sync_to_async(feed_request)(feed) if feed.kind == "listing" else feed_request(feed)  # no query
    refresh = await fetch_feed(fetcher, request)

    # 2. Keep only the items we have not stored yet (also under the outlet's old host after a move);
    #    from a sitemap or listing page, at most MAX_NEW_PAGES now, the rest at the next check.
    if refresh.parsed and refresh.parsed.items and not refresh.error:
        refresh.new_items, refresh.deferred = await sync_to_async(unstored_items)(feed, refresh)

    # 3. Full text for the new items: fetch pages, extract, normalize, sanitize. A page a listing
    #    linked is kept only if it is an article (og:type=article, Article JSON-LD, a publication time).
    if refresh.new_items:
        await build_records(fetcher, refresh, refresh.new_items)

    # 4. Store; 5. record the health (with the failure's class) and the next check; 6. heal: a feed
    #    that moved permanently (301/308) follows; a wrong address asks for a rediscovery (healing.py).
    #    A feed that answered 304 at its own address is recorded with the batch's others (``unchanged``).
    if unchanged is not None and is_unchanged(feed, refresh):
        fill_report(refresh, report)
        unchanged.append((feed, refresh))
    else:
        new_ids = await sync_to_async(store_and_record)(feed, refresh, report)
        # 7. Tell search, stories and the page cache about the new articles: readers see them now;
        # 8. then fetch their images, so that readers are served stored ones only (each stored
        #     image refreshes the cached pages); an image never holds back its article.
        if new_ids:
            await sync_to_async(announce_stored)(new_ids)
            await fetch_article_images(fetcher, new_ids)
    return report


def is_unchanged(feed: Feed, refresh: FeedRefresh) -> bool:
    fetched = refresh.fetch
    return (
        refresh.not_modified
        and not refresh.error
        and not refresh.errors
        and not refresh.non_articles
        and fetched is not None
        and not fetched.redirects
        and fetched.final_url == feed.url
    )


def fill_report(refresh: FeedRefresh, report: FeedReport) -> None:
    report.fetched = refresh.fetch is not None and refresh.fetch.status != 0
    report.not_modified = refresh.not_modified
    report.items = len(refresh.parsed.items) if refresh.parsed and not refresh.error else 0
    report.item_errors, report.deferred = refresh.errors, refresh.deferred
    report.not_articles = len(refresh.non_articles)


def store_and_record(feed: Feed, refresh: FeedRefresh, report: FeedReport) -> list[int]:
    """Store the new articles and record the feed's health; the new articles' ids."""
    new_ids: list[int] = []
    now = timezone.now()
    fill_report(refresh, report)
    if refresh.non_articles:
        remember_non_articles(feed.source_id, refresh.non_articles)
    if refresh.error:
        report.error, report.error_kind = refresh.error, refresh.error_kind
        record_failure(feed, refresh, now)
        log.warning("feed %s failed (%s): %s", feed.url, refresh.error_kind or "error", refresh.error)
    else:
        if refresh.records:
            result = store_articles(feed.source_id, feed.pk, feed.category_id, refresh.records)
            report.new, new_ids = result.new, list(result.new_ids)
        record_success(feed, refresh, report.new, now)
        if refresh.parsed and refresh.parsed.title and not feed.title:
            feed.title = refresh.parsed.title[:300]
        follow_permanent_redirect(feed, refresh, now)
    feed.save()
    log_check(feed, refresh, report.new, now)
    return new_ids
