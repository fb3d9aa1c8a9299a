"""RSS 2.0 and Atom feeds of the latest news, of each category and of the top stories."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from khabar.news.models import Article
from khabar.site import selectors
from khabar.site.templatetags.persian import http_url
from khabar.sources.models import Category

FEED_ITEMS = 50
SITE_TITLE = "خبر"


class _ArticleFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "fa"
    author_name = SITE_TITLE

    def items(self, obj=None):
        raise NotImplementedError

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        """HTML, as readers take RSS ``<description>`` and Atom ``type="html"``: the plain text is escaped."""
        text = item.lead or item.body_text[:400]
        return escape(f"«{item.source.name}»: {text}" if text else f"«{item.source.name}»")

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        return str(item.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.source.name

    def item_author_link(self, item: Article) -> str | None:
        return http_url(item.source.homepage) or None

    def item_categories(self, item: Article):
        return [item.category.name] if item.category_id else []


class LatestRss(_ArticleFeed):
    title = "خبر: آخرین اخبار"
    description = "آخرین اخبار رسانه‌های فارسی‌زبان، جمع‌آوری‌شده به‌طور خودکار."

    def link(self):
        return reverse("site:latest")

    def items(self):
        return selectors.latest()[:FEED_ITEMS]


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    subtitle = LatestRss.description


class CategoryRss(_ArticleFeed):
    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return f"خبر: اخبار {obj.name}"

    def description(self, obj: Category) -> str:
        return f"آخرین اخبار {obj.name} از رسانه‌های فارسی‌زبان."

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Category):
        return selectors.latest(obj)[:FEED_ITEMS]


class CategoryAtom(CategoryRss):
    feed_type = Atom1Feed

    def subtitle(self, obj: Category) -> str:
        return self.description(obj)


class TopRss(_ArticleFeed):
    title = "خبر: مهم‌ترین خبرها در صدر رسانه‌ها"
    description = "خبرهایی که این لحظه در صدر رسانه‌های فارسی‌زبان هستند."

    def link(self):
        return reverse("site:top")

    def items(self):
        return list(selectors.top_articles()[:FEED_ITEMS])


class TopAtom(TopRss):
    feed_type = Atom1Feed
    subtitle = TopRss.description
