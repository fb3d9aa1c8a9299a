"""sitemap.xml (with its sections), the Google News sitemap and robots.txt."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from khabar.news.models import Article
from khabar.public_url import public_url
from khabar.site.page_cache import cached_page
from khabar.site.seo import SITE_NAME
from khabar.sources.models import Category, Source

NEWS_SITEMAP_DAYS = 2
NEWS_SITEMAP_MAX = 1000  # Google News reads at most 1,000 items per sitemap


class _SiteSitemap(Sitemap):
    """Uses KHABAR_SITE_URL when set, else the request's host and scheme."""

    def get_domain(self, site=None):
        if settings.KHABAR_SITE_URL:
            return urlsplit(settings.KHABAR_SITE_URL).netloc
        return super().get_domain(site)

    def get_protocol(self, protocol=None):
        if settings.KHABAR_SITE_URL:
            return urlsplit(settings.KHABAR_SITE_URL).scheme
        return super().get_protocol(protocol)


class PagesSitemap(_SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return [
            "site:home",
            "site:latest",
            "site:top",
            "site:about",
            "site:contact",
            "site:advertising",
            "site:privacy",
        ]

    def location(self, item):
        return reverse(item)


class CategorySitemap(_SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Category.objects.order_by("order", "id")


class SourceSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Source.objects.order_by("id")

    def location(self, item):
        return reverse("site:source", args=[item.slug])


class ArticleSitemap(_SiteSitemap):
    limit = 10000

    def items(self):
        return Article.objects.visible().order_by("-id").only("id", "published_at")

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {
    "pages": PagesSitemap,
    "categories": CategorySitemap,
    "sources": SourceSitemap,
    "articles": ArticleSitemap,
}


@require_safe
@cached_page
def news_sitemap(request):
    since = timezone.now() - timedelta(days=NEWS_SITEMAP_DAYS)
    articles = (
        Article.objects.visible()
        .filter(published_at__gte=since)
        .latest_first()
        .only("id", "title", "published_at")[:NEWS_SITEMAP_MAX]
    )
    items = [{"loc": public_url(request, a.get_absolute_url()), "article": a} for a in articles]
    return render(
        request,
        "site/sitemap_news.xml",
        {"items": items, "publication": SITE_NAME},
        content_type="application/xml; charset=utf-8",
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /img/",
        "",
        f"Sitemap: {public_url(request, reverse('site:sitemap_index'))}",
        f"Sitemap: {public_url(request, reverse('site:news_sitemap'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
