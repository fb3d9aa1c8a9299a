"""Search on PostgreSQL: a table of tsvectors ('simple' config over the folded text) with a GIN index."""

from __future__ import annotations

import json
import time
from datetime import datetime

from django.db import connections, transaction

from khabar.search.backends.base import (
    RECENCY_HALF_LIFE_DAYS,
    TITLE_WEIGHT,
    IndexDocument,
    SearchBackend,
    SearchFilters,
    SearchHits,
)

TABLE = "search_article_index"
# Columns (migration search.0001): article_id, published_at, category_id, source_id, document
# (tsvector of the folded title, weight A, and lead + body, weight D), GIN-indexed; B-tree indexes
# on category_id and source_id (search.0004) let filters join the GIN bitmap.
# ts_rank weights for labels D, C, B, A: the headline (A) counts TITLE_WEIGHT times the body (D).
_WEIGHTS = f"{{{1.0 / TITLE_WEIGHT}, {1.0 / TITLE_WEIGHT}, {1.0 / TITLE_WEIGHT}, {1.0}}}"
# The table's row estimate and id range, read again every few minutes (a stale last id only
# widens the span: newer ids are above any floor).
TABLE_ESTIMATE_SECONDS = 300.0
_TABLE_ESTIMATES: dict[str, tuple[float, int, int, float]] = {}  # alias -> (rows, first id, last id, when read)
# With many matches, only the newest ids expected to hold ``candidates`` of them are read, this
# many times over; when they hold fewer (the planner's estimate was high), the span is widened.
SPAN_MARGIN = 1.5
SPAN_FROM = 2.0  # expected matches, in candidates, from which a span is used (fewer: read them all)
MAX_WIDENINGS = 2  # then every match
# Plan settings for the search's transaction only. Bitmaps only: the planner's cost model ignores
# that testing a row's document reads it from TOAST, and would walk the primary key newest first
# testing each row (225 ms for a word in 5 % of 100,000 articles). Heap rows costed 30 × the
# default for the same reason, so that the GIN bitmap is ANDed with the id span (and the filters'
# indexes) rather than the span's rows tested one by one (70 -> 12 ms for a word in a quarter of
# the articles). No JIT or parallel workers: they cost more than these queries take.
PLAN_SETTINGS = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "cpu_tuple_cost": "0.3",
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
}
_SET_PLAN = "; ".join(f"SET LOCAL {name} = {value}" for name, value in PLAN_SETTINGS.items())
# SET LOCAL lasts until the end of the outermost transaction: inside one, put the session's values back.
_RESET_PLAN = "; ".join(f"SET LOCAL {name} TO DEFAULT" for name in PLAN_SETTINGS)


