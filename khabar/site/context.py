"""Template context shared by every page."""

from __future__ import annotations

from khabar.news.models import Category


def site_context(request) -> dict:
    # Views that already loaded the categories leave them on the request (one query per page).
    categories = getattr(request, "_khabar_categories", None)
    if categories is None:
        categories = list(Category.objects.all())
        request._khabar_categories = categories
    return {"nav_categories": categories}
