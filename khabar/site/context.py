"""Template context shared by every page, and the categories every page's menu shows."""

from __future__ import annotations

from khabar.sources.models import Category


def menu_categories(request) -> list[Category]:
    """The site's categories, loaded once per request (views and the menu share them)."""
    cached = getattr(request, "_khabar_categories", None)
    if cached is None:
        cached = list(Category.objects.all())
        request._khabar_categories = cached
    return cached


def site_context(request) -> dict:
    return {"nav_categories": menu_categories(request)}
