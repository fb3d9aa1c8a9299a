"""Step 4b of the recipe: the new articles' images, fetched as they are crawled and stored in the database.

Readers are served only what is stored here (``/img/<id>/``, ``khabar.site.image_proxy``): no
reader's request ever reaches an outlet or waits for one. Fetching goes through the crawler's
``Fetcher`` (``khabar.pipeline.images.fetch_image``), with the crawl's politeness and deadlines.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings

from khabar.crawler.egress import polite_fetcher
from khabar.news.models import Article, ArticleImage
from khabar.pipeline.fetch import Fetcher
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.images import fetch_image

log = logging.getLogger("khabar.crawler")


def _wanted(article_ids: list[int]) -> list[tuple[int, str]]:
    """(id, image URL) of those articles that have an http(s) image and none stored yet."""
    rows = Article.objects.filter(pk__in=article_ids, stored_image__isnull=True).exclude(image_url="")
    return [(pk, url) for pk, url in rows.values_list("pk", "image_url") if is_http_url(url)]


def _store(article_id: int, url: str, content: bytes, content_type: str) -> None:
    ArticleImage.objects.update_or_create(
        article_id=article_id, defaults={"url": url, "content_type": content_type, "data": content}
    )


async def fetch_article_images(fetcher: Fetcher, article_ids: list[int]) -> int:
    """Fetch and store the images of ``article_ids``; how many were stored. A failure is logged only."""
    wanted = await sync_to_async(_wanted)(article_ids)

    async def one(article_id: int, url: str) -> bool:
        image = await fetch_image(fetcher, url, settings.KHABAR_IMAGE_MAX_BYTES)
        if not image.content:
            log.info("image of article %s not kept (%s): %s", article_id, url[:200], image.problem)
            return False
        try:
            await sync_to_async(_store)(article_id, url, image.content, image.content_type)
        except Exception:  # the article is stored and announced already: an image never fails its feed
            log.exception("image of article %s not stored", article_id)
            return False
        return True

    return sum(await asyncio.gather(*(one(pk, url) for pk, url in wanted)))


def fetch_images_now(article_ids: list[int]) -> int:
    """``fetch_article_images`` from synchronous code (tests, a catch-up), with its own polite fetcher."""

    async def run() -> int:
        async with polite_fetcher() as fetcher:
            return await fetch_article_images(fetcher, article_ids)

    return async_to_sync(run)() if article_ids else 0
