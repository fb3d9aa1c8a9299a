"""Feed health and the crawler's address changes as plain rows: for `khabar sources status` and the console.

``failure_class`` says why a failing feed fails (``pipeline/health.py`` ``FAILURE_CLASSES``):
``failure_label`` in English, ``failure_label_fa`` in Persian for what readers and operators see.
"""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from khabar.pipeline.health import FAILURE_CLASSES
from khabar.sources.models import Feed, UrlChange

# Problems first: what an operator must look at comes at the top.
STATUS_ORDER = {"paused": 0, "failing": 1, "slow": 2, "new": 3, "ok": 4, "disabled": 5}

# What operators see, in Persian, in one place: the console and the command line (`reports.py`)
# use the same words. ``quiet`` and ``none`` are outlets' states (the console's ``health.py``).
STATUS_LABELS = {
    "ok": "سالم",
    "slow": "کند",
    "failing": "خطادار",
    "paused": "متوقف",
    "new": "تازه",
    "disabled": "خاموش",
    "quiet": "ساکت",
    "none": "بی‌خوراک",
}
# ``Feed.kind`` (``pipeline/records.py`` ``FEED_KINDS``).
KIND_LABELS = {"rss": "خوراک", "news_sitemap": "نقشهٔ خبری", "listing": "صفحهٔ فهرست"}
# ``Feed.error_kind`` (``pipeline/records.py`` ``ERROR_KINDS``, where each is explained in English).
ERROR_KIND_LABELS = {
    "dns": "نام‌یابی DNS",
    "tls": "دست‌دهی TLS",
    "timeout": "پایان مهلت",
    "connect": "خطای اتصال",
    "http": "خطای HTTP",
    "antibot": "دیوار ضدربات",
    "robots": "منع robots.txt",
    "parse": "خوراک ناخوانا",
    "too_large": "پاسخ بسیار بزرگ",
    "encoding": "فشرده‌سازی نادرست",
    "redirect": "حلقهٔ تغییر مسیر",
    "blocked": "نشانی غیرعمومی",
    "url": "نشانی نامعتبر",
    "content_type": "نوع محتوای نابجا",
    "internal": "خطای خزنده",
}


def feed_status_rows(now=None) -> list[dict]:
    """One dict per feed (plain values; datetimes are aware UTC), problems first."""
    now = now or timezone.now()
    rows = []
    for feed in Feed.objects.select_related("source", "category"):
        rows.append(
            {
                "feed_id": feed.pk,
                "source": feed.source.name,
                "source_slug": feed.source.slug,
                "url": feed.url,
                "kind": feed.kind,
                "host": feed.host,
                "category": feed.category.slug if feed.category else "",
                "status": feed.status,
                "error_kind": feed.error_kind,
                "failure_class": feed.failure_class,
                "failure_label": FAILURE_CLASSES.get(feed.failure_class, ("", ""))[0],
                "failure_label_fa": FAILURE_CLASSES.get(feed.failure_class, ("", ""))[1],
                "last_error": feed.last_error,
                "error_streak": feed.error_streak,
                "failing_since": feed.failing_since,
                "paused_at": feed.paused_at,
                "last_checked_at": feed.last_checked_at,
                "last_success_at": feed.last_success_at,
                "last_fetch_seconds": feed.last_fetch_seconds,
                "last_status": feed.last_status,
                "next_check_at": feed.next_check_at,
                "next_check_in_seconds": (feed.next_check_at - now).total_seconds() if not feed.paused_at else None,
                "next_check_reason": feed.next_check_reason,
                "check_interval": feed.check_interval,
                "items_seen": feed.items_seen,
            }
        )
    rows.sort(key=lambda r: (STATUS_ORDER.get(r["status"], 9), r["source"], r["url"]))
    return rows


def url_change_rows(limit: int = 50) -> list[dict]:
    """The latest address changes made by the crawler (moved feeds, replaced feeds, moved homepages), newest first."""
    return [
        {
            "source": change.source.name,
            "source_slug": change.source.slug,
            "feed_id": change.feed_id,
            "what": change.what,
            "old_url": change.old_url,
            "new_url": change.new_url,
            "reason": change.reason,
            "changed_at": change.changed_at,
        }
        for change in UrlChange.objects.select_related("source")[:limit]
    ]


def status_counts(rows: list[dict]) -> dict[str, int]:
    return dict(Counter(row["status"] for row in rows))
