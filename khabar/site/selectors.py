"""The queries behind the site's lists. Each one is bounded and joins source and category.

Kept apart from the views so a later ranking step can replace one list
(e.g. ``important_in_category``) without touching templates.
"""

from __future__ import annotations

from datetime import timedelta
from datetime import timezone as dt_timezone

from django.db import connection
from django.db.models import Case, Count, F, FloatField, QuerySet, Sum, Value, When
from django.utils import timezone

from khabar.news.models import Article
from khabar.site.models import ArticleDailyViews
from khabar.site.page_cache import cached_value
from khabar.sources.models import Category
from khabar.stories.selectors import ranked_stories, story_representatives, top_stories

HOME_ITEMS_PER_CATEGORY = 6
SIDEBAR_ITEMS = 10
IMPORTANT_ITEMS = 10
RELATED_ITEMS = 8
LIST_DEFERRED = ("body_html", "body_text")
SIDEBAR_CACHE_SECONDS = 60


def visible_articles():
    return Article.objects.visible().select_related("source", "category")


def listed_articles():
    """Visible articles for lists: a republished copy shown once (with its original), no long body columns."""
    return visible_articles().originals().defer(*LIST_DEFERRED)


def latest_by_category(
    categories: list[Category], per_category: int = HOME_ITEMS_PER_CATEGORY
) -> dict[int, list[Article]]:
    """The newest ``per_category`` visible articles of each category, newest first.

    One query picks them: per category, the first rows of the (category, -published_at) index,
    joined with UNION ALL, so it reads about ``per_category`` rows a category whatever the size
    of the archive; a second loads the winners whole.
    """
    result: dict[int, list[Article]] = {c.pk: [] for c in categories}
    if not categories:
        return result
    table = connection.ops.quote_name(Article._meta.db_table)
    part = (
        f"SELECT * FROM (SELECT id, category_id FROM {table} WHERE category_id = %s AND hidden = %s "
        "ORDER BY published_at DESC, id DESC LIMIT %s) AS latest_{n}"
    )
    sql = " UNION ALL ".join(part.format(n=n) for n in range(len(categories)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for c in categories for value in (c.pk, False, per_category)])
        ids = [row[0] for row in cursor.fetchall()]
    loaded = listed_articles().in_bulk(ids)
    for article_id in ids:  # each category's ids come newest first
        article = loaded.get(article_id)
        if article is not None:
            result[article.category_id].append(article)
    return result


def latest(category: Category | None = None):
    """Newest first; a queryset, for pagination."""
    qs = listed_articles()
    if category is not None:
        qs = qs.filter(category=category)
    return qs.latest_first()


def latest_of_source(source) -> QuerySet[Article]:
    """An outlet's visible articles, newest first (index article_source_latest_idx)."""
    return listed_articles().filter(source=source).latest_first()


def top_articles(limit: int = 50):
    """«در صدر رسانه‌ها» as articles (e.g. the /top/ feed): each top story's central article, most important first.

    Before any story exists (a fresh instance), the newest articles.
    """
    items = story_representatives(list(top_stories()[:limit]))
    return items if items else visible_articles().latest_first()


def important_in_category(
    category: Category, limit: int = IMPORTANT_ITEMS, exclude_pk: int | None = None
) -> list[Article]:
    """«مهم‌ترین اخبار <category>»: the category's most important stories now, one article each
    (the story's central article, with ``story_reason``), topped up with its newest items, one per story."""
    stories = ranked_stories(category=category)
    if exclude_pk is not None:
        stories = stories.exclude(pk__in=Article.objects.filter(pk=exclude_pk).values("story_id"))
    items = story_representatives(list(stories[:limit]))
    if len(items) == limit:
        return items
    qs = visible_articles().filter(category=category).latest_first()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    seen_stories = {a.story_id for a in items}
    seen_articles = {a.pk for a in items}
    for article in qs[: limit * 4]:
        if article.pk in seen_articles:
            continue
        if article.story_id is not None:
            if article.story_id in seen_stories:
                continue
            seen_stories.add(article.story_id)
        items.append(article)
        if len(items) == limit:
            break
    return items


