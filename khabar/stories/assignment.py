"""Stories at the Django edge: assign stored articles to stories, persist merges and ranking.

``assign_stories(article_ids)`` runs after new articles are committed (the
``articles_stored`` receiver, see ``apps.py``). It feeds them, oldest first,
to this process's ``StoryClusterer`` (``khabar.pipeline.stories``), then
stores each article's story, near-duplicate link and signature, applies
merges (``Story.merged_into``; the absorbed story's articles move over) and
refreshes the touched stories' counts, headline and ranking.

The clusterer lives in memory and is a cache of the database: it is built
lazily for the time window from stored centroids and signatures (no text is
re-read), and several processes stay consistent through ``StoryIndexState``:
a batch runs in one transaction holding that row's lock, bumps its
``generation`` and stamps what it changed with it (``Story.revision``); a
process that finds a newer generation first reads the stories changed since
its own. After an error the in-memory index is dropped and rebuilt.

The document frequencies the index learns survive a restart: they are saved with a
batch every ``KHABAR_STORY_TERM_COUNTS_INTERVAL`` seconds and loaded when the index is
built (``term_counts.py``).

The catch-up (``assign_pending``) isolates an article that makes the assignment fail:
a failing batch is split in halves until the failing article is alone, the others
are assigned, and the failure is recorded (``StoryAssignmentFailure``, logged); after
``KHABAR_STORY_MAX_FAILURES`` failures the article is left out of the catch-up.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from khabar.news.models import Article
from khabar.news.signals import send_logged
from khabar.pipeline.stories.clustering import (
    ClusteringConfig,
    StoryClusterer,
    StoryDocument,
    pack_centroid,
    unpack_centroid,
)
from khabar.pipeline.stories.near_duplicates import NearDuplicateIndex
from khabar.sources.models import Source
from khabar.stories.models import Story, StoryAssignmentFailure, StoryIndexState
from khabar.stories.ranking import refresh_stories
from khabar.stories.signals import stories_assigned
from khabar.stories.term_counts import LearningWeighter, load_counts, save_counts

log = logging.getLogger("khabar.stories")
REBUILD_AFTER_CHANGES = 5000  # more stories changed elsewhere than this: rebuild rather than catch up


def window() -> timedelta:
    return timedelta(hours=settings.KHABAR_STORY_WINDOW_HOURS)


def _ts(dt: datetime) -> float:
    return dt.timestamp()


@dataclass
class StoryBatch:
    """What one ``assign_stories`` call did."""

    assigned: int = 0
    new_stories: int = 0
    duplicates: int = 0
    merges: list[tuple[int, int]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    failed: list[int] = field(default_factory=list)  # articles the catch-up could not assign (isolated)

    def add(self, other: StoryBatch) -> None:
        self.assigned += other.assigned
        self.new_stories += other.new_stories
        self.duplicates += other.duplicates
        self.merges.extend(other.merges)
        self.touched |= other.touched
        self.failed.extend(other.failed)


class StoryIndex:
    """This process's clusterer, kept in step with the database."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clusterer: StoryClusterer | None = None
        self.generation = -1
        self.epoch = ""
        self.counts_saved_at = float("-inf")  # the first batch saves, later ones at most every interval

    def reset(self) -> None:
        self.clusterer, self.generation, self.epoch = None, -1, ""

    def save_counts_if_due(self) -> bool:
        """Save the learned term counts, at most every ``KHABAR_STORY_TERM_COUNTS_INTERVAL`` seconds."""
        if (
            self.clusterer is None
            or time.monotonic() - self.counts_saved_at < settings.KHABAR_STORY_TERM_COUNTS_INTERVAL
        ):
            return False
        self.counts_saved_at = time.monotonic()
        return save_counts(self.clusterer.weighter)

    # -- building and catching up -----------------------------------------------------
    def _new_clusterer(self) -> StoryClusterer:
        config = ClusteringConfig(window_hours=window().total_seconds() / 3600.0)
        weighter = LearningWeighter(top_terms=config.query_terms, kept_terms=config.doc_terms)
        load_counts(weighter)
        return StoryClusterer(config, weighter=weighter, new_story_id=_create_story)

    def sync(self, state: StoryIndexState) -> StoryClusterer:
        """The clusterer, up to date with ``state.generation`` (call under the state row's lock)."""
        if self.clusterer is None or state.epoch != self.epoch or state.generation < self.generation:
            self._build()
            self.epoch = state.epoch
        elif state.generation != self.generation:
            changed = Story.objects.filter(revision__gt=self.generation)
            if changed.count() > REBUILD_AFTER_CHANGES:
                self._build()
            else:
                self._catch_up(changed)
        self.generation = state.generation
        assert self.clusterer is not None
        return self.clusterer

    def _build(self) -> None:
        clusterer = self._new_clusterer()
        horizon = timezone.now() - window()
        stories = Story.objects.current().filter(last_published_at__gte=horizon).exclude(centroid=b"")
        self._restore(
            clusterer,
            stories.values_list("pk", "centroid", "article_count", "first_published_at", "last_published_at"),
            Article.objects.filter(story__in=stories),
        )
        merged = Story.objects.filter(merged_into__isnull=False, last_published_at__gte=horizon)
        for absorbed, into in merged.values_list("pk", "merged_into_id"):
            clusterer.apply_merge(absorbed, into)
        self.clusterer = clusterer
        log.info(
            "stories index built: %d stories, %d articles in the window",
            len(clusterer.stories),
            len(clusterer.story_of),
        )

    def _catch_up(self, changed) -> None:
        clusterer = self.clusterer
        assert clusterer is not None
        current = []
        for pk, into in changed.values_list("pk", "merged_into_id"):
            if into:
                clusterer.apply_merge(pk, into)
            else:
                current.append(pk)
        rows = Story.objects.filter(pk__in=current).exclude(centroid=b"")
        articles = Article.objects.filter(story_id__in=current, published_at__gte=timezone.now() - window())
        self._restore(
            clusterer,
            rows.values_list("pk", "centroid", "article_count", "first_published_at", "last_published_at"),
            articles,
        )

    @staticmethod
    def _restore(clusterer: StoryClusterer, story_rows, articles) -> None:
        names = dict(Source.objects.values_list("pk", "name"))
        by_story: dict[int, set[str]] = {}
        rows = list(
            articles.filter(story__isnull=False)
            .order_by("published_at", "id")
            .values_list("pk", "story_id", "source_id", "minhash", "published_at", "duplicate_of_id")
        )
        for _, story_id, source_id, *_ in rows:
            by_story.setdefault(story_id, set()).update(
                StoryClusterer.source_keys(str(source_id), names.get(source_id, ""))
            )
        for pk, centroid, count, first, last in story_rows:
            if first is None or last is None:
                continue
            clusterer.restore_story(
                pk, unpack_centroid(centroid), count, _ts(first), _ts(last), by_story.get(pk, set())
            )
        for pk, story_id, _, minhash, published, duplicate_of in rows:
            if pk in clusterer.story_of:
                continue
            if minhash:
                signature, size = NearDuplicateIndex.from_bytes(minhash)
                clusterer.restore_article(pk, story_id, signature, size, _ts(published), duplicate_of)
            else:
                clusterer.story_of[pk] = story_id


