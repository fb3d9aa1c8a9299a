"""The queries behind the story pages and the ranked lists (/top/, «مهم‌ترین اخبار»).

Stories are ranked by ``Story.score`` (time-invariant importance rank, see
``khabar.stories.ranking``); each list is bounded and joins what it shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from khabar.news.credits import ArticleCredit, NamedOutlet, article_credits
from khabar.news.models import Article
from khabar.pipeline.outlet_names import name_keys
from khabar.pipeline.stories.summary import Member, headline_groups
from khabar.stories.models import Story

TOP_WINDOW = timedelta(hours=48)  # /top/: stories with an article this recent
MAX_OUTLETS_SHOWN = 8


def ranked_stories(now=None, category=None, window: timedelta = TOP_WINDOW):
    """Current stories with a recent article, most important first (multi-outlet ones when there are any)."""
    now = now or timezone.now()
    qs = Story.objects.current().filter(
        last_published_at__gte=now - window,
        article_count__gt=0,
        central_article__isnull=False,
        central_article__hidden=False,
    )
    if category is not None:
        qs = qs.filter(category=category)
    return qs.select_related("central_article__source", "category").order_by("-score", "-pk")


def top_stories(now=None):
    """/top/: the stories most outlets cover now; a queryset, for pagination."""
    qs = ranked_stories(now)
    multi = qs.filter(outlet_count__gte=2)
    return multi if multi.exists() else qs


def attach_outlets(stories: list[Story], limit: int = MAX_OUTLETS_SHOWN) -> list[Story]:
    """Give each story ``outlets``: its outlets' names, the first publisher first (one query)."""
    names: dict[int, list[str]] = defaultdict(list)
    rows = (
        Article.objects.visible()
        .filter(story_id__in=[s.pk for s in stories])
        .order_by("story_id", "published_at", "id")
        .values_list("story_id", "source__name")
    )
    for story_id, name in rows:
        if name not in names[story_id]:
            names[story_id].append(name)
    for story in stories:
        story.outlets = names.get(story.pk, [])[:limit]
        story.more_outlets = max(0, len(names.get(story.pk, [])) - limit)
    return stories


def story_representatives(stories: list[Story]) -> list[Article]:
    """The central article of each story, carrying ``story`` and ``story_reason`` for templates."""
    items = []
    for story in stories:
        article = story.central_article
        if article is None or article.hidden:
            continue
        article.story = story
        article.story_reason = story.why_ranked
        items.append(article)
    return items


@dataclass
class OutletCoverage:
    name: str
    slug: str
    first: Article  # the outlet's first article in the story
    count: int = 1


@dataclass
class Citation:
    """Outlets of the story that took their text from one outlet («… به نقل از …»)."""

    cited: NamedOutlet
    article: Article | None  # the cited outlet's first article in the story, when it has one
    citing: list[Article] = field(default_factory=list)  # one article per citing outlet, oldest first


@dataclass
class StoryCoverage:
    """Everything the story page shows."""

    story: Story
    articles: list[Article]  # visible, oldest first: the timeline
    central: Article
    first: Article  # the first publisher's article
    outlets: list[OutletCoverage] = field(default_factory=list)
    headlines: list[dict] = field(default_factory=list)  # {"title", "articles"}
    duplicates: int = 0  # articles that are near-copies of another one
    first_credit: ArticleCredit | None = None  # whom the first report cites, if anyone
    citations: list[Citation] = field(default_factory=list)  # who cited whom


def credit_chain(articles: list[Article]) -> tuple[ArticleCredit | None, list[Citation]]:
    """Whom the first article cites, and who cited whom (grouped by the cited outlet, first citation first)."""
    credits = article_credits(articles)
    first_of: dict[int, Article] = {}
    for a in articles:
        first_of.setdefault(a.source_id, a)
    citations: dict[object, Citation] = {}
    for a in articles:
        cited = credits[a.pk].source_of_text if a.pk in credits else None
        if cited is None:
            continue
        keys = name_keys(cited.name)
        key = ("source", cited.source.pk) if cited.source else ("name", keys[0] if keys else cited.name)
        article = first_of.get(cited.source.pk) if cited.source else None
        citation = citations.setdefault(key, Citation(cited, article))
        if all(c.source_id != a.source_id for c in citation.citing):
            citation.citing.append(a)
    return credits.get(articles[0].pk) if articles else None, list(citations.values())


def story_coverage(story: Story, limit: int = 300) -> StoryCoverage | None:
    """Every outlet's article of the story, its first publisher, timeline and headlines; None if nothing is visible."""
    articles = list(
        Article.objects.visible()
        .filter(story=story)
        .select_related("source", "category", "duplicate_of__source")
        .order_by("published_at", "id")[:limit]
    )
    if not articles:
        return None
    by_pk = {a.pk: a for a in articles}
    central = by_pk.get(story.central_article_id, articles[0])
    outlets: dict[int, OutletCoverage] = {}
    for a in articles:
        if a.source_id in outlets:
            outlets[a.source_id].count += 1
        else:
            outlets[a.source_id] = OutletCoverage(a.source.name, a.source.slug, a)
    groups = headline_groups([Member(a.pk, a.title, published=a.published_at.timestamp()) for a in articles])
    headlines = [{"title": g.title, "articles": [by_pk[i] for i in g.member_ids]} for g in groups]
    first_credit, citations = credit_chain(articles)
    return StoryCoverage(
        story,
        articles,
        central,
        articles[0],
        list(outlets.values()),
        headlines,
        sum(a.duplicate_of_id is not None for a in articles),
        first_credit,
        citations,
    )


def resolve_merged(story: Story, max_hops: int = 20) -> Story:
    """The story a merged story now lives in (merges keep old ids redirecting)."""
    hops = 0
    while story.merged_into_id is not None and hops < max_hops:
        story = Story.objects.get(pk=story.merged_into_id)
        hops += 1
    return story
