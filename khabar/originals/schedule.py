"""When each original is fetched again: a decaying schedule, claimed by a database query.

An article is re-checked at each of ``KHABAR_ORIGINALS_RECHECK_AFTER`` after its publication
(1 h, 6 h, 24 h and 7 days by default); an article of one of the ``KHABAR_ORIGINALS_TOP_STORIES``
highest-ranked stories also every ``KHABAR_ORIGINALS_TOP_EVERY`` during its first day. A page
first seen gone is checked again ``KHABAR_REMOVAL_CONFIRM_AFTER`` later; a re-check that proved
nothing (timeout, 5xx) is tried again later, never taken for a removal.

``claim_due`` moves the due watches' ``next_check_at`` a lease ahead (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, like the feeds), at most ``KHABAR_ORIGINALS_HOST_BUDGET`` per outlet per
hour (counted from ``last_checked_at``), so re-checks never crowd out an outlet's new items: they
also run as low-priority tasks behind the feed refreshes, through the same per-host politeness.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from khabar.news.models import Article
from khabar.originals.models import OriginalWatch

LEASE = timedelta(minutes=10)
MAX_PER_TICK = 100
BATCH_SIZE = 10
FAILURE_RETRY = timedelta(minutes=30)
FIRST_DAY = timedelta(days=1)


def recheck_offsets() -> list[timedelta]:
    return sorted(timedelta(seconds=s) for s in settings.KHABAR_ORIGINALS_RECHECK_AFTER)


def next_scheduled(published_at: datetime, after: datetime, *, top: bool = False) -> datetime | None:
    """The first re-check of the schedule later than ``after`` (None: the schedule is over)."""
    times = [published_at + offset for offset in recheck_offsets()]
    upcoming = [t for t in times if t > after]
    if top and after < published_at + FIRST_DAY:
        extra = after + timedelta(seconds=settings.KHABAR_ORIGINALS_TOP_EVERY)
        if extra < published_at + FIRST_DAY:
            upcoming.append(extra)
    return min(upcoming, default=None)


def top_story_ids() -> list[int]:
    """The highest-ranked stories (by the stories app's score), read through the article's relation."""
    story_model = Article._meta.get_field("story").related_model
    count = settings.KHABAR_ORIGINALS_TOP_STORIES
    if count <= 0:
        return []
    return list(story_model.objects.order_by("-score").values_list("pk", flat=True)[:count])


def is_top(article: Article, top_ids: list[int] | None = None) -> bool:
    ids = top_story_ids() if top_ids is None else top_ids
    return article.story_id is not None and article.story_id in ids


def watch_articles(article_ids: list[int], now: datetime | None = None) -> int:
    """Start watching these articles' originals (already watched ones are left alone)."""
    now = now or timezone.now()
    rows = Article.objects.filter(pk__in=article_ids).values_list("pk", "source_id", "published_at")
    watches = [
        OriginalWatch(article_id=pk, source_id=source_id, next_check_at=next_scheduled(published, now))
        for pk, source_id, published in rows
    ]
    OriginalWatch.objects.bulk_create(watches, ignore_conflicts=True, batch_size=500)
    return len(watches)


def watch_unwatched(now: datetime | None = None) -> int:
    """Watch the articles stored before this app was installed (still within the schedule)."""
    now = now or timezone.now()
    longest = max(recheck_offsets(), default=timedelta(0))
    ids = list(
        Article.objects.filter(published_at__gte=now - longest, original_watch__isnull=True).values_list(
            "pk", flat=True
        )
    )
    return watch_articles(ids, now) if ids else 0


def on_articles_stored(sender, article_ids=(), **kwargs) -> None:
    """Receiver of ``articles_stored`` (connected in ``OriginalsConfig.ready``)."""
    if article_ids:
        watch_articles(list(article_ids))


def checks_last_hour(now: datetime) -> dict[int, int]:
    """Re-checks per outlet in the past hour (a watch checked twice counts once: a bound, not a tally)."""
    rows = (
        OriginalWatch.objects.filter(last_checked_at__gte=now - timedelta(hours=1))
        .values("source_id")
        .annotate(n=Count("pk"))
    )
    return {row["source_id"]: row["n"] for row in rows}


def claim_due(now: datetime | None = None, limit: int = MAX_PER_TICK, *, budget: bool = True) -> list[int]:
    """Due watches' article ids, claimed for ``LEASE``; within each outlet's hourly budget. In a transaction."""
    now = now or timezone.now()
    due = list(
        OriginalWatch.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .select_for_update(skip_locked=True)
        .values_list("article_id", "source_id")[: limit * 4]
    )
    left = defaultdict(lambda: settings.KHABAR_ORIGINALS_HOST_BUDGET)
    if budget:
        for source_id, used in checks_last_hour(now).items():
            left[source_id] -= used
    chosen = []
    for article_id, source_id in due:
        if len(chosen) >= limit:
            break
        if budget and left[source_id] <= 0:
            continue
        left[source_id] -= 1
        chosen.append(article_id)
    # Counted in the budget from now on (the re-check sets its own time).
    OriginalWatch.objects.filter(pk__in=chosen).update(next_check_at=now + LEASE, last_checked_at=now)
    return chosen