INDEX = StoryIndex()


def _create_story() -> int:
    now = timezone.now()
    return Story.objects.create(created_at=now, updated_at=now).pk


def _document(article: Article) -> StoryDocument:
    return StoryDocument(
        id=article.pk,
        source=str(article.source_id),
        title=article.title,
        lead=article.lead,
        body=article.body_text,
        published=_ts(article.published_at),
        source_name=article.source.name,
    )


def assign_stories(article_ids: list[int]) -> StoryBatch:
    """Put the given stored articles (those without a story yet) into stories; persist everything."""
    batch = StoryBatch()
    if not article_ids:
        return batch
    assigned: list[int] = []
    with INDEX.lock:
        try:
            with transaction.atomic():
                state, _ = StoryIndexState.objects.select_for_update().get_or_create(pk=1)
                clusterer = INDEX.sync(state)
                generation = state.generation + 1
                articles = list(
                    Article.objects.filter(pk__in=article_ids, story__isnull=True)
                    .select_related("source")
                    .order_by("published_at", "id")
                )
                assignments = [clusterer.add(_document(a)) for a in articles]
                _persist(clusterer, articles, assignments, generation, batch)
                assigned = [a.pk for a in articles]
                INDEX.save_counts_if_due()
                state.generation, state.updated_at = generation, timezone.now()
                state.save(update_fields=["generation", "updated_at"])
            INDEX.generation = generation
        except BaseException:
            INDEX.reset()  # the memory may hold decisions that were rolled back
            raise
    if assigned:
        announce_assigned(assigned, batch.touched)
    return batch


def announce_assigned(article_ids: list[int], story_ids: set[int]) -> None:
    """Send ``stories_assigned``; a receiver's failure is logged only."""
    send_logged(
        stories_assigned,
        Story,
        log,
        f"after assigning {len(article_ids)} article(s)",
        article_ids=article_ids,
        story_ids=set(story_ids),
    )


