"""One re-check of stored articles' originals: fetch again, compare, record what changed.

The pages are fetched through the crawler's ``Fetcher`` (``crawler/egress.py``: robots.txt,
per-host politeness shared with the feed crawl, conditional GET with the page's ETag and
Last-Modified, so an unchanged page costs a 304). What the answer means is decided in the
pipeline (``pipeline/originals_diff.py``); this module keeps the record:

- the first re-check compares the page with what we stored (often the feed's copy: every stored
  line must still be there, the headline the same) and keeps the page's extraction; later
  re-checks compare the page with that extraction exactly (after normalization);
- an edit stores a new ``OriginalChange`` revision with the one before it (the article row
  keeps what was first stored);
- a page first seen gone marks the watch ``suspect``; a second check at least
  ``KHABAR_REMOVAL_CONFIRM_AFTER`` later that finds it still gone confirms the removal (the event
  keeps when it was first seen gone); a page seen again in between clears the suspicion;
- a failure (timeout, reset, 5xx) changes nothing but the time of the next try.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khabar.crawler.egress import polite_fetcher
from khabar.news.models import Article
from khabar.originals.models import OriginalChange, OriginalWatch
from khabar.originals.schedule import FAILURE_RETRY, next_scheduled, top_story_ids
from khabar.pipeline.collect import PAGE_ACCEPT
from khabar.pipeline.extract import extract_article
from khabar.pipeline.fetch import is_html_type
from khabar.pipeline.originals_diff import (
    FAILED,
    GONE,
    Snapshot,
    compare,
    compare_with_feed_copy,
    holds_article,
    recheck_verdict,
)
from khabar.pipeline.persian import prepare_text
from khabar.pipeline.records import FetchResult

log = logging.getLogger("khabar.originals")


@dataclass
class CheckReport:
    article_id: int
    source: str
    title: str
    outcome: str  # "unchanged", "not modified", "edited", "gone (suspected)", "removed", "failed", "back"
    detail: str = ""


def fetch_pages(watches: list[OriginalWatch]) -> list[FetchResult]:
    async def fetch_all() -> list[FetchResult]:
        async with polite_fetcher() as fetcher:
            return list(
                await asyncio.gather(
                    *(
                        fetcher.fetch(
                            w.article.url,
                            etag=w.etag,
                            last_modified=w.last_modified,
                            accept=PAGE_ACCEPT,
                            accept_type=is_html_type,
                        )
                        for w in watches
                    )
                )
            )

    return async_to_sync(fetch_all)() if watches else []


def stored_snapshot(article: Article) -> Snapshot:
    return Snapshot(article.title, article.lead, article.body_text)


def page_snapshot(watch: OriginalWatch) -> Snapshot | None:
    """The page as the last re-check extracted it (None before the first)."""
    if not (watch.page_title or watch.page_text):
        return None
    return Snapshot(watch.page_title, watch.page_lead, watch.page_text)


def recheck_articles(article_ids: list[int], now: datetime | None = None) -> list[CheckReport]:
    """Re-check these articles' originals now (whatever their schedule says)."""
    watches = list(OriginalWatch.objects.filter(pk__in=article_ids).select_related("article", "source").order_by("pk"))
    results = fetch_pages(watches)
    now = now or timezone.now()
    top_ids = top_story_ids()
    reports = []
    for watch, fetched in zip(watches, results):
        try:
            # Extraction is the slow part: done before record_check's transaction.
            seen = _seen_snapshot(fetched, watch.article.url) if fetched.ok and fetched.content else None
            reports.append(record_check(watch, fetched, now, top=watch.article.story_id in top_ids, seen=seen))
        except Exception:  # one article's bug must not lose the others' results
            log.exception("re-check of %s failed", watch.article.url[:300])
            OriginalWatch.objects.filter(pk=watch.pk).update(next_check_at=now + FAILURE_RETRY)
    return reports


def _seen_snapshot(fetched: FetchResult, url: str) -> Snapshot:
    page = extract_article(fetched.content, fetched.final_url or url, headers=fetched.headers)
    return Snapshot(prepare_text(page.title), prepare_text(page.lead), prepare_text(page.text))


