"""Reading outlets' homepages on a slow schedule: which stored articles sit in their lead and top slots.

Every ``KHABAR_FRONT_PAGE_INTERVAL`` seconds each active source with a
homepage is read once. Its prominent links, found on any real homepage without
per-site rules (``khabar.pipeline.stories.front_pages.prominent_links``, helped
by the source's recently stored article URLs), are mapped to that source's
stored articles (``khabar.pipeline.stories.lead_slots``: relative, other-host
and e-paper ``ShowNews(ID)`` links included) and become ``FrontPageLead``
sightings with their slot (1 = the lead, then the top slots): extended while
the article stays in that slot, a new sighting when it comes back later or
moves. A page without a discernible lead gives none. The stories concerned are
re-ranked (prominence: outlets leading with a story now, outlet-hours in lead
slots, the lead weighing more than the sixth slot).

How it is started: the crawler's scheduler loop sends ``scheduler_tick``; the
stories app's receiver (``periodic.py``) calls ``enqueue_front_pages_if_due()``,
cheap when nothing is due (a query or two), and the round then runs as
``refresh_front_pages_task`` on a task worker. It must not run inside a feed
refresh (e.g. from an ``articles_stored`` receiver): it takes host slots of the
shared politeness that the refresh may be holding.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from khabar.news.models import Article
from khabar.pipeline.fetch import is_html_type
from khabar.pipeline.stories.lead_slots import StoredArticles, stored_lead_slots
from khabar.sources.models import Source
from khabar.stories.models import FrontPageCheck, FrontPageLead
from khabar.stories.ranking import rerank

log = logging.getLogger("khabar.stories")
KNOWN_ARTICLES = 2000  # a source's most recent stored articles that its homepage's links are matched with


def interval() -> timedelta:
    return timedelta(seconds=settings.KHABAR_FRONT_PAGE_INTERVAL)


@dataclass
class FrontPageReport:
    checked: int = 0
    failed: int = 0
    leads: int = 0  # lead and top-slot links that are stored articles
    reranked: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # homepage -> message


def claim_due(now=None, limit: int = 200) -> list[FrontPageCheck]:
    """Due homepage checks, moved one interval ahead so that no other process takes them."""
    now = now or timezone.now()
    with transaction.atomic():
        sources = Source.objects.filter(active=True).exclude(homepage="")
        missing = sources.exclude(front_page_check__isnull=False).values_list("pk", flat=True)
        FrontPageCheck.objects.bulk_create(
            [FrontPageCheck(source_id=pk, next_check_at=now) for pk in missing], ignore_conflicts=True
        )
        due = list(
            FrontPageCheck.objects.filter(next_check_at__lte=now, source__active=True)
            .exclude(source__homepage="")
            .select_related("source")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_check_at", "pk")[:limit]
        )
        FrontPageCheck.objects.filter(pk__in=[c.pk for c in due]).update(next_check_at=now + interval())
    return due


def is_due(now=None) -> bool:
    now = now or timezone.now()
    sources = Source.objects.filter(active=True).exclude(homepage="")
    return (
        FrontPageCheck.objects.filter(next_check_at__lte=now, source__in=sources).exists()
        or sources.filter(front_page_check__isnull=True).exists()
    )


def _fetch_homepages(urls: list[str]):
    # Through the crawler's shared politeness (per-host gap and connections, robots.txt) like every request.
    from khabar.crawler.egress import fetch_politely

    return fetch_politely(urls, accept="text/html,*/*;q=0.5", accept_type=is_html_type)


def check_front_pages(checks: list[FrontPageCheck], now=None) -> FrontPageReport:
    """Read the given homepages now and record their lead articles; re-rank the stories concerned."""
    now = now or timezone.now()
    report = FrontPageReport()
    if not checks:
        return report
    fetched = _fetch_homepages([c.source.homepage for c in checks])
    seen: list[tuple[int, int, int]] = []  # (source, article, slot)
    for check, result in zip(checks, fetched):
        report.checked += 1
        check.last_checked_at = now
        if result.error:
            report.failed += 1
            check.last_error = result.error[:2000]
            report.errors[check.source.homepage] = result.error
            check.leads_found = 0
            continue
        stored = _recent_articles(check.source_id, now)
        slots = stored_lead_slots(result.content, result.final_url or check.source.homepage, StoredArticles(stored))
        check.last_error, check.leads_found = "", len(slots)
        seen.extend((check.source_id, stored[s.url], s.slot) for s in slots)
    FrontPageCheck.objects.bulk_update(checks, ["last_checked_at", "last_error", "leads_found"])
    report.leads = len(seen)
    touched = _record_sightings(seen, now)
    report.reranked = rerank(touched, now=now)
    return report


def _recent_articles(source_id: int, now) -> dict[str, int]:
    """URL -> id of the source's most recently published stored articles (what its homepage may show)."""
    since = now - timedelta(hours=settings.KHABAR_STORY_WINDOW_HOURS)
    rows = (
        Article.objects.filter(source_id=source_id, published_at__gte=since)
        .order_by("-published_at", "-id")
        .values_list("url", "pk")[:KNOWN_ARTICLES]
    )
    return dict(rows)


def _record_sightings(seen: list[tuple[int, int, int]], now) -> set[int]:
    """Extend or start sightings (one per source, article and slot); returns the stories whose prominence may
    have changed."""
    continuous = now - interval() * 2.5
    with transaction.atomic():
        recent = {
            (s, a, slot): pk
            for pk, s, a, slot in FrontPageLead.objects.filter(last_seen_at__gte=continuous).values_list(
                "pk", "source_id", "article_id", "slot"
            )
        }
        extend = [recent[key] for key in seen if key in recent]
        FrontPageLead.objects.filter(pk__in=extend).update(last_seen_at=now)
        FrontPageLead.objects.bulk_create(
            [
                FrontPageLead(source_id=s, article_id=a, slot=slot, first_seen_at=now, last_seen_at=now)
                for s, a, slot in dict.fromkeys(seen)
                if (s, a, slot) not in recent
            ]
        )
    articles = {a for _, a, _ in seen} | {a for _, a, _ in recent}
    return set(Article.objects.filter(pk__in=articles, story__isnull=False).values_list("story_id", flat=True))


def check_front_pages_if_due(now=None) -> FrontPageReport | None:
    """Read the homepages that are due, if any (cheap when none is)."""
    if not is_due(now):
        return None
    report = check_front_pages(claim_due(now), now)
    log.info(
        "homepages: %d read, %d failed, %d lead articles, %d stories re-ranked",
        report.checked,
        report.failed,
        report.leads,
        report.reranked,
    )
    return report


@task()
def refresh_front_pages_task() -> dict:
    report = check_front_pages_if_due() or FrontPageReport()
    return {"checked": report.checked, "failed": report.failed, "leads": report.leads}


def enqueue_front_pages_if_due(now=None) -> bool:
    """For the scheduler loop: queue one homepage round when one is due."""
    if not is_due(now):
        return False
    refresh_front_pages_task.enqueue()
    return True