def _persist(
    clusterer: StoryClusterer, articles: list[Article], assignments, generation: int, batch: StoryBatch
) -> None:
    for article, a in zip(articles, assignments):
        article.story_id = clusterer.resolve(a.story_id)
        article.duplicate_of_id = a.duplicate_of
        article.minhash = a.signature
        batch.new_stories += a.new_story
        batch.duplicates += a.duplicate_of is not None
        batch.merges.extend(a.merged)
    Article.objects.bulk_update(articles, ["story", "duplicate_of", "minhash"], batch_size=200)
    batch.assigned = len(articles)
    for article, a in zip(articles, assignments):
        if a.reroot is not None:  # published before the group's head: it is the original
            Article.objects.filter(Q(pk=a.reroot) | Q(duplicate_of_id=a.reroot)).update(duplicate_of_id=article.pk)
    for absorbed, _ in batch.merges:
        into = clusterer.resolve(absorbed)
        Article.objects.filter(story_id=absorbed).update(story_id=into)
        Story.objects.filter(merged_into_id=absorbed).update(merged_into_id=into)
        Story.objects.filter(pk=absorbed).update(
            merged_into_id=into, revision=generation, score=0.0, updated_at=timezone.now()
        )
    batch.touched = {clusterer.resolve(a.story_id) for a in assignments}
    centroids = {
        sid: pack_centroid(clusterer.stories[sid].centroid()) for sid in batch.touched if sid in clusterer.stories
    }
    refresh_stories(batch.touched, revision=generation, centroids=centroids, weighter=clusterer.weighter)


def max_failures() -> int:
    return settings.KHABAR_STORY_MAX_FAILURES


def pending_articles(now=None, settled: timedelta | None = None):
    """Articles of the window still without a story, stored at least ``settled`` ago (default: just now).

    A just-stored article is normally being assigned by the ``articles_stored`` receiver;
    one that stays without a story was missed (the receiver failed, or the process died).
    An article the assignment failed on ``KHABAR_STORY_MAX_FAILURES`` times is left out.
    """
    now = now or timezone.now()
    return Article.objects.filter(
        story__isnull=True, published_at__gte=now - window(), fetched_at__lte=now - (settled or timedelta())
    ).exclude(story_failure__failures__gte=max_failures())


def assign_pending(now=None, settled: timedelta | None = None, limit: int = 500) -> StoryBatch:
    """Catch up: put up to ``limit`` pending articles (oldest first) into stories.

    An article that makes the assignment fail cannot hold the others back: a failing batch
    is split in halves until the failing article is alone; its failure is recorded.
    """
    ids = list(pending_articles(now, settled).order_by("published_at", "id").values_list("pk", flat=True)[:limit])
    batch = StoryBatch()
    _assign_isolating(ids, batch)
    return batch


def _assign_isolating(ids: list[int], total: StoryBatch) -> None:
    if not ids:
        return
    try:
        total.add(assign_stories(ids))
    except Exception as error:
        if len(ids) == 1:
            _record_failure(ids[0], error)
            total.failed.append(ids[0])
            return
        middle = len(ids) // 2
        _assign_isolating(ids[:middle], total)
        _assign_isolating(ids[middle:], total)


def _record_failure(article_id: int, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    with transaction.atomic():
        failure, created = StoryAssignmentFailure.objects.select_for_update().get_or_create(
            article_id=article_id, defaults={"failures": 1, "last_error": message, "last_failed_at": now}
        )
        if not created:
            StoryAssignmentFailure.objects.filter(pk=failure.pk).update(
                failures=F("failures") + 1, last_error=message, last_failed_at=now
            )
            failure.refresh_from_db()
    if failure.failures >= max_failures():
        log.error(
            "stories: article %d failed assignment %d times (%s); left out of the catch-up",
            article_id,
            failure.failures,
            message,
            exc_info=error,
        )
    else:
        log.error(
            "stories: article %d failed assignment (%d): %s", article_id, failure.failures, message, exc_info=error
        )


def on_articles_stored(sender, article_ids: list[int], **kwargs) -> None:
    """Receiver of ``articles_stored`` (connected in ``StoriesConfig.ready``)."""
    batch = assign_stories(article_ids)
    log.info(
        "stories: %d article(s) assigned, %d new stories, %d near-duplicates, %d merges",
        batch.assigned,
        batch.new_stories,
        batch.duplicates,
        len(batch.merges),
    )
