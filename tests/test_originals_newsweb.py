"""Watching the originals on the news web: every scripted edit and removal found in its time window.

The news web runs on a clock the test moves: its outlets edit or remove every article a few hours
after publication (``khabar/newsweb/originals.py``); the re-checks run at chosen times.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from khabar.crawler.demo import register_newsweb
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.originals.models import OriginalChange, OriginalWatch
from khabar.originals.recheck import recheck_articles
from khabar.originals.report import print_check_report, run_checks
from khabar.sources.models import Feed

CHANGE_AT = 5 * 3600  # after the backlog's 4 hours: nothing is changed when the crawl stores it
SCRIPT = {
    "ava": ["headline@18000"],
    "sepehr": ["paragraph@18000"],
    "peyk-iran": ["correction@18000"],
    "medal": ["404@18000"],
    "eghtesad-pouya": ["homepage@18000"],
    "baran": ["soft-404@18000"],
    "jahan-nama": ["noise@0"],
    "danesh-no": ["timeout@3600"],
}
EXPECTED_EDITS = {"ava": ["title"], "sepehr": ["text"], "peyk-iran": ["text"]}
EXPECTED_REMOVALS = {"medal": "http_404", "eghtesad-pouya": "redirect_home", "baran": "soft_404"}


class Clock:
    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def at(self) -> datetime:
        return datetime.fromtimestamp(self.now, tz=timezone.utc)


@pytest.fixture
def originals_web(settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 2.0
    settings.KHABAR_HOST_MIN_GAP = 0.0
    settings.KHABAR_REMOVAL_CONFIRM_AFTER = 3 * 3600
    clock = Clock(datetime.now(timezone.utc).timestamp())
    web = NewsWeb(seed=5, rate=0.0, port=0, backlog=2, clock=clock, originals=SCRIPT).start()
    yield web, clock
    web.stop()


def recheck_all(clock: Clock):
    ids = list(OriginalWatch.objects.values_list("pk", flat=True))
    return recheck_articles(ids, now=clock.at())


@pytest.mark.django_db(transaction=True)
def test_scripted_edits_and_removals_are_found_in_their_time_window(originals_web):
    web, clock = originals_web
    missing = set(SCRIPT) - {o.slug for o in web.outlets}
    assert not missing, missing
    register_newsweb(web)
    refresh_feeds(list(Feed.objects.select_related("source")))
    scripted = Article.objects.filter(source__slug__in=SCRIPT)
    assert {a.source.slug for a in scripted} == set(SCRIPT)
    assert OriginalWatch.objects.count() == Article.objects.count()  # every stored article is watched

    # An hour later: nothing changed yet. Rotating ads, relative times and related links are no edit;
    # the one-off timeout is a failure, never a removal.
    clock.now += 3600
    reports = recheck_all(clock)
    outcomes = {(r.source, r.outcome) for r in reports}
    assert not [r for r in reports if r.outcome in ("edited", "gone (suspected)", "removed")], outcomes
    failed = {Article.objects.get(pk=r.article_id).source.slug for r in reports if r.outcome == "failed"}
    assert failed == {"danesh-no"}
    assert not OriginalChange.objects.exists()
    assert OriginalWatch.objects.filter(state=OriginalWatch.PRESENT).count() == OriginalWatch.objects.count()

    # After the scripted changes: edits stored as revisions, removals suspected (not yet confirmed).
    clock.now += 5 * 3600
    reports = recheck_all(clock)
    console = Console(record=True, width=200)
    print_check_report(reports, console)  # what `khabar originals check` prints
    printed = console.export_text()
    assert "ویرایش‌شده" in printed and "در انتظار تأیید حذف" in printed and "دوباره بررسی شد" in printed
    edits = OriginalChange.objects.filter(kind=OriginalChange.EDIT).select_related("article", "source")
    assert {e.source.slug for e in edits} == set(EXPECTED_EDITS)
    for edit in edits:
        assert edit.changed == EXPECTED_EDITS[edit.source.slug], (edit.source.slug, edit.changed)
        changed_at = edit.article.published_at + timedelta(seconds=CHANGE_AT)
        assert edit.unchanged_at <= changed_at <= edit.detected_at
    assert edits.filter(source__slug="ava").count() == scripted.filter(source__slug="ava").count()
    suspects = OriginalWatch.objects.filter(state=OriginalWatch.SUSPECT).select_related("source")
    assert {w.source.slug for w in suspects} == set(EXPECTED_REMOVALS)
    assert not OriginalChange.objects.filter(kind=OriginalChange.REMOVAL).exists()
    first_gone = clock.at()

    # Too early to confirm: an hour later the removals are still only suspected.
    clock.now += 3600
    recheck_all(clock)
    assert not OriginalChange.objects.filter(kind=OriginalChange.REMOVAL).exists()

    # At least KHABAR_REMOVAL_CONFIRM_AFTER after they were first seen gone: confirmed, each with its reason.
    clock.now += 2 * 3600 + 60
    recheck_all(clock)
    removals = OriginalChange.objects.filter(kind=OriginalChange.REMOVAL).select_related("article", "source")
    assert {r.source.slug for r in removals} == set(EXPECTED_REMOVALS)
    for removal in removals:
        assert removal.reason == EXPECTED_REMOVALS[removal.source.slug]
        assert removal.gone_since == first_gone
        changed_at = removal.article.published_at + timedelta(seconds=CHANGE_AT)
        assert removal.unchanged_at <= changed_at <= removal.gone_since
    # No new edit of the already edited articles, and none anywhere else.
    assert OriginalChange.objects.filter(kind=OriginalChange.EDIT).count() == edits.count()

    # `khabar originals check --all`: every watch still on its schedule, re-checked now; nothing new.
    reports = run_checks(all_watched=True)
    assert reports and not [r for r in reports if r.outcome == "edited"]
    assert OriginalChange.objects.filter(kind=OriginalChange.EDIT).count() == edits.count()
