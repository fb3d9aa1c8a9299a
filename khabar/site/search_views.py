"""/search/?q=…: results by relevance and recency, highlighted, paginated, filtered.

The page of the site; the index, its backends, query parsing and snippets are the search app's.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from khabar.pipeline.persian import display_digits
from khabar.public_url import public_url
from khabar.search.backends import get_backend
from khabar.search.query import DATE_EXAMPLE, describe_count, parse_search
from khabar.search.snippets import highlight, snippet, with_body_start
from khabar.site import selectors
from khabar.site.context import menu_categories
from khabar.site.page_cache import cached_page, cached_value, page_number, text
from khabar.sources.models import Source

PER_PAGE = 20
SOURCES_CACHE_SECONDS = 60


class _HitsPaginator(Paginator):
    """A paginator over a known total; the backend fetches only the requested page."""

    def __init__(self, total: int, per_page: int):
        super().__init__(range(total), per_page)


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _results(request, search, number: int):
    backend = get_backend()
    hits = backend.search(search.tokens, search.filters, (number - 1) * PER_PAGE, PER_PAGE, timezone.now())
    paginator = _HitsPaginator(hits.total, PER_PAGE)
    if hits.total and number > paginator.num_pages:
        number = paginator.num_pages
        hits = backend.search(search.tokens, search.filters, (number - 1) * PER_PAGE, PER_PAGE, timezone.now())
    articles = with_body_start(selectors.visible_articles()).in_bulk(hits.ids)
    tokens = set(search.tokens)
    results = [
        {"article": articles[i], "title": highlight(articles[i].title, tokens), "snippet": snippet(articles[i], tokens)}
        for i in hits.ids
        if i in articles
    ]
    page = Page(results, max(1, number), paginator)
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)) if hits.total else []
    return page, page_range, describe_count(hits.total, backend.max_results)


# The parameters of the search form, in its order (a browser's query string is the cache key as sent).
SEARCH_PARAMETERS = {"q": text, "category": text, "source": text, "from": text, "to": text, "page": page_number}


@require_safe
@cached_page(query=SEARCH_PARAMETERS)
def search(request):
    categories = menu_categories(request)
    sources = cached_value(
        "search-sources",
        lambda: list(Source.objects.filter(active=True).order_by("name").only("id", "name", "slug")),
        SOURCES_CACHE_SECONDS,
    )
    query = parse_search(request.GET, categories, sources)
    page = page_range = count_text = None
    if query.tokens:
        page, page_range, count_text = _results(request, query, _page_number(request.GET.get("page")))
    return render(
        request,
        "site/search.html",
        {
            "query": query,
            "category_options": _options(categories, query.category, display_digits),
            "source_options": _options(sources, query.source, str),
            "page_obj": page,
            "page_range": page_range,
            "count_text": count_text,
            "date_example": DATE_EXAMPLE,
            "canonical_url": public_url(request, reverse("site:search")),
        },
    )


def _options(items, selected, shown) -> SafeString:
    """The ``<option>``s of a filter's ``<select>``, in one call rather than a template loop per outlet."""
    return format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        (
            (item.slug, " selected" if selected is not None and selected.pk == item.pk else "", shown(item.name))
            for item in items
        ),
    )
