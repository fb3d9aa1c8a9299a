"""Template context shared by every page, and the categories every page's menu shows."""

from __future__ import annotations

from khabar.site.page_cache import cached_value, content_version
from khabar.sources.models import Category

CATEGORIES_CACHE_SECONDS = 300


def menu_categories(request) -> list[Category]:
    """The site's categories, shared by every page until the content changes (a category's save
    bumps the content version), and loaded once per request (views and the menu share them)."""
    cached = getattr(request, "_khabar_categories", None)
    if cached is None:
        cached = cached_value("categories", lambda: list(Category.objects.all()), CATEGORIES_CACHE_SECONDS)
        request._khabar_categories = cached
    return cached


def site_context(request) -> dict:
    # content_version: the key of fragments shared until the content changes ({% cache … content_version %});
    # a callable, so a page without such a fragment never asks the cache for it.
    return {"nav_categories": menu_categories(request), "content_version": content_version}