class PostgresSearchBackend(SearchBackend):
    def _cursor(self):
        return connections[self.using].cursor()

    def _write(self, documents: list[IndexDocument]) -> None:
        if not documents:
            return
        with self._cursor() as cursor:
            cursor.executemany(
                f"""INSERT INTO {TABLE} (article_id, published_at, category_id, source_id, document)
                VALUES (%s, %s, %s, %s, setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D'))
                ON CONFLICT (article_id) DO UPDATE SET published_at = EXCLUDED.published_at,
                    category_id = EXCLUDED.category_id, source_id = EXCLUDED.source_id, document = EXCLUDED.document""",
                [
                    (d.article_id, d.published_at, d.category_id, d.source_id, d.title_key, d.body_key)
                    for d in documents
                ],
            )

    def _delete(self, article_ids: list[int]) -> None:
        if not article_ids:
            return
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [article_ids])

    def _clear(self) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    def rebuild(self, progress=None) -> int:
        done = super().rebuild(progress)
        with self._cursor() as cursor:  # fresh statistics for the search's estimates (autovacuum may lag)
            cursor.execute(f"ANALYZE {TABLE}")
        _TABLE_ESTIMATES.pop(self.using, None)
        return done

    def count_indexed(self) -> int:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            return cursor.fetchone()[0]

    def _where(self, filters: SearchFilters) -> tuple[str, list]:
        clauses = ["document @@ q"]
        params: list = []
        if filters.category_id is not None:
            clauses.append("category_id = %s")
            params.append(filters.category_id)
        if filters.source_id is not None:
            clauses.append("source_id = %s")
            params.append(filters.source_id)
        if filters.since is not None:
            clauses.append("published_at >= %s")
            params.append(filters.since)
        if filters.until is not None:
            clauses.append("published_at < %s")
            params.append(filters.until)
        return " AND ".join(clauses), params

    def search(self, tokens: list[str], filters: SearchFilters, offset: int, limit: int, now: datetime) -> SearchHits:
        """One query ranks the newest ``candidates`` matches and counts them; matches come from the
        GIN index only (bitmaps), within the span of newest ids expected to hold the candidates
        when many match. Each candidate's document is read from TOAST once, for ``ts_rank``."""
        if not tokens:
            return SearchHits(ids=[], total=0)
        where, params = self._where(filters)
        params = [" ".join(tokens), *params]
        limit = max(0, min(limit, self.max_results - offset))
        source = f"FROM {TABLE}, plainto_tsquery('simple', %s) AS q WHERE {where}"
        nested = connections[self.using].in_atomic_block
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            rows, first, last = self._table_estimate(cursor)
            floor = None
            # No span before the table is first analyzed (no estimates), nor with an upper date
            # bound: ids are not dates, the newest ids may hold no match at all.
            if filters.until is None and rows > 0:
                floor = self._span_floor(cursor, source, params, first, last)
            cursor.execute(_SET_PLAN)
            for widening in range(MAX_WIDENINGS + 1):
                found, ids = self._ranked(cursor, source, params, floor, offset, limit, now)
                if floor is None or found >= self.candidates:
                    break  # the newest candidates are all above the floor: the same as without it
                floor = self._wider(floor, found, first, last) if widening < MAX_WIDENINGS else None
            total = min(found, self.max_results)
            if found >= self.candidates and self.candidates < self.max_results:
                cursor.execute(f"SELECT count(*) FROM (SELECT 1 {source} LIMIT %s) AS m", [*params, self.max_results])
                total = cursor.fetchone()[0]
            if nested:
                cursor.execute(_RESET_PLAN)
        return SearchHits(ids=ids, total=total)

    def _ranked(self, cursor, source: str, params: list, floor: int | None, offset: int, limit: int, now: datetime):
        """(number of candidates, the page's ids): the newest ``candidates`` matches above ``floor``,
        by relevance × recency."""
        span = "" if floor is None else " AND article_id > %s"
        # ts_rank outside the LIMIT: only the candidates' documents are read from TOAST.
        cursor.execute(
            f"WITH candidates AS MATERIALIZED (SELECT article_id, published_at, ts_rank(%s, document, q) AS relevance"
            f" FROM (SELECT article_id, published_at, document, q {source}{span}"
            f" ORDER BY article_id DESC LIMIT %s) AS newest)"
            f" SELECT NULL, count(*) FROM candidates UNION ALL"
            f" (SELECT article_id, NULL FROM candidates"
            f" ORDER BY relevance / (1.0 + greatest(extract(epoch FROM (%s - published_at)) / 86400.0, 0)"
            f" / {RECENCY_HALF_LIFE_DAYS}) DESC, article_id DESC LIMIT %s OFFSET %s)",
            [_WEIGHTS, *params, *([] if floor is None else [floor]), self.candidates, now, limit, offset],
        )
        rows = cursor.fetchall()
        return next(n for i, n in rows if i is None), [i for i, _ in rows if i is not None]

    def _span_floor(self, cursor, source: str, params: list, first: int, last: int) -> int | None:
        """The id above which the planner expects ``candidates`` matches (with a margin), or None
        to read every match when few are expected.

        Ids grow with time and matches spread evenly enough over them: a word in 5 % of 100,000
        articles has its 2,000 newest matches among the newest 40,000 × margin ids. Reading only
        those (GIN bitmap AND primary key range) costs about as much for a word in half the
        articles as for one in a few thousand."""
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 {source}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        expected = plan[0]["Plan"]["Plan Rows"]
        if expected < SPAN_FROM * self.candidates:
            return None
        span = self.candidates * SPAN_MARGIN * (last - first + 1) / expected
        return self._floor(last - span, first)

    def _wider(self, floor: int, found: int, first: int, last: int) -> int | None:
        """A lower floor after ``found`` < candidates matches above ``floor``: by the density seen."""
        if found <= 0:
            return None
        span = max(last - floor, 1)
        return self._floor(last - span * max(2.0, SPAN_MARGIN * self.candidates / found), first)

    @staticmethod
    def _floor(value: float, first: int) -> int | None:
        return int(value) if value > first else None

    def _table_estimate(self, cursor) -> tuple[float, int, int]:
        """(the planner's count of indexed articles, first id, last id), read again every few minutes."""
        now = time.monotonic()
        known = _TABLE_ESTIMATES.get(self.using)
        if known is None or now - known[3] > TABLE_ESTIMATE_SECONDS:
            cursor.execute(
                f"SELECT reltuples, (SELECT min(article_id) FROM {TABLE}), (SELECT max(article_id) FROM {TABLE})"
                " FROM pg_class WHERE oid = %s::regclass",
                [TABLE],
            )
            rows, first, last = cursor.fetchone()
            rows = float(rows) if first is not None else 0.0  # -1: never analyzed
            known = _TABLE_ESTIMATES[self.using] = (rows, first or 0, last or 0, now)
        return known[:3]