@transaction.atomic
def record_check(
    watch: OriginalWatch, fetched: FetchResult, now: datetime, *, top: bool = False, seen: Snapshot | None = None
) -> CheckReport:
    """Record what one re-check found (``seen``: the page's extraction, made here when not given)."""
    article = watch.article
    report = CheckReport(article.pk, watch.source.name, article.title, "unchanged")
    verdict = recheck_verdict(
        original_url=article.url,
        status=fetched.status,
        error_kind=fetched.error_kind,
        final_url=fetched.final_url,
        redirected=bool(fetched.redirects),
        not_modified=fetched.not_modified,
    )
    watch.checks += 1
    watch.last_checked_at = now
    scheduled = next_scheduled(article.published_at, now, top=top)
    if verdict.state == FAILED:
        watch.failures += 1
        report.outcome, report.detail = "failed", fetched.error or verdict.reason
        watch.last_result = f"failed: {report.detail}"[:200]
        retry = now + FAILURE_RETRY * min(watch.failures, 12)
        watch.next_check_at = min(retry, scheduled) if scheduled else (retry if watch.failures < 5 else None)
        if watch.state == OriginalWatch.SUSPECT:
            watch.next_check_at = retry  # the removal waits for a check that answers
        watch.save()
        return report
    watch.failures = 0
    stored = page_snapshot(watch) or stored_snapshot(article)
    gone_reason = verdict.reason if verdict.state == GONE else ""
    if not gone_reason and not fetched.not_modified:
        seen = seen or _seen_snapshot(fetched, article.url)
        if not holds_article(stored, seen):
            gone_reason = "soft_404"
    if gone_reason:
        _record_gone(watch, gone_reason, now, scheduled, report)
        watch.save()
        return report
    if watch.state != OriginalWatch.PRESENT:
        report.outcome = "back"
        watch.state, watch.gone_since, watch.gone_reason = OriginalWatch.PRESENT, None, ""
    if fetched.not_modified:
        report.outcome = "not modified"
    elif seen is not None:
        watch.etag = fetched.headers.get("etag", "")[:500]
        watch.last_modified = fetched.headers.get("last-modified", "")[:100]
        before = page_snapshot(watch)
        comparison = compare(before, seen) if before else compare_with_feed_copy(stored, seen)
        if comparison.edited:
            before = before or stored
            OriginalChange.objects.create(
                article=article,
                source=watch.source,
                kind=OriginalChange.EDIT,
                detected_at=now,
                unchanged_at=watch.last_seen_at or article.fetched_at,
                title=(seen.title or before.title)[:500],
                lead=seen.lead,
                text=seen.text,
                before_title=before.title[:500],
                before_lead=before.lead,
                before_text=before.text,
                changed_fields=",".join(comparison.fields),
            )
            watch.edited_at = now
            report.outcome, report.detail = "edited", ", ".join(comparison.fields)
        watch.page_title, watch.page_lead, watch.page_text = seen.title[:500], seen.lead, seen.text
    watch.last_seen_at = now
    watch.last_result = report.outcome
    watch.next_check_at = scheduled
    watch.save()
    return report


def confirm_after() -> timedelta:
    return timedelta(seconds=settings.KHABAR_REMOVAL_CONFIRM_AFTER)


def _record_gone(
    watch: OriginalWatch, reason: str, now: datetime, scheduled: datetime | None, report: CheckReport
) -> None:
    report.detail = reason
    watch.last_result = f"gone: {reason}"
    if watch.state == OriginalWatch.REMOVED:
        report.outcome = "removed"
        watch.next_check_at = scheduled
        return
    if watch.state == OriginalWatch.PRESENT or watch.gone_since is None:
        watch.state, watch.gone_since, watch.gone_reason = OriginalWatch.SUSPECT, now, reason
        watch.next_check_at = now + confirm_after()
        report.outcome = "gone (suspected)"
        return
    if now - watch.gone_since < confirm_after():  # too early to confirm (e.g. `check --all`)
        watch.next_check_at = watch.gone_since + confirm_after()
        report.outcome = "gone (suspected)"
        return
    watch.state, watch.removed_at, watch.gone_reason = OriginalWatch.REMOVED, now, reason
    OriginalChange.objects.create(
        article=watch.article,
        source=watch.source,
        kind=OriginalChange.REMOVAL,
        detected_at=now,
        unchanged_at=watch.last_seen_at or watch.article.fetched_at,
        gone_since=watch.gone_since,
        reason=reason,
    )
    watch.next_check_at = scheduled
    report.outcome = "removed"
