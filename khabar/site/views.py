"""The reader's list pages: home, categories, latest news, outlets and /top/ (ranked by the stories app).

The article page is in ``article_views``, the footer pages in ``page_views``.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_safe

from khabar.news.models import Article
from khabar.public_url import public_url
from khabar.site import selectors
from khabar.site.context import menu_categories
from khabar.site.page_cache import cached_page, page_number
from khabar.site.pagination import PER_PAGE, paginate
from khabar.sources.models import Source
from khabar.stories.selectors import attach_outlets, top_stories

__all__ = ["PER_PAGE", "category", "home", "latest", "source", "top"]


def feed_links(title: str, name: str, *args) -> list[dict]:
    """The RSS and Atom <link rel="alternate"> of a page (feeds named feed_<name>_rss / _atom)."""
    return [
        {
            "title": title,
            "rss": reverse(f"site:feed_{name}_rss", args=args),
            "atom": reverse(f"site:feed_{name}_atom", args=args),
        }
    ]


def _paginate(request, queryset, count_key: str | None = None):
    return paginate(request, queryset, count_key=count_key)


@require_safe
@cached_page
def home(request):
    categories = menu_categories(request)
    by_category = selectors.latest_by_category(categories)
    sections = [{"category": c, "articles": by_category[c.pk]} for c in categories if by_category[c.pk]]
    has_news = bool(sections) or Article.objects.visible().exists()
    return render(
        request,
        "site/home.html",
        {
            "sections": sections,
            "has_news": has_news,
            "canonical_url": public_url(request, reverse("site:home")),
            "feed_links": feed_links("خبر: آخرین اخبار", "latest"),
        },
    )


PAGED = {"page": page_number}


@require_safe
@cached_page(query=PAGED)
def category(request, slug: str):
    categories = menu_categories(request)
    current = next((c for c in categories if c.slug == slug), None)
    if current is None:
        raise Http404("دسته پیدا نشد")
    page, page_range = _paginate(request, selectors.latest(current), count_key=f"category:{current.pk}")
    return render(
        request,
        "site/category.html",
        {
            "category": current,
            "current_category": current,
            "page_obj": page,
            "page_range": page_range,
            "important": selectors.important_now(current)[: selectors.IMPORTANT_ITEMS],
            "canonical_url": public_url(request, current.get_absolute_url(), page.number),
            "feed_links": feed_links(f"خبر: اخبار {current.name}", "category", current.slug),
        },
    )


@require_GET
def top(request):
    """«مهم‌ترین خبرها در صدر رسانه‌ها»: stories ranked by how many outlets cover them now and how prominently."""
    page, page_range = _paginate(request, top_stories())
    stories = attach_outlets(list(page.object_list))
    latest_page = None
    if not stories:  # no story yet (a fresh instance): the newest articles
        page, page_range = _paginate(request, selectors.top_articles())
        latest_page = page
    return render(
        request,
        "site/top.html",
        {
            "page_obj": page,
            "page_range": page_range,
            "stories": stories,
            "latest_page": latest_page,
            "canonical_url": public_url(request, reverse("site:top"), page.number),
            "feed_links": feed_links("خبر: مهم‌ترین خبرها در صدر رسانه‌ها", "top"),
        },
    )


@require_safe
@cached_page(query=PAGED)
def latest(request):
    page, page_range = _paginate(request, selectors.latest(), count_key="latest")
    return render(
        request,
        "site/latest.html",
        {
            "page_obj": page,
            "page_range": page_range,
            "canonical_url": public_url(request, reverse("site:latest"), page.number),
            "feed_links": feed_links("خبر: آخرین اخبار", "latest"),
        },
    )


@require_safe
@cached_page(query=PAGED)
def source(request, slug: str):
    outlet = get_object_or_404(Source, slug=slug)
    page, page_range = _paginate(request, selectors.latest_of_source(outlet), count_key=f"source:{outlet.pk}")
    return render(
        request,
        "site/source.html",
        {
            "source": outlet,
            "feeds": list(outlet.feeds.select_related("category").order_by("url")),
            "page_obj": page,
            "page_range": page_range,
            "canonical_url": public_url(request, reverse("site:source", args=[outlet.slug]), page.number),
        },
    )
