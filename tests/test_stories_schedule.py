"""The stories app's periodic work, driven by the crawler's scheduler loop: the story catch-up."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from sitekit import LAVROV_LEAD, LAVROV_P1, LAVROV_P2, LAVROV_TITLE, ensure_categories, make_article

from khabar.crawler.runner import CrawlService
from khabar.news.models import Article
from khabar.sources.models import Category, Source
from khabar.stories.assignment import pending_articles
from khabar.stories.models import Story
from khabar.stories.periodic import Throttle, enqueue_catch_up_if_due


def _orphans(now) -> list[Article]:
    """Two outlets' reports of one event, stored without their story (as when the assignment failed)."""
    ensure_categories()
    world = Category.objects.get(slug="world")
    articles = []
    for n, slug in enumerate(("mehr", "isna")):
        source = Source.objects.create(name=f"منبع {slug}", slug=slug, homepage="")  # no homepage to read
        articles.append(
            make_article(
                source,
                world,
                title=LAVROV_TITLE,
                lead=LAVROV_LEAD,
                body_text=f"{LAVROV_P1}\n\n{LAVROV_P2}",
                published_at=now - timedelta(minutes=30 - n),
            )
        )
    assert all(a.story_id is None for a in articles)
    return articles


@pytest.mark.django_db(transaction=True)  # the scheduler and worker threads use their own connections
def test_an_article_left_without_a_story_gets_one_from_the_scheduler(settings):
    settings.KHABAR_STORY_CATCH_UP_INTERVAL = 0
    articles = _orphans(timezone.now())
    service = CrawlService(workers=1, tick=0.2).start()
    try:
        deadline = time.monotonic() + 60
        while Article.objects.filter(story__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        service.stop()
    stories = {Article.objects.get(pk=a.pk).story_id for a in articles}
    assert None not in stories
    assert len(stories) == 1  # the two reports of one event, one story
    story = Story.objects.get(pk=stories.pop())
    assert (story.article_count, story.outlet_count, story.title) == (2, 2, LAVROV_TITLE)


@pytest.mark.django_db
def test_the_catch_up_leaves_just_stored_articles_to_their_receiver(settings):
    now = timezone.now()
    late, fresh = _orphans(now)
    Article.objects.filter(pk=late.pk).update(fetched_at=now - timedelta(minutes=10))
    Article.objects.filter(pk=fresh.pk).update(fetched_at=now - timedelta(seconds=10))
    old = make_article(late.source, None, published_at=now - timedelta(days=30), fetched_at=now - timedelta(days=30))
    settled = timedelta(minutes=2)
    assert list(pending_articles(now, settled)) == [late]  # not the fresh one, nor one outside the window
    assert old.story_id is None

    settings.KHABAR_STORY_CATCH_UP_INTERVAL = 0
    from django_tasks_db.models import DBTaskResult

    assert enqueue_catch_up_if_due(now) is True
    assert DBTaskResult.objects.get().task_path.endswith("catch_up_stories_task")
    Article.objects.update(story=Story.objects.create())
    assert enqueue_catch_up_if_due(now) is False  # nothing pending: one query, nothing queued
    assert DBTaskResult.objects.count() == 1


def test_the_catch_up_is_queued_at_most_once_an_interval():
    throttle = Throttle()
    assert throttle.ready(60) is True
    assert throttle.ready(60) is False
    assert throttle.ready(0) is True
