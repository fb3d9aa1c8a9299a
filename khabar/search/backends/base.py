"""What every search backend does, and the parts they share (documents, batches, filters)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from khabar.pipeline.search_keys import search_key

log = logging.getLogger(__name__)

# Days after which a match counts half as much as a fresh one (relevance × recency).
RECENCY_HALF_LIFE_DAYS = 14.0
# Weight of a match in the headline relative to one in the lead or body.
TITLE_WEIGHT = 4.0
INDEX_BATCH = 500
# Ranking looks at the most recently stored matches only (ids grow as articles arrive), so a
# query matching half the archive costs no more than one matching a few thousand articles.
# Older matches are found with a date filter, which applies before this cap.
RANKED_CANDIDATES = 2000


@dataclass(frozen=True)
class SearchFilters:
    category_id: int | None = None
    source_id: int | None = None
    since: datetime | None = None  # inclusive (aware)
    until: datetime | None = None  # exclusive (aware)


@dataclass(frozen=True)
class SearchHits:
    ids: list[int]  # article ids of the requested slice, best first
    total: int  # matching articles, at most ``max_results``


@dataclass(frozen=True)
class IndexDocument:
    """One article as the index sees it: folded text plus the columns filters and ranking use."""

    article_id: int
    published_at: datetime
    category_id: int | None
    source_id: int
    title_key: str
    body_key: str


def document_for(row: dict) -> IndexDocument:
    """``row``: an article's values (id, title, lead, body_text, published_at, category_id, source_id)."""
    body = "\n".join(part for part in (row.get("lead") or "", row.get("body_text") or "") if part)
    return IndexDocument(
        article_id=row["id"],
        published_at=row["published_at"],
        category_id=row.get("category_id"),
        source_id=row["source_id"],
        title_key=search_key(row.get("title") or ""),
        body_key=search_key(body),
    )


ARTICLE_FIELDS = ("id", "title", "lead", "body_text", "published_at", "category_id", "source_id", "hidden")


class SearchBackend:
    """Full-text search over the folded text of articles (``khabar.pipeline.search_keys``).

    Subclasses implement ``_write``, ``_delete``, ``_clear``, ``search`` and ``count_indexed``.
    Hidden articles are kept out of the index.
    """

    max_results = 1000
    candidates = RANKED_CANDIDATES

    def __init__(self, using: str = "default"):
        self.using = using

    # --- writing -------------------------------------------------------------
    def index(self, article_ids: Iterable[int]) -> int:
        """(Re)index these articles; hidden or deleted ones are removed. Returns how many were indexed."""
        from khabar.news.models import Article

        ids = sorted({int(i) for i in article_ids})
        indexed = 0
        for start in range(0, len(ids), INDEX_BATCH):
            chunk = ids[start : start + INDEX_BATCH]
            rows = list(Article.objects.using(self.using).filter(id__in=chunk).values(*ARTICLE_FIELDS))
            documents = [document_for(row) for row in rows if not row["hidden"]]
            self._delete(chunk)
            self._write(documents)
            indexed += len(documents)
        return indexed

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Empty the index and index every visible article again (after the folding rules change)."""
        from khabar.news.models import Article

        self._clear()
        done = 0
        last_id = 0
        qs = Article.objects.using(self.using).filter(hidden=False).order_by("id")
        while True:
            rows = list(qs.filter(id__gt=last_id).values(*ARTICLE_FIELDS)[:INDEX_BATCH])
            if not rows:
                break
            self._write([document_for(row) for row in rows])
            done += len(rows)
            last_id = rows[-1]["id"]
            if progress:
                progress(done)
        return done

    def remove(self, article_ids: Iterable[int]) -> None:
        self._delete(sorted({int(i) for i in article_ids}))

    # --- backend specific ------------------------------------------------------
    def _write(self, documents: list[IndexDocument]) -> None:
        raise NotImplementedError

    def _delete(self, article_ids: list[int]) -> None:
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError

    def count_indexed(self) -> int:
        raise NotImplementedError

    def search(self, tokens: list[str], filters: SearchFilters, offset: int, limit: int, now: datetime) -> SearchHits:
        """Articles matching every token (folded, see ``search_tokens``), by relevance × recency.

        Ranks the ``candidates`` most recently stored matches (all of them when fewer match).
        """
        raise NotImplementedError