def important_now(category: Category) -> list[Article]:
    """``important_in_category`` shared by every page of the category until the content changes."""
    return cached_value(
        f"important:{category.pk}",
        lambda: important_in_category(category, limit=IMPORTANT_ITEMS + 2),
        SIDEBAR_CACHE_SECONDS,
    )


def important_beside(article: Article) -> list[Article]:
    """The category's important box on an article page: without the article and its own story."""
    items = [
        a
        for a in important_now(article.category)
        if a.pk != article.pk and (article.story_id is None or a.story_id != article.story_id)
    ]
    return items[:IMPORTANT_ITEMS]


def _views_in_window(days: int, now, limit: int, exclude: set[int]) -> list[tuple[int, float]]:
    """(article id, views) of the last ``days`` × 24 hours, most viewed first.

    Views are stored per UTC day, so the window is today, the ``days - 1`` days before,
    and the share of the day before those that still lies inside the window
    (a sliding-window estimate: that day's views × the part of it not yet slid past).
    """
    today = now.date()
    first = today - timedelta(days=days)
    elapsed = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds() / 86400
    score = Sum(
        Case(
            When(day=first, then=F("count") * Value(1.0 - elapsed)),
            default=F("count") * Value(1.0),
            output_field=FloatField(),
        )
    )
    rows = (
        ArticleDailyViews.objects.filter(day__gte=first, article__hidden=False)
        .exclude(article_id__in=exclude)
        .values("article_id")
        .annotate(views=score)
        .filter(views__gt=0)
        .order_by("-views", "-article_id")[:limit]
    )
    return [(row["article_id"], row["views"]) for row in rows]


def most_viewed(limit: int = SIDEBAR_ITEMS, now=None) -> list[Article]:
    """«پربازدیدها»: most viewed in the last 24 hours, topped up from the last 7 days."""
    now = (now or timezone.now()).astimezone(dt_timezone.utc)
    ranked = _views_in_window(1, now, limit, set())
    if len(ranked) < limit:
        ranked += _views_in_window(7, now, limit - len(ranked), {aid for aid, _ in ranked})
    if not ranked:
        return []
    articles = listed_articles().in_bulk([aid for aid, _ in ranked])
    items = []
    for aid, views in ranked:
        if aid in articles:
            articles[aid].recent_views = round(views)
            items.append(articles[aid])
    return items


def most_discussed(limit: int = SIDEBAR_ITEMS, now=None) -> list[Article]:
    """«پربحث‌ترین‌ها»: most approved comments written in the last 7 days."""
    now = now or timezone.now()
    return list(
        listed_articles()
        .filter(comments__approved=True, comments__created_at__gte=now - timedelta(days=7))
        .annotate(comment_total=Count("comments"))
        .order_by("-comment_total", "-published_at", "-id")[:limit]
    )


def approved_comments(article: Article):
    return article.comments.filter(approved=True).order_by("created_at", "id")


def related_articles(article: Article, limit: int = RELATED_ITEMS) -> list[Article]:
    """Other articles of the same story when the article has one, else the newest of its category.

    The story's (or category's) newest ``limit + 1`` are shared by all its article pages until the
    content changes; each page leaves itself out."""
    if article.story_id is not None:
        name, where = f"related:story:{article.story_id}", {"story_id": article.story_id}
    elif article.category_id is not None:
        name, where = f"related:category:{article.category_id}", {"category_id": article.category_id}
    else:
        return []
    newest = cached_value(
        name, lambda: list(listed_articles().filter(**where).latest_first()[: limit + 1]), SIDEBAR_CACHE_SECONDS
    )
    return [a for a in newest if a.pk != article.pk][:limit]


def sidebar_lists() -> dict:
    """The «پربازدیدها» and «پربحث‌ترین‌ها» lists (the sidebar tag caches the boxes' HTML)."""
    return {"most_viewed": most_viewed(), "most_discussed": most_discussed()}


__all__ = [
    "approved_comments",
    "important_beside",
    "important_in_category",
    "important_now",
    "latest",
    "latest_by_category",
    "latest_of_source",
    "listed_articles",
    "most_discussed",
    "most_viewed",
    "related_articles",
    "sidebar_lists",
    "top_articles",
    "visible_articles",
]
