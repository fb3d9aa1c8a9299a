"""One article in a list, rendered once: ``{% list_item article "full" show_category=True %}``.

List pages show 20–60 articles, and Django's template engine spent most of a page's time on
their variables, links, dates and filters. An item's HTML is a pure function of the fields it
shows, so it is memoized on exactly those (a bounded LRU per process): a page renders only the
items it has not shown before, or whose title, lead, outlet or category changed. The URLconf,
script prefix and time zone are part of the key too.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from khabar.site_urls import site_path

register = template.Library()

# lead: a home section's first item (with its lead); line: the others; full: category, latest, outlet pages.
VARIANTS = {
    "lead": "site/includes/item_lead.html",
    "line": "site/includes/item_line.html",
    "full": "site/includes/item_full.html",
    "related": "site/includes/item_related.html",  # an article page's related items
    "important": "site/includes/item_important.html",  # «مهم‌ترین اخبار …» (with the story's reason)
}
WITH_LEAD = {"lead", "full", "important"}
REMEMBERED_ITEMS = 4096  # about 1 KB each


@register.simple_tag
def list_item(
    article, variant: str, show_source: bool = True, show_category: bool = False, in_category=None
) -> SafeString:
    """``in_category``: the category the list is of (named on each item), instead of the article's."""
    source = article.source if show_source else None
    category = in_category or (article.category if show_category else None)
    return _render(
        variant,
        article.pk,
        article.title,
        article.lead if variant in WITH_LEAD else "",
        article.published_at,
        (source.slug, source.name) if source is not None else None,
        (category.slug, category.name) if category is not None else None,
        getattr(article, "story_reason", "") if variant == "important" else "",
        (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), timezone.get_current_timezone_name()),
    )


@lru_cache(maxsize=REMEMBERED_ITEMS)
def _render(variant, pk, title, lead, published_at, source, category, reason, _where) -> SafeString:
    context = {
        "url": site_path("site:article", pk),
        "title": title,
        "lead": lead,
        "published_at": published_at,
        "source_url": site_path("site:source", source[0]) if source else "",
        "source_name": source[1] if source else "",
        "category_url": site_path("site:category", category[0]) if category else "",
        "category_name": category[1] if category else "",
        "reason": reason,
    }
    return mark_safe(get_template(VARIANTS[variant]).render(context))  # noqa: S308 - a rendered, escaped template


def clear() -> None:
    """Forget every rendered item (tests that change templates or settings)."""
    _render.cache_clear()
