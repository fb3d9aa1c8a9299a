"""Store ``ArticleRecord``s idempotently: an article URL is stored once, ever."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from khabar.news.models import Article
from khabar.pipeline.records import ArticleRecord
from khabar.sources.models import Category


@dataclass
class StoreResult:
    new: int = 0
    existing: int = 0
    new_ids: list[int] = field(default_factory=list)


def known_urls(urls: list[str]) -> set[str]:
    """The subset of ``urls`` already stored."""
    found: set[str] = set()
    for start in range(0, len(urls), 500):
        found.update(Article.objects.filter(url__in=urls[start : start + 500]).values_list("url", flat=True))
    return found


def store_articles(
    source_id: int, feed_id: int | None, default_category_id: int | None, records: list[ArticleRecord]
) -> StoreResult:
    """Insert the records not stored yet. Safe to call again with the same records, from any worker."""
    unique: dict[str, ArticleRecord] = {}
    for record in records:
        unique.setdefault(record.url, record)
    urls = list(unique)
    already = known_urls(urls)
    categories = dict(Category.objects.values_list("slug", "id"))
    rows = [
        Article(
            source_id=source_id,
            feed_id=feed_id,
            url=record.url,
            guid=record.guid,
            title=record.title,
            lead=record.lead,
            body_text=record.body_text,
            body_html=record.body_html,
            image_url=record.image_url,
            published_at=record.published_at,
            category_id=categories.get(record.category_hint) or default_category_id or categories.get("other"),
            content_hash=record.content_hash,
            credit_reported_by=record.credit_reported_by,
            credit_citing=record.credit_citing,
            credit_place=record.credit_place,
        )
        for url, record in unique.items()
        if url not in already
    ]
    with transaction.atomic():
        # ignore_conflicts: another worker may have stored the same URL a moment ago;
        # the unique constraint on url keeps exactly one copy.
        Article.objects.bulk_create(rows, ignore_conflicts=True, batch_size=200)
    candidates = [url for url in urls if url not in already]
    new_ids: list[int] = []
    for start in range(0, len(candidates), 500):
        new_ids.extend(Article.objects.filter(url__in=candidates[start : start + 500]).values_list("id", flat=True))
    return StoreResult(new=len(new_ids), existing=len(already), new_ids=sorted(new_ids))
