"""Record a feed check on the Feed row: health, error and failure class, and the next check with its reason.

The decisions are the pipeline's (``pipeline/polling.py``, ``pipeline/health.py``);
this module feeds them the database's facts (the feed's recent item times, how
many feeds share its host, whether anything of the host answered lately) and writes
the outcome. A feed whose address went wrong (``wrong_url``) or that is paused asks
for a rediscovery of its outlet (``healing.py``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from khabar.crawler.healing import request_discovery
from khabar.news.models import Article
from khabar.pipeline.dates import format_jalali
from khabar.pipeline.health import NETWORK_KINDS, failure_class, looks_like_html, should_pause
from khabar.pipeline.persian import to_persian_digits
from khabar.pipeline.polling import SIBLING_CHECK_AFTER, WINDOW, next_poll, next_retry, outlet_is_active
from khabar.pipeline.records import FeedRefresh
from khabar.sources.models import Feed, FeedCheck, RobotsFile

# Reasons of the next check that operators read (`khabar sources status`, the console), in Persian.
SIBLING_REASON = f"تا {to_persian_digits(round(SIBLING_CHECK_AFTER))} ثانیهٔ دیگر: رسانه همین حالا خبر تازه منتشر کرد"
PAUSED = "متوقف: خطادار"

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


# What ``record_success`` changes on a feed (written together by ``record_unchanged``).
SUCCESS_FIELDS = (
    "claimed_at",
    "etag",
    "last_modified",
    "last_checked_at",
    "last_success_at",
    "last_fetch_seconds",
    "last_status",
    "error_streak",
    "error_kind",
    "last_error",
    "failure_class",
    "failing_since",
    "items_seen",
    "next_check_at",
    "next_check_reason",
)


def record_unchanged(checked: list[tuple[Feed, FeedRefresh]], now=None) -> None:
    """Record many feeds that answered 304 at once: the facts their next checks need are read in two
    queries for them all, then the feeds written in one statement and their checks logged, in one
    transaction."""
    now = now or timezone.now()
    feeds = [feed for feed, _ in checked]
    times: dict[int, list] = defaultdict(list)
    rows = (
        Article.objects.filter(feed_id__in=[f.pk for f in feeds], published_at__gte=now - WINDOW, published_at__lte=now)
        .order_by("feed_id", "-published_at")
        .values_list("feed_id", "published_at")
    )
    for feed_id, published in rows:
        if len(times[feed_id]) < MAX_ITEM_TIMES:
            times[feed_id].append(published)
    hosts = {feed.host for feed in feeds}
    on_host = dict(
        Feed.objects.crawlable().filter(host__in=hosts).values("host").annotate(n=Count("id")).values_list("host", "n")
    )
    for feed, refresh in checked:
        record_success(feed, refresh, 0, now, item_times=times[feed.pk], on_host=on_host.get(feed.host, 1))
    with transaction.atomic():  # one commit (on PostgreSQL, one WAL flush) for the feeds and their checks
        write_fields(feeds, SUCCESS_FIELDS)
        log_checks([(feed, refresh, 0) for feed, refresh in checked], now)


def write_fields(feeds: list[Feed], names: tuple[str, ...]) -> None:
    """``UPDATE`` these fields of these feeds, one statement executed for them all. ``bulk_update``
    builds a CASE expression per field and row, which costs more than saving the feeds one by one."""
    connection = connections[Feed.objects.db]
    quote = connection.ops.quote_name
    fields = [Feed._meta.get_field(name) for name in names]
    columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Feed._meta.db_table)} SET {columns} WHERE {quote(Feed._meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(feed, field.attname), connection) for field in fields] + [feed.pk]
        for feed in feeds
    ]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def check_siblings_soon(feed: Feed, now) -> int:
    """The outlet is publishing now: its other feeds are checked within ``SIBLING_CHECK_AFTER`` seconds."""
    soon = now + timedelta(seconds=SIBLING_CHECK_AFTER)
    return (
        Feed.objects.crawlable()
        .filter(host=feed.host, claimed_at__isnull=True, next_check_at__gt=soon)
        .exclude(pk=feed.pk)
        .update(
            next_check_at=soon,
            next_check_reason=f"{SIBLING_REASON} ({feed.url[-80:]})"[:300],
        )
    )


def record_success(
    feed: Feed, refresh: FeedRefresh, new_items: int, now=None, *, item_times=None, on_host: int | None = None
) -> None:
    """Record a successful check on ``feed`` (not saved); ``item_times`` and ``on_host`` are read when not given."""
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
    feed.error_kind = feed.last_error = feed.failure_class = ""
    feed.failing_since = None
    feed.items_seen += new_items
    plan = next_poll(
        recent_item_times(feed, now) if item_times is None else item_times,
        now,
        feeds_on_host=feeds_on_host(feed) if on_host is None else on_host,
        fixed_interval=feed.check_interval,
        scale=settings.KHABAR_POLL_SCALE,
    )
    feed.next_check_at = now + timedelta(seconds=plan.seconds)
    feed.next_check_reason = plan.reason[:300]


def host_unreachable(feed: Feed) -> bool:
    """No address of the feed's host answers: its robots.txt could not be fetched either (a timeout or a
    reset: what a geographic block looks like), or every other feed of the host fails on the network since."""
    parts = urlsplit(feed.url)
    robots = RobotsFile.objects.filter(origin=f"{parts.scheme}://{parts.netloc.lower()}").first()
    if robots is not None and robots.status == 0 and robots.error_kind in NETWORK_KINDS:
        return True
    if robots is not None and robots.status and feed.failing_since and robots.fetched_at >= feed.failing_since:
        return False  # the host answered its robots.txt since this feed began to fail
    siblings = list(
        Feed.objects.filter(host=feed.host, active=True).exclude(pk=feed.pk).values_list("error_kind", flat=True)
    )
    return bool(siblings) and all(kind in NETWORK_KINDS for kind in siblings)


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
    feed.failure_class = failure_class(
        feed.error_kind,
        feed.last_status,
        html_answer=fetched is not None and looks_like_html(fetched.content_type, fetched.content[:512]),
        host_unreachable=feed.error_kind in NETWORK_KINDS and host_unreachable(feed),
    )
    if feed.failure_class == "wrong_url":
        request_discovery(feed.source_id, now)  # the outlet may have moved it: look from its homepage
    pause_after = timedelta(seconds=settings.KHABAR_PAUSE_FAILING_AFTER)
    if should_pause(feed.failing_since, now, pause_after):
        request_discovery(feed.source_id, now)  # paused: retried from the homepage, not only at this address
        feed.paused_at = now
        feed.next_check_reason = (
            f"{PAUSED} از {format_jalali(feed.failing_since)} ({feed.error_kind or 'خطا'})، بیش از "
            f"{to_persian_digits(round(pause_after.total_seconds() / 3600))} ساعت؛ هر روز از صفحهٔ اصلی "
            "دوباره جست‌وجو می‌شود، یا در میز کار از سر گرفته شود"
        )[:300]
        return
    plan = next_retry(
        feed.error_streak, error_kind=feed.error_kind, retry_after=fetched.retry_after if fetched else None
    )
    feed.next_check_at = now + timedelta(seconds=plan.seconds)
    feed.next_check_reason = plan.reason[:300]


def log_check(feed: Feed, refresh: FeedRefresh, new_items: int, now) -> None:
    """Keep this check in the feed's recent history (the last ``FeedCheck.KEEP``), for the console."""
    log_checks([(feed, refresh, new_items)], now)


def log_checks(checks: list[tuple[Feed, FeedRefresh, int]], now) -> None:
    """``log_check`` for many feeds: one insert, one delete."""
    rows = []
    for feed, refresh, new_items in checks:
        fetched = refresh.fetch
        rows.append(
            FeedCheck(
                feed_id=feed.pk,
                checked_at=now,
                status=(fetched.status or None) if fetched is not None else None,
                bytes=len(fetched.content) if fetched is not None else 0,
                seconds=round(fetched.elapsed, 3) if fetched is not None and fetched.status else None,
                new_items=new_items,
                not_modified=refresh.not_modified,
                error_kind=(refresh.error_kind or "")[:20] if refresh.error else "",
                error=(refresh.error or "")[:500],
            )
        )
    FeedCheck.objects.bulk_create(rows)
    # The checks after each feed's last KEEP, numbered in the database: one DELETE, no history read back.
    ranked = FeedCheck.objects.filter(feed_id__in={feed.pk for feed, _, _ in checks}).annotate(
        newer=Window(RowNumber(), partition_by=[F("feed_id")], order_by=F("id").desc())
    )
    FeedCheck.objects.filter(id__in=ranked.filter(newer__gt=FeedCheck.KEEP).values("id")).delete()
