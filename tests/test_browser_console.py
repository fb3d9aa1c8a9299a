"""The operators' console in a real browser (Chromium), at 360 px and 1280 px, as a staff user.

Log in, the overview, a failing outlet's page with its error, adding an outlet by a news-web
homepage, an OPML round trip, approving a comment by keyboard, and taking an article down (gone
from the home page, search and feeds) and restoring it. The page checks (RTL, no sideways
scroll, our font, landmarks, contrast, no request to another host) are ``test_browser``'s;
screenshots go to test-artifacts/screenshots/console-*.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from consolekit import PASSWORD, make_user
from django.utils import timezone
from test_browser import (  # noqa: F401 - browser: the fixture, used by name
    WIDTHS,
    BrowserThread,
    Visit,
    browser,
    pytestmark,  # KHABAR_SKIP_BROWSER_TESTS=1 skips these too
)

from khabar.console.models import AuditEntry, Takedown
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.persian import to_persian_digits
from khabar.search.backends import get_backend
from khabar.site.models import Comment
from khabar.sources.models import Feed, Source


@pytest.fixture
def operator(db):
    return make_user("operator", staff=True)


def log_in(visit: Visit) -> None:
    visit.page.goto(visit.server_url + "/console/", wait_until="load")
    assert "/console/login/" in visit.page.url  # anonymous: sent to the login
    visit.inspect("console-login")
    visit.page.fill("#id_username", "operator")
    visit.page.fill("#id_password", PASSWORD)
    visit.page.click("main button[type=submit]")
    visit.page.wait_for_url("**/console/")


def signed_in_run(thread: BrowserThread, live_server, scenario, width: int, *args):
    """Run ``scenario(visit, width, *args)`` in the browser thread, signed in (no ORM call in there: its loop is async)."""

    def in_browser(chromium):
        visit = Visit(chromium, live_server.url, width)
        try:
            log_in(visit)
            return scenario(visit, width, *args)
        finally:
            visit.close()

    return thread.run(in_browser)


def run_at_each_width(thread: BrowserThread, live_server, scenario):
    for width in WIDTHS:
        signed_in_run(thread, live_server, scenario, width)


@pytest.mark.django_db(transaction=True)
def test_overview_and_a_failing_outlets_page(browser, live_server, operator, mehr, lavrov):  # noqa: F811 - the imported fixture
    now = timezone.now()
    Feed.objects.create(source=mehr, url="https://www.mehrnews.com/rss", last_success_at=now, last_fetch_seconds=0.3)
    Feed.objects.create(
        source=mehr,
        url="https://www.mehrnews.com/rss/politics",
        error_streak=5,
        error_kind="http",
        failure_class="wrong_url",
        last_error="HTTP 404 Not Found",
        last_error_at=now,
        failing_since=now - timedelta(hours=7),
    )

    def scenario(visit, width):
        visit.inspect("console-overview")
        assert visit.page.locator("svg.chart[role=img]").count() >= 1
        visit.page.click("text=خطادار")  # the failing outlets, from the overview
        visit.page.wait_for_load_state("load")
        visit.inspect("console-sources-failing")
        visit.page.click(f"text={mehr.name}")
        visit.page.wait_for_load_state("load")
        text = visit.page.inner_text("main")
        assert "نشانی نادرست" in text and "HTTP 404 Not Found" in text
        visit.inspect("console-outlet-failing")

    run_at_each_width(browser, live_server, scenario)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_add_an_outlet_by_a_news_web_homepage(browser, live_server, operator, settings):  # noqa: F811 - the imported fixture
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 3.0
    settings.KHABAR_HOST_MIN_GAP = 0.01
    web = NewsWeb(seed=5, rate=0.0, port=0, backlog=6).start()
    outlets = {360: web.outlets[0], 1280: web.outlets[1]}

    def scenario(visit, width):
        outlet = outlets[width]
        visit.open("/console/sources/add/")
        visit.page.fill("#id_url", outlet.homepage)
        visit.page.click("button:has-text('کشف')")
        visit.page.wait_for_selector(".discovery-preview", timeout=60_000)
        assert outlet.feeds[0].url in visit.page.inner_text(".discovery-preview")
        visit.inspect("console-add-preview")
        visit.page.click("button:has-text('افزودن این منبع')")
        visit.page.wait_for_url("**/console/sources/*/")
        assert outlet.feeds[0].url in visit.page.inner_text("main")

    try:
        run_at_each_width(browser, live_server, scenario)
    finally:
        web.stop()
    assert Source.objects.count() == 2
    assert AuditEntry.objects.filter(action="source_add").count() == 2


@pytest.mark.django_db(transaction=True)
def test_opml_round_trip(browser, live_server, operator, mehr, tmp_path):  # noqa: F811 - the imported fixture
    Feed.objects.create(source=mehr, url="https://www.mehrnews.com/rss")

    def export(visit, width):
        visit.open("/console/opml/")
        with visit.page.expect_download() as download:
            visit.page.click("text=دریافت OPML")
        saved = tmp_path / f"sources-{width}.opml"
        download.value.save_as(saved)
        return saved

    def import_(visit, width, saved):
        visit.open("/console/opml/")
        visit.page.set_input_files("#id_file", str(saved))
        visit.page.click("button:has-text('پیش‌نمایش')")
        visit.page.wait_for_selector(".opml-preview")
        assert visit.page.locator('.opml-line[data-state="new"]').count() == 1
        visit.inspect("console-opml-preview")
        with visit.page.expect_navigation():
            visit.page.click("button:has-text('درون‌ریزی ۱ خوراک تازه')")
        assert "درون‌ریزی شد" in visit.page.inner_text("main")

    for width in WIDTHS:
        saved = signed_in_run(browser, live_server, export, width)
        assert "https://www.mehrnews.com/rss" in saved.read_text(encoding="utf-8")
        Feed.objects.all().delete()
        signed_in_run(browser, live_server, import_, width, saved)
        assert Feed.objects.filter(url="https://www.mehrnews.com/rss", source=mehr).exists()


@pytest.mark.django_db(transaction=True)
def test_approve_a_comment_by_keyboard(browser, live_server, operator, lavrov):  # noqa: F811 - the imported fixture
    for width in WIDTHS:
        Comment.objects.create(article=lavrov, name=f"خواننده {width}", text=f"نظری برای تأیید در {width}")

    def scenario(visit, width):
        visit.open("/console/comments/")
        visit.inspect("console-comments")
        rows = visit.page.locator(".comment-row")
        index = [i for i in range(rows.count()) if to_persian_digits(f"خواننده {width}") in rows.nth(i).inner_text()][0]
        for _ in range(index + 1):
            visit.page.keyboard.press("j")
        with visit.page.expect_navigation():
            visit.page.keyboard.press("a")
        assert "۱ نظر تأیید شد" in visit.page.inner_text("main")
        visit.open(lavrov.get_absolute_url())
        assert to_persian_digits(f"نظری برای تأیید در {width}") in visit.page.inner_text("#comments")

    run_at_each_width(browser, live_server, scenario)
    assert Comment.objects.filter(approved=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_take_an_article_down_and_restore_it(browser, live_server, operator, lavrov):  # noqa: F811 - the imported fixture
    lavrov.published_at = timezone.now()
    lavrov.save()
    get_backend().index([lavrov.pk])

    def reader_sees_it(visit) -> dict[str, bool]:
        seen = {}
        for name, path in {"home": "/", "search": "/search/?q=لاوروف", "rss": "/feeds/latest.rss"}.items():
            response = visit.page.request.get(visit.server_url + path)
            seen[name] = lavrov.get_absolute_url() in response.text()  # search marks the title's words: its link
        return seen

    def scenario(visit, width):
        assert reader_sees_it(visit) == {"home": True, "search": True, "rss": True}
        visit.open("/console/takedowns/")
        visit.page.fill("#t-ref", lavrov.get_absolute_url())
        visit.page.select_option("#t-reason", "legal")
        visit.page.fill("#t-note", f"درخواست رسمی ({width})")
        with visit.page.expect_navigation():
            visit.page.click("button:has-text('پنهان کن')")
        visit.inspect("console-takedowns")
        assert visit.page.request.get(visit.server_url + lavrov.get_absolute_url()).status == 410
        assert reader_sees_it(visit) == {"home": False, "search": False, "rss": False}
        with visit.page.expect_navigation():
            visit.page.click("button:has-text('بازگرداندن')")
        assert visit.page.request.get(visit.server_url + lavrov.get_absolute_url()).status == 200
        assert reader_sees_it(visit) == {"home": True, "search": True, "rss": True}

    run_at_each_width(browser, live_server, scenario)
    assert Takedown.objects.filter(restored_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(action__in=["takedown", "restore"]).count() == 4
