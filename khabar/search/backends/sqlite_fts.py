"""Search on SQLite: an FTS5 table of folded text (created by migration search.0001)."""

from __future__ import annotations

from datetime import datetime

from django.db import connections

from khabar.search.backends.base import (
    RECENCY_HALF_LIFE_DAYS,
    TITLE_WEIGHT,
    IndexDocument,
    SearchBackend,
    SearchFilters,
    SearchHits,
)

TABLE = "search_article_index"
# Columns (migrations search.0001, 0002): article_id (= rowid), published (days since 1970, UTC),
# category_id, source_id: stored, not indexed (queries read none of them: FTS5 would read the
# whole stored row for each); then the folded title and body (bm25 weights below follow this
# order); then tags, "c<category id> s<source id>": the category and outlet filters are terms of
# the MATCH, so the index intersects doclists instead of reading each match's row (weight 0: no
# part of relevance).
TEXT_COLUMNS = "{title body}"
# Migration search.0003: article_id (INTEGER PRIMARY KEY) -> published, the recency of ranking and
# the date filters read from two numbers a row instead of the FTS5 table's stored text.
PUBLISHED = "search_article_published"


def epoch_days(value: datetime) -> float:
    return value.timestamp() / 86400.0


def match_expression(tokens: list[str], tags: list[str] = ()) -> str:
    """Every token must occur in the title or body (each one quoted, so nothing in it is FTS5
    syntax), and every tag in the tags column."""
    words = " ".join('"' + token.replace('"', '""') + '"' for token in tokens)
    return " AND ".join([f"{TEXT_COLUMNS} : ({words})", *(f'tags : "{tag}"' for tag in tags)])


def document_tags(category_id: int | None, source_id: int | None) -> str:
    return " ".join(tag for tag in (_tag("c", category_id), _tag("s", source_id)) if tag)


def _tag(kind: str, value: int | None) -> str:
    return f"{kind}{int(value)}" if value is not None else ""


class SqliteFtsBackend(SearchBackend):
    def _cursor(self):
        return connections[self.using].cursor()

    def _write(self, documents: list[IndexDocument]) -> None:
        if not documents:
            return
        with self._cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, article_id, published, category_id, source_id, title, body, tags)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.article_id,
                        d.article_id,
                        epoch_days(d.published_at),
                        d.category_id,
                        d.source_id,
                        d.title_key,
                        d.body_key,
                        document_tags(d.category_id, d.source_id),
                    )
                    for d in documents
                ],
            )
            cursor.executemany(
                f"INSERT OR REPLACE INTO {PUBLISHED} (article_id, published) VALUES (%s, %s)",
                [(d.article_id, epoch_days(d.published_at)) for d in documents],
            )

    def _delete(self, article_ids: list[int]) -> None:
        if not article_ids:
            return
        with self._cursor() as cursor:
            marks = ", ".join(["%s"] * len(article_ids))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", article_ids)
            cursor.execute(f"DELETE FROM {PUBLISHED} WHERE article_id IN ({marks})", article_ids)

    def _clear(self) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {PUBLISHED}")

    def count_indexed(self) -> int:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def _where(self, tokens: list[str], filters: SearchFilters) -> tuple[str, list]:
        """The FROM and WHERE of the matches: the index ``i``, joined with the dates ``p``."""
        tags = [_tag("c", filters.category_id), _tag("s", filters.source_id)]
        clauses = [f"{TABLE} MATCH %s"]
        params: list = [match_expression(tokens, [tag for tag in tags if tag])]
        if filters.since is not None:
            clauses.append("p.published >= %s")
            params.append(epoch_days(filters.since))
        if filters.until is not None:
            clauses.append("p.published < %s")
            params.append(epoch_days(filters.until))
        source = f"FROM {TABLE} AS i JOIN {PUBLISHED} AS p ON p.article_id = i.rowid WHERE " + " AND ".join(clauses)
        return source, params

    def search(self, tokens: list[str], filters: SearchFilters, offset: int, limit: int, now: datetime) -> SearchHits:
        if not tokens:
            return SearchHits(ids=[], total=0)
        source, params = self._where(tokens, filters)
        limit = max(0, min(limit, self.max_results - offset))
        with self._cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 {source} LIMIT %s)", [*params, self.max_results])
            total = cursor.fetchone()[0]
            if not total or not limit:
                return SearchHits(ids=[], total=total)
            # bm25() is negative (more negative = more relevant); dividing by the age factor
            # moves older matches towards zero, i.e. down the list. The inner query walks the
            # matches newest-stored first (FTS5 reads its doclists backwards) and stops early.
            cursor.execute(
                f"SELECT rowid FROM (SELECT i.rowid AS rowid, bm25({TABLE}, 0, 0, 0, 0, {TITLE_WEIGHT}, 1.0, 0)"
                f" AS relevance, p.published AS published {source} ORDER BY i.rowid DESC LIMIT %s)"
                f" ORDER BY relevance / (1.0 + max(%s - published, 0) / {RECENCY_HALF_LIFE_DAYS}), rowid DESC"
                " LIMIT %s OFFSET %s",
                [*params, self.candidates, epoch_days(now), limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return SearchHits(ids=ids, total=total)
