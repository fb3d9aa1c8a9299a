"""The stories app's periodic work, driven by the crawler's scheduler loop: the story catch-up, an article that
always fails isolated, and the learned term counts kept across restarts."""

from __future__ import annotations

import time
import zlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from sitekit import LAVROV_LEAD, LAVROV_P1, LAVROV_P2, LAVROV_TITLE, ensure_categories, make_article

from khabar.crawler.runner import CrawlService
from khabar.news.models import Article
from khabar.sources.models import Category, Source
from khabar.stories import assignment, term_counts
from khabar.stories.assignment import INDEX, assign_pending, assign_stories, pending_articles
from khabar.stories.models import Story, StoryAssignmentFailure, StoryIndexState, StoryTermCounts
from khabar.stories.periodic import Throttle, enqueue_catch_up_if_due
from khabar.stories.term_counts import LearningWeighter, load_counts, pack_counts, save_counts, unpack_counts


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


@pytest.mark.django_db
def test_an_article_that_always_fails_cannot_block_the_catch_up(settings, monkeypatch, caplog):
    settings.KHABAR_STORY_MAX_FAILURES = 3
    now = timezone.now()
    good = _orphans(now)
    bad = make_article(good[0].source, None, title="خبری که گروه‌بندی‌اش همیشه شکست می‌خورد")
    Article.objects.filter(pk=bad.pk).update(published_at=now - timedelta(hours=1))  # the oldest: first in a batch
    document = assignment._document

    def fails_on_bad(article):  # a bug this one article triggers, whatever the batch
        if article.pk == bad.pk:
            raise ValueError("an article the clustering cannot read")
        return document(article)

    monkeypatch.setattr(assignment, "_document", fails_on_bad)
    later = timezone.now()
    batch = assign_pending(later, settled=timedelta())
    assert batch.assigned == 2 and batch.failed == [bad.pk]
    assert Article.objects.filter(pk__in=[a.pk for a in good], story__isnull=True).count() == 0
    failure = StoryAssignmentFailure.objects.get(article=bad)
    assert failure.failures == 1 and "cannot read" in failure.last_error
    assert f"article {bad.pk} failed assignment" in caplog.text

    for attempt in (2, 3):
        assert list(pending_articles(later, timedelta())) == [Article.objects.get(pk=bad.pk)]
        assert assign_pending(later, settled=timedelta()).failed == [bad.pk]
        assert StoryAssignmentFailure.objects.get(article=bad).failures == attempt
    assert "left out of the catch-up" in caplog.text
    assert not pending_articles(later, timedelta()).exists()  # no longer retried...
    settings.KHABAR_STORY_CATCH_UP_INTERVAL = 0
    assert enqueue_catch_up_if_due(later) is False  # ...nor queued for
    monkeypatch.setattr(assignment, "_document", document)
    StoryAssignmentFailure.objects.filter(article=bad).delete()  # an operator lets it try again
    assert assign_pending(later, settled=timedelta()).assigned == 1


def _index_counts():
    with INDEX.lock, transaction.atomic():
        state, _ = StoryIndexState.objects.select_for_update().get_or_create(pk=1)
        return INDEX.sync(state).weighter.export_counts()


@pytest.mark.django_db
def test_learned_document_frequencies_survive_a_restart(settings):
    settings.KHABAR_STORY_TERM_COUNTS_INTERVAL = 0  # saved with every batch
    INDEX.reset()
    fresh_docs, _ = _index_counts()
    articles = _orphans(timezone.now())
    assign_stories([a.pk for a in articles])
    before = _index_counts()
    assert before[0] == fresh_docs + 2 and before[1]
    row = StoryTermCounts.objects.get()
    assert (row.documents, row.terms) == (before[0], len(before[1]))
    INDEX.reset()  # a restart: nothing in memory
    assert _index_counts() == before


def test_two_processes_add_their_counts_and_neither_overwrites_the_other(db):
    first, second = LearningWeighter(reference=(0, {})), LearningWeighter(reference=(0, {}))
    first.features(LAVROV_TITLE, LAVROV_LEAD, LAVROV_P1)
    second.features("پرسپولیس در لیگ قهرمانان آسیا برد", "", "")
    second.features(LAVROV_TITLE, "", "")
    with transaction.atomic():
        assert save_counts(first) and save_counts(second)
        assert not save_counts(second)  # nothing new since
    restarted = LearningWeighter(reference=(0, {}))
    load_counts(restarted)
    docs, df = restarted.export_counts()
    assert docs == 3 and df == second.export_counts()[1]
    lavrov = first.export_counts()[1]
    assert all(df[t] >= lavrov[t] for t in lavrov) and max(df.values()) == 2


def test_term_counts_pack_bounded_and_damaged():
    counts = {1: 5, 2**32 - 1: 1, 7: 300}
    assert unpack_counts(pack_counts(counts)) == counts
    assert unpack_counts(b"") == {} and unpack_counts(b"not zlib") == {} and unpack_counts(zlib.compress(b"abc")) == {}
    many = {t: 1 + t % 3 for t in range(1000)}
    kept = term_counts._bounded(many, limit=100)
    assert len(kept) == 80 and min(kept.values()) == 3
