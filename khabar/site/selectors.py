"""The queries behind the site's lists. Each one is bounded and joins source and category.

Kept apart from the views so a later ranking step can replace one list
(e.g. ``important_in_category``) without touching templates.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from khabar.news.models import Article, Category

HOME_ITEMS_PER_CATEGORY = 6
SIDEBAR_ITEMS = 10
IMPORTANT_ITEMS = 10
# The home page ranks a recent window first (one query over few rows); only the
# categories still short of items are asked again over a wider window. At most
# len(HOME_WINDOWS) queries, whatever the number of categories or articles.
HOME_WINDOWS = (timedelta(days=2), timedelta(days=30), None)


def visible_articles():
    return Article.objects.visible().select_related("source", "category")


def latest_by_category(categories: list[Category], per_category: int = HOME_ITEMS_PER_CATEGORY, now=None) -> dict[int, list[Article]]:
    """The newest ``per_category`` visible articles of each category, newest first."""
    now = now or timezone.now()
    result: dict[int, list[Article]] = {c.pk: [] for c in categories}
    pending = list(result)
    for window in HOME_WINDOWS:
        if not pending:
            break
        qs = visible_articles().filter(category__in=pending)
        if window is not None:
            qs = qs.filter(published_at__gte=now - window)
        ranked = (
            qs.annotate(
                row=Window(
                    RowNumber(),
                    partition_by=[F("category_id")],
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(row__lte=per_category)
            .order_by("category_id", "row")
        )
        found: dict[int, list[Article]] = {pk: [] for pk in pending}
        for article in ranked:
            found[article.category_id].append(article)
        result.update(found)
        pending = [pk for pk in pending if len(result[pk]) < per_category]
    return result


def latest(category: Category | None = None):
    """Newest first; a queryset, for pagination."""
    qs = visible_articles()
    if category is not None:
        qs = qs.filter(category=category)
    return qs.latest_first()


def top_articles():
    """The /top/ page. For now the newest articles of every category (a later step ranks stories)."""
    return visible_articles().latest_first()


def important_in_category(category: Category, limit: int = IMPORTANT_ITEMS, exclude_pk: int | None = None) -> list[Article]:
    """«مهم‌ترین اخبار <category>»: recent items of the category, one per story."""
    qs = visible_articles().filter(category=category).latest_first()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    items: list[Article] = []
    seen_stories: set[int] = set()
    for article in qs[: limit * 4]:
        if article.story_id is not None:
            if article.story_id in seen_stories:
                continue
            seen_stories.add(article.story_id)
        items.append(article)
        if len(items) == limit:
            break
    return items


def most_viewed(limit: int = SIDEBAR_ITEMS, now=None) -> list[Article]:
    """«پربازدیدها»: most viewed of the last 24 hours, topped up from the last 7 days."""
    now = now or timezone.now()
    base = visible_articles().filter(view_count__gt=0).order_by("-view_count", "-published_at", "-id")
    items = list(base.filter(published_at__gte=now - timedelta(hours=24))[:limit])
    if len(items) < limit:
        week = base.filter(published_at__gte=now - timedelta(days=7), published_at__lt=now - timedelta(hours=24))
        items += list(week[: limit - len(items)])
    return items


def most_discussed(limit: int = SIDEBAR_ITEMS, now=None) -> list[Article]:
    """«پربحث‌ترین‌ها»: most approved comments written in the last 7 days."""
    now = now or timezone.now()
    return list(
        visible_articles()
        .filter(comments__approved=True, comments__created_at__gte=now - timedelta(days=7))
        .annotate(comment_total=Count("comments"))
        .order_by("-comment_total", "-published_at", "-id")[:limit]
    )


def approved_comments(article: Article):
    return article.comments.filter(approved=True).order_by("created_at", "id")


def sidebar() -> dict:
    return {"most_viewed": most_viewed(), "most_discussed": most_discussed()}


__all__ = [
    "approved_comments",
    "important_in_category",
    "latest",
    "latest_by_category",
    "most_discussed",
    "most_viewed",
    "sidebar",
    "top_articles",
    "visible_articles",
]
