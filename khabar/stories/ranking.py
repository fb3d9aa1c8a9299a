"""Persist what the site shows about a story: counts, headline, category and ranking.

``refresh_stories`` recomputes, for the given stories, their article and
outlet counts, first and last publication, majority category, most central
article (whose headline names the story) and importance
(``khabar.pipeline.stories.ranking``), in a bounded number of queries.
``Story.score`` stores the importance's time-invariant ``rank``: ordering by it
is ordering by importance *now*, without re-ranking as time passes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models.functions import Substr
from django.utils import timezone

from khabar.news.models import Article
from khabar.pipeline.stories.ranking import CoverageItem, LeadSighting, story_importance
from khabar.pipeline.stories.summary import CENTRAL_BODY_CHARS, Member, most_central
from khabar.pipeline.stories.text_features import TermWeighter
from khabar.stories.models import FrontPageLead, Story

CENTRAL_CANDIDATES = 30  # the headline is chosen among at most this many articles of a story


def refresh_stories(
    story_ids: Iterable[int],
    *,
    revision: int | None = None,
    centroids: dict[int, bytes] | None = None,
    weighter: TermWeighter | None = None,
    now=None,
) -> int:
    """Recompute and store the given stories' summary and ranking. Returns how many were updated."""
    ids = sorted(set(story_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    centroids = centroids or {}
    members: dict[int, list[dict]] = defaultdict(list)
    rows = (
        Article.objects.filter(story_id__in=ids)
        .annotate(body_start=Substr("body_text", 1, CENTRAL_BODY_CHARS))
        .order_by("published_at", "id")
        .values(
            "pk",
            "story_id",
            "source_id",
            "source__weight",
            "published_at",
            "category_id",
            "title",
            "lead",
            "body_start",
            "hidden",
        )
    )
    for row in rows:
        members[row["story_id"]].append(row)
    sightings: dict[int, list[LeadSighting]] = defaultdict(list)
    for story_id, source_id, first, last, slot in FrontPageLead.objects.filter(article__story_id__in=ids).values_list(
        "article__story_id", "source_id", "first_seen_at", "last_seen_at", "slot"
    ):
        sightings[story_id].append(LeadSighting(str(source_id), first.timestamp(), last.timestamp(), slot))
    stories = Story.objects.in_bulk(ids)
    changed = []
    for sid in ids:
        story = stories.get(sid)
        if story is None:
            continue
        _summarize(story, members.get(sid, []), sightings.get(sid, []), now, weighter)
        if sid in centroids:
            story.centroid = centroids[sid]
        if revision is not None:
            story.revision = revision
        story.updated_at = now
        changed.append(story)
    fields = [
        "title",
        "central_article",
        "category",
        "first_published_at",
        "last_published_at",
        "article_count",
        "outlet_count",
        "score",
        "pickup_count",
        "leading_count",
        "lead_hours",
        "ranked_at",
        "updated_at",
    ]
    if centroids:
        fields.append("centroid")
    if revision is not None:
        fields.append("revision")
    Story.objects.bulk_update(changed, fields, batch_size=200)
    return len(changed)


def _summarize(story: Story, rows: list[dict], sightings: list[LeadSighting], now, weighter) -> None:
    story.article_count = len(rows)
    story.ranked_at = now
    if not rows:
        story.outlet_count = story.pickup_count = story.leading_count = 0
        story.score, story.lead_hours = 0.0, 0.0
        return
    story.first_published_at = rows[0]["published_at"]
    story.last_published_at = max(r["published_at"] for r in rows)
    categories = Counter(r["category_id"] for r in rows if r["category_id"])
    story.category_id = min(categories, key=lambda c: (-categories[c], c)) if categories else None
    visible = [r for r in rows if not r["hidden"]] or rows
    candidates = visible[: CENTRAL_CANDIDATES // 2] + visible[CENTRAL_CANDIDATES // 2 :][-(CENTRAL_CANDIDATES // 2) :]
    if len(candidates) == 1:
        central = candidates[0]["pk"]
    else:
        central = most_central(
            [
                Member(r["pk"], r["title"], r["lead"], r["body_start"] or "", r["published_at"].timestamp())
                for r in candidates
            ],
            weighter,
        )
    story.central_article_id = central
    story.title = next(r["title"] for r in candidates if r["pk"] == central)[:500]
    importance = story_importance(
        [
            CoverageItem(str(r["source_id"]), float(r["source__weight"] or 1.0), r["published_at"].timestamp())
            for r in rows
        ],
        sightings,
        now.timestamp(),
    )
    story.outlet_count = importance.outlets
    story.pickup_count = importance.pickup
    story.leading_count = importance.leading_now
    story.lead_hours = importance.lead_hours
    story.score = importance.rank


def rerank(story_ids: Iterable[int], now=None) -> int:
    """Recompute summaries and ranks (e.g. after lead sightings changed)."""
    return refresh_stories(story_ids, now=now)
