"""Record a feed check on the Feed row: health, error class, and the next check with its reason.

The decisions are the pipeline's (``pipeline/polling.py``, ``pipeline/health.py``);
this module feeds them the database's facts (the feed's recent item times, how
many feeds share its host) and writes the outcome.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from khabar.news.models import Article
from khabar.pipeline.health import should_pause
from khabar.pipeline.polling import SIBLING_CHECK_AFTER, WINDOW, next_poll, next_retry, outlet_is_active
from khabar.pipeline.records import FeedRefresh
from khabar.sources.models import Feed

log = logging.getLogger("khabar.crawler")
MAX_ITEM_TIMES = 2000


def recent_item_times(feed: Feed, now) -> list:
    """Publication times of the feed's stored items in the polling window (newest first)."""
    return list(
        Article.objects.filter(feed_id=feed.pk, published_at__gte=now - WINDOW, published_at__lte=now)
        .order_by("-published_at")
        .values_list("published_at", flat=True)[:MAX_ITEM_TIMES]
    )


def feeds_on_host(feed: Feed) -> int:
    return Feed.objects.crawlable().filter(host=feed.host).count() or 1


def check_siblings_soon(feed: Feed, now) -> int:
    """The outlet is publishing now: its other feeds are checked within ``SIBLING_CHECK_AFTER`` seconds."""
    soon = now + timedelta(seconds=SIBLING_CHECK_AFTER)
    return (
        Feed.objects.crawlable()
        .filter(host=feed.host, claimed_at__isnull=True, next_check_at__gt=soon)
        .exclude(pk=feed.pk)
        .update(
            next_check_at=soon,
            next_check_reason=f"in {SIBLING_CHECK_AFTER:.0f} s: the outlet just published "
            f"(a fresh item in {feed.url[-80:]})"[:300],
        )
    )


def record_success(feed: Feed, refresh: FeedRefresh, new_items: int, now=None) -> None:
    now = now or timezone.now()
    fetched = refresh.fetch
    feed.claimed_at = None
    if new_items and outlet_is_active([r.published_at for r in refresh.records if r.published_at], now):
        try:
            check_siblings_soon(feed, now)
        except DatabaseError:  # an optimisation only: the siblings keep their own plan
            log.warning("could not bring the other feeds of %s forward", feed.host, exc_info=True)
    feed.etag, feed.last_modified = refresh.etag[:500], refresh.last_modified[:100]
    feed.last_checked_at = feed.last_success_at = now
    if fetched is not None:
        feed.last_fetch_seconds = round(fetched.elapsed, 3)
        feed.last_status = fetched.status or None
    feed.error_streak = 0
    feed.error_kind = feed.last_error = ""
    feed.failing_since = None
    feed.items_seen += new_items
    plan = next_poll(
        recent_item_times(feed, now),
        now,
        feeds_on_host=feeds_on_host(feed),
        fixed_interval=feed.check_interval,
        scale=settings.KHABAR_POLL_SCALE,
    )
    feed.next_check_at = now + timedelta(seconds=plan.seconds)
    feed.next_check_reason = plan.reason[:300]


def record_failure(feed: Feed, refresh: FeedRefresh, now=None) -> None:
    """Remember a failure with a readable message and its class; back off, or pause a feed failing too long."""
    now = now or timezone.now()
    fetched = refresh.fetch
    feed.claimed_at = None
    feed.last_checked_at = now
    feed.error_streak += 1
    feed.last_error = (refresh.error or "unknown error")[:2000]
    feed.error_kind = (refresh.error_kind or "")[:20]
    feed.last_error_at = now
    feed.last_status = (fetched.status or None) if fetched is not None else None
    if feed.failing_since is None:
        feed.failing_since = now
    pause_after = timedelta(seconds=settings.KHABAR_PAUSE_FAILING_AFTER)
    if should_pause(feed.failing_since, now, pause_after):
        feed.paused_at = now
        feed.next_check_reason = (
            f"paused: failing since {feed.failing_since:%Y-%m-%d %H:%M} UTC ({feed.error_kind or 'error'}), "
            f"longer than {pause_after}; resume it in the admin"
        )[:300]
        return
    plan = next_retry(
        feed.error_streak, error_kind=feed.error_kind, retry_after=fetched.retry_after if fetched else None
    )
    feed.next_check_at = now + timedelta(seconds=plan.seconds)
    feed.next_check_reason = plan.reason[:300]
