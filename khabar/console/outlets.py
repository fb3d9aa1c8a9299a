"""The queries behind the console's sources list and outlet page. Each is a fixed number of queries,
whatever the number of outlets, feeds or articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.db.models import Count, Q
from django.utils import timezone

from khabar.console.charts import Chart, bar_chart, line_chart, sparkline
from khabar.console.health import SPARK_DAYS, daily_counts, is_quiet, last_item_times, outlet_statuses
from khabar.news.models import Article
from khabar.pipeline.dates import format_jalali, format_jalali_date
from khabar.sources.models import Feed, FeedCheck, Source, UrlChange

FILTERS = {"failing": "خطادار", "paused": "متوقف", "quiet": "ساکت"}
RECENT_ARTICLES = 20
LAST_POLLS = 50


@dataclass
class OutletRow:
    source: Source
    status: str
    quiet: bool
    per_day: list[int]
    spark: Chart
    last_item_at: object = None
    feeds: int = 0


def outlet_rows(*, query: str = "", show: str = "", now=None) -> list[OutletRow]:
    """Every outlet (filtered by name and by ``show``: failing / paused / quiet), problems first. Five queries."""
    now = now or timezone.now()
    sources = Source.objects.annotate(feed_count=Count("feeds")).order_by("name")
    if query:
        sources = sources.filter(Q(name__icontains=query) | Q(slug__icontains=query) | Q(homepage__icontains=query))
    sources = list(sources)
    ids = [s.pk for s in sources] if query else None
    statuses = outlet_statuses(ids)
    counts = daily_counts(ids, now)
    last = last_item_times(ids)
    first_day = (now - timedelta(days=SPARK_DAYS - 1)).date()
    labels = [format_jalali_date_of(first_day + timedelta(days=i)) for i in range(SPARK_DAYS)]
    rows = []
    for source in sources:
        per_day = counts.get(source.pk, [0] * SPARK_DAYS)
        status = statuses.get(source.pk, "none")
        quiet = status not in ("paused", "disabled", "none") and is_quiet(last.get(source.pk), per_day, now)
        row = OutletRow(
            source=source,
            status=status,
            quiet=quiet,
            per_day=per_day,
            spark=sparkline(f"خبرهای {source.name} در ۱۴ روز", list(zip(labels, per_day))),
            last_item_at=last.get(source.pk),
            feeds=source.feed_count,
        )
        if show == "failing" and status != "failing":
            continue
        if show == "paused" and status != "paused":
            continue
        if show == "quiet" and not quiet:
            continue
        rows.append(row)
    order = {"paused": 0, "failing": 1, "slow": 2}
    rows.sort(key=lambda r: (order.get(r.status, 3 if not r.quiet else 2.5), r.source.name))
    return rows


def format_jalali_date_of(day) -> str:
    return format_jalali_date(datetime.combine(day, time(12), tzinfo=dt_timezone.utc))


@dataclass
class OutletPage:
    source: Source
    feeds: list[Feed]
    polls: list[FeedCheck]
    response_chart: Chart
    articles: list[Article]
    url_changes: list[UrlChange]
    status: str
    daily_chart: Chart | None = None


def outlet_page(source: Source, now=None) -> OutletPage:
    now = now or timezone.now()
    feeds = list(source.feeds.select_related("category").order_by("kind", "url"))
    polls = list(
        FeedCheck.objects.filter(feed__source=source).select_related("feed").order_by("-checked_at", "-id")[:LAST_POLLS]
    )
    timed = [p for p in reversed(polls) if p.seconds is not None]
    response_chart = line_chart(
        "زمان پاسخ در بررسی‌های اخیر (ثانیه)", [(format_jalali(p.checked_at), p.seconds) for p in timed], unit="ثانیه"
    )
    articles = list(
        Article.objects.filter(source=source)
        .select_related("category")
        .defer("body_html", "body_text", "minhash")
        .order_by("-published_at", "-id")[:RECENT_ARTICLES]
    )
    statuses = outlet_statuses([source.pk])
    per_day = daily_counts([source.pk], now).get(source.pk, [0] * SPARK_DAYS)
    first_day = (now - timedelta(days=SPARK_DAYS - 1)).date()
    days = [format_jalali_date_of(first_day + timedelta(days=i)) for i in range(SPARK_DAYS)]
    return OutletPage(
        source=source,
        feeds=feeds,
        polls=polls,
        response_chart=response_chart,
        articles=articles,
        url_changes=list(source.url_changes.all()[:50]),
        status=statuses.get(source.pk, "none"),
        daily_chart=bar_chart("خبرهای ذخیره‌شده در هر روز، ۱۴ روز گذشته", list(zip(days, per_day)), unit="خبر"),
    )
