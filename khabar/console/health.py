"""Outlets' health from their feeds' (``Feed.status``), and whether an outlet went quiet.

One query for every feed's health fields; an outlet's status is its worst crawlable feed's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from khabar.crawler.status import STATUS_ORDER
from khabar.news.models import Article
from khabar.sources.models import Feed, Source

HEALTH_FIELDS = (
    "id",
    "source_id",
    "active",
    "paused_at",
    "error_streak",
    "last_success_at",
    "last_fetch_seconds",
    "failure_class",
)
SPARK_DAYS = 14
QUIET_FLOOR = timedelta(hours=6)  # never "quiet" sooner than this
QUIET_FACTOR = 3  # … or than three usual gaps between two items


def outlet_statuses(source_ids=None) -> dict[int, str]:
    """source id → the worst status of its feeds (disabled feeds count only when all are);
    an outlet turned off (``Source.active``, the console's «توقف») is paused. Two queries."""
    feeds = Feed.objects.only(*HEALTH_FIELDS)
    stopped = Source.objects.filter(active=False)
    if source_ids is not None:
        feeds = feeds.filter(source_id__in=source_ids)
        stopped = stopped.filter(pk__in=source_ids)
    by_source: dict[int, list[str]] = defaultdict(list)
    for feed in feeds:
        by_source[feed.source_id].append(feed.status)
    result = {}
    for source_id, statuses in by_source.items():
        live = [s for s in statuses if s != "disabled"] or statuses
        result[source_id] = min(live, key=lambda s: STATUS_ORDER.get(s, 9))
    for source_id in stopped.values_list("pk", flat=True):
        result[source_id] = "paused"
    return result


def daily_counts(source_ids=None, now=None, days: int = SPARK_DAYS) -> dict[int, list[int]]:
    """source id → articles stored per day over the last ``days`` days, oldest first (one query)."""
    now = now or timezone.now()
    first = (now - timedelta(days=days - 1)).date()
    qs = Article.objects.filter(fetched_at__date__gte=first)
    if source_ids is not None:
        qs = qs.filter(source_id__in=source_ids)
    rows = qs.annotate(day=TruncDate("fetched_at")).values("source_id", "day").annotate(n=Count("id")).order_by()
    result: dict[int, list[int]] = defaultdict(lambda: [0] * days)
    for row in rows:
        index = (row["day"] - first).days
        if 0 <= index < days:
            result[row["source_id"]][index] = row["n"]
    return result


def last_item_times(source_ids=None) -> dict[int, object]:
    qs = Article.objects.all()
    if source_ids is not None:
        qs = qs.filter(source_id__in=source_ids)
    return dict(qs.values("source_id").annotate(last=Max("fetched_at")).order_by().values_list("source_id", "last"))


def is_quiet(last_item_at, per_day: list[int], now) -> bool:
    """No new item for longer than the outlet's usual rhythm (3 × its mean gap over 14 days, at least 6 h)."""
    total = sum(per_day)
    if last_item_at is None or total == 0:
        return last_item_at is not None  # items once, none in 14 days
    usual_gap = timedelta(days=len(per_day)) / total
    return now - last_item_at > max(QUIET_FLOOR, QUIET_FACTOR * usual_gap)
