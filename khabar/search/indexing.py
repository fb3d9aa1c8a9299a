"""Keep the search index up to date.

New articles are indexed when ``articles_stored`` is sent (the crawler commits them
first); an article saved through the ORM (e.g. hidden in the admin) is indexed again,
or removed when hidden.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Saves that touch none of these leave the index as it is.
INDEXED_FIELDS = frozenset(
    {"title", "lead", "body_text", "published_at", "category", "category_id", "source", "source_id", "hidden"}
)


def index_stored_articles(sender=None, article_ids=(), **kwargs) -> int:
    """Receiver of ``khabar.news.signals.articles_stored``."""
    from khabar.search.backends import get_backend

    if not article_ids:
        return 0
    return get_backend().index(list(article_ids))


def reindex_saved_article(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    """Receiver of ``post_save`` for Article."""
    from khabar.search.backends import get_backend

    if raw or (update_fields is not None and not INDEXED_FIELDS.intersection(update_fields)):
        return
    get_backend().index([instance.pk])


def unindex_deleted_article(sender, instance, **kwargs) -> None:
    from khabar.search.backends import get_backend

    get_backend().remove([instance.pk])
