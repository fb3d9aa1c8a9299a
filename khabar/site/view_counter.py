"""Count article views without slowing the page: in memory first, then in batches to the database.

``record(request, article_id)`` costs a hash and a cache lookup: a person's first view
of an article in ``DEDUP_SECONDS`` adds one to an in-process buffer. The buffer is
written to ``ArticleDailyViews`` (and the total ``Article.view_count``) by ``flush()``:
every ``KHABAR_VIEWS_FLUSH_SECONDS`` from a background thread, as soon as
``KHABAR_VIEWS_FLUSH_THRESHOLD`` views are waiting, and when the process exits.
Bots and prefetches are never counted; no address or visitor key reaches the database.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from khabar.site.visitors import first_sight, is_countable_view

log = logging.getLogger(__name__)

DEDUP_SECONDS = 30 * 60
KEEP_DAYS = 8  # «پربازدیدها» looks back 7 days (plus the partly covered eighth)


class ViewBuffer:
    """Views waiting to be written, per (article id, UTC day)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter[tuple[int, date]] = Counter()
        self._pending = 0
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self._pruned_day: date | None = None
        self.database = ""  # the database the waiting views belong to

    def add(self, article_id: int, day: date) -> int:
        with self._lock:
            self.database = connection.settings_dict.get("NAME", "")
            self._counts[(article_id, day)] += 1
            self._pending += 1
            return self._pending

    def take(self) -> Counter:
        with self._lock:
            counts, self._counts, self._pending = self._counts, Counter(), 0
            return counts

    def pending(self) -> int:
        with self._lock:
            return self._pending

    # --- the periodic flush ----------------------------------------------------
    def ensure_flusher(self) -> bool:
        """Start the flush thread of this process (again after a fork). False when disabled."""
        if settings.KHABAR_VIEWS_FLUSH_SECONDS <= 0:
            return False
        if self._thread is not None and self._thread_pid == os.getpid() and self._thread.is_alive():
            return True
        with self._lock:
            if self._thread is None or self._thread_pid != os.getpid() or not self._thread.is_alive():
                self._wake = threading.Event()
                self._thread = threading.Thread(target=self._run, name="khabar-view-flush", daemon=True)
                self._thread_pid = os.getpid()
                self._thread.start()
        return True

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            interval = settings.KHABAR_VIEWS_FLUSH_SECONDS
            if interval <= 0:
                return
            self._wake.wait(interval)
            self._wake.clear()
            if settings.KHABAR_VIEWS_FLUSH_SECONDS <= 0:
                return
            try:
                flush(self)
            except Exception:  # never let the thread die; the next round tries again
                log.exception("could not write view counts")
            finally:
                close_old_connections()
                connection.close()


_buffer = ViewBuffer()


def _flush_at_exit() -> None:
    if not _buffer.pending():
        return
    try:
        flush(_buffer)
    except Exception as exc:  # the database may already be gone; say so in one line
        log.warning("view counts not written at exit: %s", exc)


atexit.register(_flush_at_exit)


def record(request, article_id: int) -> bool:
    """Count this request as a view of ``article_id`` if it is a person's first in half an hour."""
    if not is_countable_view(request):
        return False
    if not first_sight(request, f"view:{article_id}", DEDUP_SECONDS):
        return False
    pending = _buffer.add(article_id, timezone.now().date())
    threaded = _buffer.ensure_flusher()
    if pending >= settings.KHABAR_VIEWS_FLUSH_THRESHOLD:
        if threaded:
            _buffer.wake()
        else:
            flush()
    return True


def pending() -> int:
    return _buffer.pending()


_UPSERT = (
    "INSERT INTO site_articledailyviews (article_id, day, count) VALUES {rows} "
    "ON CONFLICT (article_id, day) DO UPDATE SET count = site_articledailyviews.count + excluded.count"
)


def flush(buffer: ViewBuffer | None = None) -> int:
    """Write the waiting views; returns how many. Views of articles deleted meanwhile are dropped."""
    from khabar.news.models import Article
    from khabar.site.models import ArticleDailyViews

    buffer = buffer or _buffer
    counts = buffer.take()
    if not counts:
        return 0
    if buffer.database != connection.settings_dict.get("NAME", ""):
        # Counted against another database (e.g. a test database since torn down): never mix them.
        log.warning("dropped %d views counted for another database", sum(counts.values()))
        return 0
    existing = set(Article.objects.filter(id__in={aid for aid, _ in counts}).values_list("id", flat=True))
    rows = [(aid, day, n) for (aid, day), n in sorted(counts.items()) if aid in existing]
    totals: Counter[int] = Counter()
    for aid, _, n in rows:
        totals[aid] += n
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 300):
                chunk = rows[start : start + 300]
                params = [value for row in chunk for value in row]
                cursor.execute(_UPSERT.format(rows=", ".join(["(%s, %s, %s)"] * len(chunk))), params)
        by_amount: dict[int, list[int]] = {}
        for aid, n in totals.items():
            by_amount.setdefault(n, []).append(aid)
        for n, ids in by_amount.items():
            Article.objects.filter(id__in=ids).update(view_count=F("view_count") + n)
    today = timezone.now().date()
    if buffer._pruned_day != today:
        buffer._pruned_day = today
        ArticleDailyViews.objects.filter(day__lt=today - timedelta(days=KEEP_DAYS)).delete()
    return sum(totals.values())
