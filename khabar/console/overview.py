"""The overview page's figures: articles per hour, outlets' health, workers, queue, freshness, errors."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from datetime import timezone as dt_timezone

from django.db.models import Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncHour
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from khabar.console.charts import bar_chart
from khabar.console.health import outlet_statuses
from khabar.crawler.recovery import DEAD_AFTER
from khabar.news.models import Article
from khabar.pipeline.dates import format_jalali
from khabar.sources.models import CrawlerProcess, Feed, Source

CHART_HOURS = 48
FRESHNESS_WINDOW = timedelta(hours=24)
LATEST_ERRORS = 10


def articles_per_hour(now, hours: int = CHART_HOURS):
    start = (now - timedelta(hours=hours - 1)).replace(minute=0, second=0, microsecond=0)
    rows = (
        Article.objects.filter(fetched_at__gte=start)
        .annotate(hour=TruncHour("fetched_at", tzinfo=dt_timezone.utc))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["hour"]: row["n"] for row in rows}
    slots = [start + timedelta(hours=i) for i in range(hours)]
    return bar_chart(
        "خبرهای ذخیره‌شده در هر ساعت، ۴۸ ساعت گذشته",
        [(format_jalali(slot), counts.get(slot, 0)) for slot in slots],
        unit="خبر",
    )


def freshness(now) -> dict:
    """Publication → stored lag of the last 24 hours' articles: p50 and p95 (three queries)."""
    lag = ExpressionWrapper(F("fetched_at") - F("published_at"), output_field=DurationField())
    qs = Article.objects.filter(fetched_at__gte=now - FRESHNESS_WINDOW, published_at__lte=F("fetched_at"))
    total = qs.count()
    if not total:
        return {"count": 0}
    ordered = qs.annotate(lag=lag).order_by("lag").values_list("lag", flat=True)

    def at(q: float) -> timedelta:
        return ordered[min(total - 1, int(q * (total - 1) + 0.5))]

    return {"count": total, "p50": at(0.5), "p95": at(0.95)}


def overview(now=None) -> dict:
    now = now or timezone.now()
    statuses = outlet_statuses()
    counted = Counter(statuses.values())
    sources = Source.objects.filter(active=True).count()
    return {
        "hourly": articles_per_hour(now),
        "outlets": {
            "total": sources,
            "ok": counted["ok"] + counted["new"],
            "slow": counted["slow"],
            "failing": counted["failing"],
            "paused": counted["paused"],
        },
        "workers": list(CrawlerProcess.objects.filter(heartbeat_at__gte=now - DEAD_AFTER).order_by("name")),
        "queue": DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "freshness": freshness(now),
        "errors": list(
            Feed.objects.filter(error_streak__gt=0)
            .select_related("source")
            .order_by("-last_error_at", "-id")[:LATEST_ERRORS]
        ),
        "stored_24h": Article.objects.filter(fetched_at__gte=now - timedelta(hours=24)).count(),
    }
