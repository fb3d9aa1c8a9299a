"""The originals in a real browser at 360 px and 1280 px: an edited article's diff renders right to left,
marked, within the page's width; a removed one says so; the list of changes passes the page checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from test_browser import WIDTHS, Visit, browser, site  # noqa: F401 - fixtures used by name

from khabar.originals.models import OriginalChange

LONG_WORD = "واژه‌ای" * 12  # a long unbroken word must wrap, not widen the page


@pytest.mark.django_db(transaction=True)
def test_edited_and_removed_articles_at_phone_and_desktop_widths(browser, live_server, site):  # noqa: F811
    lavrov, alone = site["lavrov"], site["alone"]
    now = timezone.now()
    before = lavrov.lead + "\n" + lavrov.body_text
    OriginalChange.objects.create(
        article=lavrov,
        source=lavrov.source,
        kind=OriginalChange.EDIT,
        detected_at=now - timedelta(hours=1),
        before_title=lavrov.title,
        before_text=before,
        title=lavrov.title + " (اصلاح‌شده)",
        text=before.replace(" ", f" {LONG_WORD} ", 1) + "\nاصلاحیه: نام یکی از مقام‌ها نادرست آمده بود.",
        changed_fields="title,text",
    )
    OriginalChange.objects.create(
        article=alone,
        source=alone.source,
        kind=OriginalChange.REMOVAL,
        detected_at=now - timedelta(minutes=10),
        gone_since=now - timedelta(hours=4),
        reason="http_404",
    )

    def scenario(chromium, width):
        visit = Visit(chromium, live_server.url, width)
        try:
            visit.open(lavrov.get_absolute_url())
            visit.inspect("article-edited")
            notice = visit.page.locator(".original-notice")
            assert notice.is_visible() and "ویرایش‌شده" in notice.inner_text()
            diff = visit.page.locator(".diff-text")
            assert diff.evaluate("e => getComputedStyle(e).direction") == "rtl"
            added = visit.page.locator(".diff-text ins")
            assert added.count() >= 1 and "اصلاحیه" in " ".join(added.all_inner_texts())
            assert visit.page.locator(".diff-title ins").inner_text().strip() == "(اصلاح‌شده)"
            # Marked so a reader sees it: an underline for insertions, a strike-through for deletions.
            assert "underline" in added.first.evaluate("e => getComputedStyle(e).textDecorationLine") or (
                added.first.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
            )
            box = diff.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            visit.open(alone.get_absolute_url())
            assert "حذف‌شده از منبع" in visit.page.inner_text(".original-notice")
            visit.open("/originals/")
            visit.inspect("originals")
            assert visit.page.locator(".original-change").count() == 2
        finally:
            visit.close()

    for width in WIDTHS:
        browser.run(scenario, width)
