"""Self-healing: feeds and outlets that moved are followed, feeds gone wrong are replaced.

* A feed answering 301/308 (to the same host or another) is moved to where it leads, at
  the check that saw it (``follow_permanent_redirect``); a move to another host also asks
  for a rediscovery of the outlet, whose homepage then follows.
* A feed answering 404/410 or an HTML page (``failure_class`` ``wrong_url``), or paused,
  asks for a rediscovery of its outlet from the homepage (``feed_health.py``). The
  rediscovery (``crawler/discovery.py``) hands its report to ``heal_source``: a homepage
  that moved permanently is followed; each wrong or paused feed is replaced by a working
  feed (or news sitemap, or listing page) not crawled yet, the closest first (same kind,
  same category, shared address words); a paused feed found working again is resumed; an
  outlet left with nothing crawlable (and no feed turned off by an operator) gets what the
  discovery planned.

Every change is a ``UrlChange`` row (old, new, why, when): `khabar sources status` lists
them, and the console can.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from khabar.pipeline.discovery import DiscoveryReport, PlannedCrawl
from khabar.pipeline.listing_page import site_host
from khabar.pipeline.records import FeedRefresh
from khabar.sources.models import Category, Feed, Source, UrlChange

log = logging.getLogger("khabar.crawler")
_WORD = re.compile(r"[a-z]{3,}|\d+")
_GENERIC = {"rss", "feed", "feeds", "xml", "atom", "rdf", "www", "http", "https", "com", "news", "api"}


def record_change(source_id: int, feed: Feed | None, what: str, old: str, new: str, reason: str, now=None) -> UrlChange:
    log.info("%s of source %s moved: %s -> %s (%s)", what, source_id, old, new, reason)
    return UrlChange.objects.create(
        source_id=source_id,
        feed=feed,
        what=what,
        old_url=old[:1000],
        new_url=new[:1000],
        reason=reason[:500],
        changed_at=now or timezone.now(),
    )


def request_discovery(source_id: int, now=None) -> None:
    Source.objects.filter(pk=source_id).update(discovery_requested_at=now or timezone.now())


def follow_permanent_redirect(feed: Feed, refresh: FeedRefresh, now=None) -> None:
    """After a successful check: a feed that answered only 301/308 now lives where they led."""
    fetched = refresh.fetch
    if refresh.error or fetched is None or not fetched.moved_permanently:
        return
    new, old = fetched.final_url, feed.url
    if not new or new == old:
        return
    statuses = "/".join(str(status) for status, _ in fetched.redirects)
    now = now or timezone.now()
    twin = Feed.objects.filter(url=new).exclude(pk=feed.pk).first()
    if twin is not None:  # two catalogue entries were one feed: keep the one at the right address
        feed.active = False
        record_change(
            feed.source_id, twin, "feed", old, new, f"HTTP {statuses}; the feed there is crawled already", now
        )
        return
    try:
        with transaction.atomic():
            Feed.objects.filter(pk=feed.pk).update(url=new, host=urlsplit(new).netloc.lower()[:255])
            record_change(feed.source_id, feed, "feed", old, new, f"moved permanently (HTTP {statuses})", now)
    except IntegrityError:  # another worker registered that URL a moment ago
        return
    feed.url = new
    if site_host(new) != site_host(old):
        request_discovery(feed.source_id, now)  # the outlet's domain may have moved: follow its homepage


def broken_feeds(source: Source):
    """The outlet's feeds that want replacing: wrong address, or paused."""
    return Feed.objects.filter(source=source, active=True).filter(
        Q(failure_class="wrong_url", error_streak__gt=0) | Q(paused_at__isnull=False)
    )


def _words(url: str) -> set[str]:
    parts = urlsplit(url)
    return set(_WORD.findall(f"{parts.path} {parts.query}".lower())) - _GENERIC


def _closeness(feed: Feed, entry: PlannedCrawl) -> int:
    score = 2 if entry.kind == feed.kind else 0
    if feed.category_id is not None and entry.category == feed.category.slug:
        score += 3
    return score + len(_words(feed.url) & _words(entry.url))


def _replace(feed: Feed, entry: PlannedCrawl, categories: dict[str, Category], now) -> bool:
    """Point ``feed`` at ``entry`` with a fresh health record; False when it is being checked right now."""
    old = feed.url
    values = {
        "url": entry.url,
        "host": urlsplit(entry.url).netloc.lower()[:255],
        "kind": entry.kind,
        "etag": "",
        "last_modified": "",
        "error_streak": 0,
        "error_kind": "",
        "failure_class": "",
        "last_error": "",
        "failing_since": None,
        "paused_at": None,
        "next_check_at": now,
        "next_check_reason": "جایگزین‌شده در جست‌وجوی دوباره: همین حالا بررسی می‌شود",
    }
    if feed.category_id is None and entry.category in categories:
        values["category"] = categories[entry.category]
    why = f"{feed.last_error or 'paused'}"[:160]
    try:
        with transaction.atomic():
            changed = Feed.objects.filter(pk=feed.pk, url=old, claimed_at__isnull=True).update(**values)
            if changed:
                record_change(
                    feed.source_id, feed, "feed", old, entry.url, f"rediscovered ({why}); {entry.reason}", now
                )
    except IntegrityError:
        return False
    return bool(changed)


def heal_source(source: Source, report: DiscoveryReport, now=None) -> list[str]:
    """Apply a rediscovery of ``source``: follow its homepage, replace its broken feeds, fill an empty outlet."""
    now = now or timezone.now()
    notes: list[str] = []
    if report.error:
        notes.append(f"homepage not read: {report.error}")
        return notes
    if report.moved_from and report.homepage and report.homepage != source.homepage:
        record_change(
            source.pk, None, "homepage", source.homepage, report.homepage, "moved permanently (HTTP 301/308)", now
        )
        notes.append(f"homepage moved to {report.homepage}")
        source.homepage = report.homepage
        source.save(update_fields=["homepage"])
    registered = set(Feed.objects.filter(url__in=[e.url for e in report.plan]).values_list("url", flat=True))
    pool = [entry for entry in report.plan if entry.url not in registered]
    categories = {c.slug: c for c in Category.objects.all()}
    working = {entry.url for entry in report.plan}
    for feed in broken_feeds(source).filter(paused_at__isnull=False, url__in=working):
        feed.resume(now)  # paused, but it works again: the discovery has just read it
        feed.next_check_reason = "از سر گرفته شد: جست‌وجوی دوباره آن را سالم یافت"
        feed.save()
        notes.append(f"{feed.url} works again: resumed")
    for feed in broken_feeds(source).exclude(url__in=working).select_related("category"):
        if not pool:
            notes.append(f"no working replacement for {feed.url}")
            continue
        best = max(pool, key=lambda entry: _closeness(feed, entry))
        if _replace(feed, best, categories, now):
            pool.remove(best)
            notes.append(f"{feed.url} replaced by {best.url}")
    turned_off = Feed.objects.filter(source=source, active=False).exists()  # an operator's choice is kept
    if pool and not turned_off and not Feed.objects.crawlable().filter(source=source).exists():
        for entry in pool:
            Feed.objects.get_or_create(
                url=entry.url,
                defaults={"source": source, "kind": entry.kind, "category": categories.get(entry.category or "")},
            )
        notes.append(f"{len(pool)} to crawl registered ({', '.join(sorted({e.kind for e in pool}))})")
    return notes or ["nothing to change"]
