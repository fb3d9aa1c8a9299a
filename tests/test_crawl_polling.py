"""Adaptive polling: each feed's next check from its own rhythm, bounded, with a per-host floor."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from khabar.pipeline.polling import ITEMS_PER_HOUR, MAX_INTERVAL, MIN_INTERVAL, NO_RECENT_ITEM, next_poll, next_retry

NOW = datetime(2025, 6, 9, 9, 30, tzinfo=timezone.utc)


def every(minutes: float, hours: float, now=NOW) -> list[datetime]:
    count = int(hours * 60 / minutes)
    return [now - timedelta(minutes=minutes * (i + 0.5)) for i in range(count)]


SCALE = 250.0  # seconds: the interval of a feed publishing one item an hour (KHABAR_POLL_SCALE)


def poll(times, now=NOW, **kwargs):
    return next_poll(times, now, rng=random.Random(1), **{"scale": SCALE, **kwargs})


def test_a_quiet_feed_is_checked_hourly_and_a_busy_one_every_minute():
    quiet = poll([])
    assert 0.9 * MAX_INTERVAL <= quiet.seconds <= MAX_INTERVAL and NO_RECENT_ITEM in quiet.reason
    busy = poll(every(3, 48))  # 20 items an hour
    assert MIN_INTERVAL <= busy.seconds <= 70 and ITEMS_PER_HOUR in busy.reason
    hourly = poll(every(60, 7 * 24))
    assert 225 <= hourly.seconds <= 275  # about every 4 minutes
    daily = poll(every(24 * 60, 7 * 24))
    assert 1100 <= daily.seconds <= 1800 and daily.seconds > hourly.seconds > busy.seconds
    assert poll(every(60, 7 * 24), scale=500).seconds > 1.8 * hourly.seconds  # KHABAR_POLL_SCALE


def test_the_hour_of_day_counts():
    # A week of a feed that publishes only around 09:00 UTC, six items then.
    times = [NOW.replace(hour=9, minute=m) - timedelta(days=d) for d in range(1, 8) for m in (0, 10, 20, 30, 40, 50)]
    morning = poll(times, now=NOW.replace(hour=9, minute=5) + timedelta(days=1))
    evening = poll(times, now=NOW.replace(hour=21) + timedelta(days=1))
    assert morning.seconds < evening.seconds / 1.5
    assert "در همین ساعتِ روز" in morning.reason


def test_a_burst_shortens_the_interval_at_once():
    slow_week = every(24 * 60, 7 * 24, now=NOW - timedelta(hours=2))
    burst = [NOW - timedelta(minutes=m) for m in (2, 9, 15, 30)]
    assert poll(slow_week + burst).seconds < poll(slow_week).seconds / 2
    assert "۴ خبر در ساعت گذشته" in poll(slow_week + burst).reason


def test_many_feeds_of_one_host_get_a_floor():
    plan = poll(every(1, 24), feeds_on_host=12)
    assert plan.seconds >= 120 and "کمینهٔ ۲٫۰ دقیقه برای ۱۲ خوراکِ یک میزبان" in plan.reason


@pytest.mark.parametrize("seed", range(20))
def test_always_between_one_and_sixty_minutes(seed):
    rng = random.Random(seed)
    times = [NOW - timedelta(seconds=rng.uniform(0, 8 * 86400)) for _ in range(rng.randint(0, 400))]
    plan = next_poll(times, NOW, feeds_on_host=rng.randint(1, 30), scale=SCALE, rng=rng)
    assert MIN_INTERVAL <= plan.seconds <= MAX_INTERVAL


def test_fixed_interval_wins():
    assert poll(every(3, 48), fixed_interval=20).seconds == 20


def test_errors_back_off_exponentially_with_jitter_and_honour_retry_after():
    rng = random.Random(3)
    first = [next_retry(1, rng=rng).seconds for _ in range(50)]
    third = [next_retry(3, rng=rng).seconds for _ in range(50)]
    assert 30 <= min(first) and max(first) <= 60 and len(set(first)) > 40  # jittered
    assert 120 <= min(third) and max(third) <= 240
    assert next_retry(30, rng=rng).seconds <= 6 * 3600
    plan = next_retry(1, error_kind="http", retry_after=900, rng=rng)
    assert (
        plan.seconds == 900 and "سرور خواست پس از ۱۵٫۰ دقیقه دوباره تلاش شود" in plan.reason and "(http)" in plan.reason
    )


@pytest.mark.django_db
def test_a_fresh_item_brings_the_outlets_other_feeds_forward():
    from django.utils import timezone

    from khabar.crawler.feed_health import record_success
    from khabar.pipeline.records import ArticleRecord, FeedRefresh, FetchResult
    from khabar.sources.models import Feed, Source

    now = timezone.now()
    later = now + timedelta(minutes=30)
    source = Source.objects.create(name="رسانه", slug="outlet")
    politics, sports, culture = (
        Feed.objects.create(source=source, url=f"http://news.example/rss/{c}", next_check_at=later)
        for c in ("politics", "sports", "culture")
    )
    Feed.objects.filter(pk=culture.pk).update(claimed_at=now)  # in a worker's hands: left alone
    record = ArticleRecord(
        url="http://news.example/1",
        title="t",
        lead="",
        body_text="",
        body_html="",
        published_at=now - timedelta(seconds=40),
    )
    refresh = FeedRefresh(feed_url=politics.url, fetch=FetchResult(url=politics.url, status=200), records=[record])
    record_success(politics, refresh, new_items=1, now=now)
    sports.refresh_from_db()
    culture.refresh_from_db()
    assert (
        sports.next_check_at == now + timedelta(seconds=90)
        and "رسانه همین حالا خبر تازه منتشر کرد" in sports.next_check_reason
    )
    assert culture.next_check_at == later
    # An old item (the backlog of a new feed) says nothing about now.
    Feed.objects.filter(pk=sports.pk).update(next_check_at=later)
    record.published_at = now - timedelta(hours=3)
    record_success(politics, refresh, new_items=1, now=now)
    sports.refresh_from_db()
    assert sports.next_check_at == later


@pytest.mark.django_db
def test_feeds_answered_304_are_recorded_together_in_a_fixed_number_of_queries(django_assert_num_queries):
    from django.utils import timezone

    from khabar.crawler.feed_health import record_unchanged
    from khabar.news.models import Article
    from khabar.pipeline.records import FeedRefresh, FetchResult
    from khabar.sources.models import Feed, FeedCheck, Source

    now = timezone.now()
    source = Source.objects.create(name="رسانه", slug="outlet")
    feeds = [
        Feed.objects.create(source=source, url=f"http://news{i % 3}.example/rss/{i}", claimed_at=now, error_streak=2)
        for i in range(12)
    ]
    for hours in range(1, 30):  # the first feed publishes hourly
        Article.objects.create(
            source=source,
            feed=feeds[0],
            url=f"http://news0.example/{hours}",
            title="t",
            published_at=now - timedelta(hours=hours),
        )

    def unchanged(feed):
        return feed, FeedRefresh(
            feed_url=feed.url, etag='"e"', not_modified=True, fetch=FetchResult(url=feed.url, status=304)
        )

    # item times, feeds per host; in one transaction (a savepoint here): one UPDATE, checks inserted and trimmed
    with django_assert_num_queries(7):
        record_unchanged([unchanged(feed) for feed in feeds], now=now)
    assert FeedCheck.objects.filter(not_modified=True, status=304).count() == 12
    for _ in range(FeedCheck.KEEP):  # the history is trimmed to the last KEEP checks of each feed
        FeedCheck.objects.bulk_create([FeedCheck(feed=feeds[0], checked_at=now)])
    record_unchanged([unchanged(feeds[0])], now=now)
    assert FeedCheck.objects.filter(feed=feeds[0]).count() == FeedCheck.KEEP
    assert FeedCheck.objects.filter(feed=feeds[0]).order_by("-id").first().not_modified
    rows = {feed.pk: feed for feed in Feed.objects.all()}
    hourly, quiet = rows[feeds[0].pk], rows[feeds[1].pk]
    assert all(f.claimed_at is None and f.error_streak == 0 and f.last_status == 304 for f in rows.values())
    assert hourly.etag == '"e"' and hourly.last_checked_at == now
    assert ITEMS_PER_HOUR in hourly.next_check_reason and NO_RECENT_ITEM in quiet.next_check_reason
    assert hourly.next_check_at < quiet.next_check_at
