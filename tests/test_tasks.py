"""The task queue's edges: the worker adapter over django-tasks-db, recovery of lost tasks, which feeds run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from khabar.crawler.tasks import refresh_feeds_task
from khabar.sources.models import Feed, Source


def make_feed(slug: str, *, source_active: bool = True, **fields) -> Feed:
    source = Source.objects.create(name=slug, slug=slug, active=source_active)
    return Feed.objects.create(source=source, url=f"http://127.0.0.1:9/{slug}.xml", **fields)


@pytest.mark.django_db
def test_a_feed_of_an_inactive_source_is_never_refreshed_by_a_task():
    off = make_feed("off-source", source_active=False)
    paused = make_feed("paused", paused_at=timezone.now())
    on = make_feed("on", active=False)
    assert not Feed.objects.due(timezone.now() + timedelta(days=1)).filter(pk__in=[off.pk, paused.pk, on.pk])
    # Enqueued while the source was active, run after it was turned off: skipped, nothing fetched.
    summary = refresh_feeds_task.call([off.pk, paused.pk, on.pk])
    assert summary["feeds"] == 0 and summary["failed"] == {}
    for feed in (off, paused, on):
        before = feed.last_checked_at
        feed.refresh_from_db()
        assert feed.last_checked_at == before is None
