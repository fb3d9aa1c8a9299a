"""The originals' re-check schedule: decaying times, top stories more often, a per-outlet budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from sitekit import make_article, make_source

from khabar.news.signals import articles_stored
from khabar.originals.models import OriginalWatch
from khabar.originals.periodic import enqueue_due_rechecks
from khabar.originals.schedule import claim_due, next_scheduled, watch_articles

HOUR = timedelta(hours=1)


def test_the_schedule_decays_from_publication(settings):
    settings.KHABAR_ORIGINALS_RECHECK_AFTER = [3600, 6 * 3600, 24 * 3600, 7 * 86400]
    settings.KHABAR_ORIGINALS_TOP_EVERY = 2 * 3600
    published = timezone.now()
    expected = [published + HOUR, published + 6 * HOUR, published + 24 * HOUR, published + 7 * 24 * HOUR]
    times, after = [], published
    while (after := next_scheduled(published, after)) is not None:
        times.append(after)
    assert times == expected
    # A top story's article is also re-checked every two hours in its first day, not after.
    assert next_scheduled(published, published + HOUR, top=True) == published + 3 * HOUR
    assert next_scheduled(published, published + 25 * HOUR, top=True) == published + 7 * 24 * HOUR


@pytest.mark.django_db
def test_stored_articles_are_watched_from_their_first_recheck(settings):
    settings.KHABAR_ORIGINALS_RECHECK_AFTER = [3600, 86400]
    source = make_source("خبرگزاری آزمایش")
    now = timezone.now()
    fresh = make_article(source, None, published_at=now - timedelta(minutes=5))
    old = make_article(source, None, published_at=now - timedelta(days=2))
    articles_stored.send(sender=None, article_ids=[fresh.pk, old.pk])
    assert OriginalWatch.objects.get(pk=fresh.pk).next_check_at == fresh.published_at + HOUR
    assert OriginalWatch.objects.get(pk=old.pk).next_check_at is None  # its schedule is over
    watch_articles([fresh.pk])  # watching again changes nothing
    assert OriginalWatch.objects.count() == 2


@pytest.mark.django_db
def test_the_per_outlet_budget_leaves_room_for_new_items(settings):
    settings.KHABAR_ORIGINALS_RECHECK_AFTER = [60]
    settings.KHABAR_ORIGINALS_HOST_BUDGET = 3
    busy, quiet = make_source("پرکار"), make_source("کم‌کار")
    now = timezone.now()
    busy_ids = [make_article(busy, None, published_at=now - HOUR).pk for _ in range(6)]
    quiet_ids = [make_article(quiet, None, published_at=now - HOUR).pk for _ in range(2)]
    watch_articles(busy_ids + quiet_ids, now - HOUR)
    checked = make_article(busy, None, published_at=now - HOUR)  # re-checked ten minutes ago, done
    OriginalWatch.objects.create(article=checked, source=busy, last_checked_at=now - timedelta(minutes=10))
    claimed = claim_due(now)
    assert len([i for i in claimed if i in busy_ids]) == 2  # 3 an hour, one already used
    assert set(quiet_ids) <= set(claimed)
    assert claim_due(now) == []  # claimed ones are leased, the rest over budget


@pytest.mark.django_db
def test_due_rechecks_are_queued_as_low_priority_tasks(settings):
    settings.KHABAR_ORIGINALS_RECHECK_AFTER = [60]
    source = make_source("خبرگزاری آزمایش")
    now = timezone.now()
    ids = [make_article(source, None, published_at=now - HOUR).pk for _ in range(3)]
    watch_articles(ids, now - HOUR)
    assert enqueue_due_rechecks(now) == 3
    task = DBTaskResult.objects.get()
    assert task.priority < 0 and sorted(task.args_kwargs["args"][0]) == sorted(ids)


@pytest.mark.django_db
def test_the_scheduler_tick_queues_due_rechecks_at_most_once_an_interval(settings):
    from khabar.crawler.signals import scheduler_tick
    from khabar.originals import periodic

    settings.KHABAR_ORIGINALS_RECHECK_AFTER = [60]
    settings.KHABAR_ORIGINALS_INTERVAL = 3600
    periodic._throttle.last = float("-inf")
    source = make_source("خبرگزاری آزمایش")
    now = timezone.now()
    ids = [make_article(source, None, published_at=now - HOUR).pk for _ in range(2)]
    watch_articles(ids, now - HOUR)
    rechecks = DBTaskResult.objects.filter(task_path__endswith="recheck_originals_task")
    scheduler_tick.send(sender=None, now=now)
    assert rechecks.count() == 1
    OriginalWatch.objects.update(next_check_at=now)  # due again, but the interval has not passed
    scheduler_tick.send(sender=None, now=now)
    assert rechecks.count() == 1
