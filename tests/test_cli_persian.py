"""What operators read on the command line is Persian (the project's rule): table titles and column
headers, status, kind and error words, counts and durations; URLs, identifiers and the network
layer's English error messages stay as they are."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from khabar.crawler.refresh import FeedReport
from khabar.crawler.reports import print_crawl_summary, print_discovery, print_sources, when
from khabar.crawler.status import ERROR_KIND_LABELS, KIND_LABELS, STATUS_LABELS, STATUS_ORDER
from khabar.originals.recheck import CheckReport
from khabar.originals.report import OUTCOME_LABELS, print_check_report
from khabar.pipeline.discovery import DiscoveryReport, Found, PlannedCrawl
from khabar.pipeline.records import ERROR_KINDS, FEED_KINDS
from khabar.sources.models import Feed, Source, UrlChange

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class Recorder(Console):
    """A console that keeps the tables printed on it, to look at their titles and headers."""

    def __init__(self):
        super().__init__(record=True, width=400)
        self.tables: list[Table] = []

    def print(self, *objects, **kwargs):
        self.tables += [o for o in objects if isinstance(o, Table)]
        super().print(*objects, **kwargs)


def english(text) -> list[str]:
    return LATIN_WORD.findall(re.sub(r"`[^`]*`", "", str(text or "")))  # a quoted command stays as it is


def assert_headers_are_persian(console: Recorder, tables: int) -> None:
    assert len(console.tables) == tables
    for table in console.tables:
        assert table.title and not english(table.title), table.title
        for column in table.columns:
            assert not english(column.header), column.header


def test_every_status_kind_error_and_outcome_has_a_persian_label():
    for labels, keys in (
        (STATUS_LABELS, STATUS_ORDER),
        (KIND_LABELS, FEED_KINDS),
        (ERROR_KIND_LABELS, ERROR_KINDS),
        (OUTCOME_LABELS, ("unchanged", "not modified", "edited", "gone (suspected)", "removed", "failed", "back")),
    ):
        assert set(keys) <= set(labels)
        assert all(re.search("[\u0600-\u06ff]", labels[key]) for key in keys), labels


def test_the_console_shows_the_same_status_words():
    from khabar.console.templatetags.console_tags import status_fa

    assert all(status_fa(status) == label for status, label in STATUS_LABELS.items())


def test_durations_are_persian():
    now = timezone.now()
    assert when(None, now) == "هرگز"
    assert when(now - timedelta(minutes=5), now) == "۵ دقیقه پیش"
    assert when(now + timedelta(seconds=45), now) == "۴۵ ثانیه دیگر"
    assert when(now + timedelta(hours=5), now) == "۵ ساعت دیگر"
    assert when(now - timedelta(days=3), now) == "۳ روز پیش"


def test_the_crawl_summary_is_persian():
    console = Recorder()
    reports = [
        FeedReport(1, "https://a.ir/rss", "خبرگزاری آ", fetched=True, new=53),
        FeedReport(2, "https://a.ir/b", "خبرگزاری آ", error="timed out connecting after 10 s", error_kind="timeout"),
    ]
    print_crawl_summary(reports, console)
    assert_headers_are_persian(console, 1)
    text = console.export_text()
    assert "۲ خوراک خزیده شد، ۵۳ خبر تازه، ۱ خوراک ناموفق." in text
    assert "timed out connecting after 10 s" in text  # the network layer's message, as it is


def test_the_discovery_tables_are_persian():
    report = DiscoveryReport(url="https://x.ir/", homepage="https://x.ir/", site_name="ایکس")
    report.found = [Found("rss", "https://x.ir/rss", "usual path", detail="HTTP 404 Not Found")]
    report.plan = [PlannedCrawl("news_sitemap", "https://x.ir/sitemap.xml", None, "a news sitemap")]
    for stored in (False, True):
        console = Recorder()
        print_discovery(report, console, stored=stored)
        assert_headers_are_persian(console, 2)
        text = console.export_text()
        assert "خوراک" in text and "نقشهٔ خبری" in text and "https://x.ir/sitemap.xml" in text
    unreadable = DiscoveryReport(url="https://y.ir/", error="DNS lookup failed", error_kind="dns")
    console = Recorder()
    print_discovery(unreadable, console)
    assert "https://y.ir/ خوانده نشد: DNS lookup failed (نام‌یابی DNS)" in console.export_text()


def test_the_originals_report_is_persian():
    console = Recorder()
    reports = [
        CheckReport(7, "آوا", "عنوان", "edited", "title"),
        CheckReport(8, "آوا", "عنوان", "unchanged"),
        CheckReport(9, "آوا", "عنوان", "unchanged"),
    ]
    print_check_report(reports, console)
    assert_headers_are_persian(console, 1)
    text = console.export_text()
    assert "ویرایش‌شده" in text and "edited" not in text
    assert "۳ اصل خبر دوباره بررسی شد: ۱ ویرایش‌شده، ۲ بی‌تغییر." in text
    console = Recorder()
    print_check_report([], console)
    assert "۰ اصل خبر دوباره بررسی شد: موعد هیچ بررسی‌ای نرسیده بود." in console.export_text()


@pytest.mark.django_db
def test_the_sources_status_tables_are_persian():
    now = timezone.now()
    source = Source.objects.create(name="خبرگزاری دور", slug="far", homepage="https://far.example/")
    feed = Feed.objects.create(
        source=source,
        url="https://far.example/rss",
        error_streak=12,
        error_kind="timeout",
        failure_class="unreachable",
        last_error="timed out connecting after 10 s",
        last_error_at=now,
        failing_since=now - timedelta(hours=9),
        next_check_at=now + timedelta(minutes=5, seconds=10),
    )
    Feed.objects.create(
        source=source, url="https://far.example/news", kind="listing", error_kind="http", error_streak=1
    )
    UrlChange.objects.create(
        source=source, feed=feed, old_url="https://far.example/old", new_url=feed.url, reason="moved permanently"
    )
    console = Recorder()
    print_sources(console)
    assert_headers_are_persian(console, 2)
    text = console.export_text()
    for shown in (
        "خطادار",
        "پایان مهلت",
        "خطای HTTP",
        "دسترس‌ناپذیر از اینجا",
        "صفحهٔ فهرست",
        "هرگز",
        "۱۲",
        "۵ دقیقه دیگر",
    ):
        assert shown in text, shown
    assert "timed out connecting after 10 s" in text and "https://far.example/old" in text
    assert "۲ خطادار" in text and "۱ خوراک از اینجا دسترس‌ناپذیر است" in text
    assert not re.search(r"\b(failing|timeout|never|listing)\b", text)
