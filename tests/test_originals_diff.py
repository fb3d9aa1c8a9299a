"""The originals' comparison rules (plain pipeline code): what is an edit, what is a removal."""

from __future__ import annotations

from khabar.pipeline.originals_diff import (
    FAILED,
    GONE,
    PRESENT,
    Snapshot,
    compare,
    compare_with_feed_copy,
    holds_article,
    recheck_verdict,
    word_diff,
)

TEXT = "وزیر امور خارجه گفت: مذاکرات ادامه می‌یابد.\nاو افزود ۱۲ نفر در این نشست حضور داشتند."


def verdict(**kw):
    url = "http://x.ir/news/12/slug"
    base = {"original_url": url, "status": 200, "error_kind": None, "final_url": url, "redirected": False}
    base["not_modified"] = False
    base.update(kw)
    return recheck_verdict(**base)


def test_normalization_differences_are_no_edit():
    stored = Snapshot("خبر مهم", "", TEXT)
    # Arabic letters, ZWNJ as space or nothing, Latin digits, spacing and punctuation, page furniture.
    seen = Snapshot(
        "خبر  مهم",
        "",
        "۵ دقیقه پیش\nوزير امور خارجه گفت : مذاکرات ادامه مي يابد\nآگهی: خرید اقساطی\n"
        "او افزود 12 نفر در این نشست حضور داشتند\nاخبار مرتبط: گزارش دیگر",
    )
    assert not compare(stored, seen).edited


def test_real_changes_are_edits_of_the_right_field():
    stored = Snapshot("خبر مهم", "", TEXT)
    assert compare(stored, Snapshot("خبر مهم و تازه", "", TEXT)).fields == ["title"]
    assert compare(stored, Snapshot("خبر مهم", "", TEXT.replace("۱۲", "۱۳"))).fields == ["text"]
    assert compare(stored, Snapshot("خبر مهم", "", TEXT + "\nاصلاحیه: نام نادرست بود.")).fields == ["text"]


def test_first_look_accepts_the_pages_furniture_around_the_feeds_copy():
    stored = Snapshot("خبر مهم", "", TEXT)
    page = Snapshot("خبر مهم", "", "صفحه نخست | سیاسی\n" + TEXT + "\nنظرات: عالی بود")
    assert not compare_with_feed_copy(stored, page).edited
    rewritten = Snapshot("خبر مهم", "", "صفحه نخست\n" + TEXT.replace("ادامه می‌یابد", "متوقف شد"))
    assert compare_with_feed_copy(stored, rewritten).fields == ["text"]


def test_removals_and_failures():
    assert verdict(status=404, error_kind="http").state == GONE
    assert verdict(status=410, error_kind="http").reason == "http_410"
    assert verdict(final_url="http://x.ir/", redirected=True).reason == "redirect_home"
    assert verdict(final_url="http://x.ir/politics", redirected=True).reason == "redirect_section"
    # A redirect to another article address (a new slug) is no removal.
    assert verdict(final_url="http://x.ir/news/12/new-slug", redirected=True).state == PRESENT
    for kind, status in (("timeout", 0), ("connect", 0), ("http", 500), ("http", 503), ("http", 429)):
        assert verdict(status=status, error_kind=kind).state == FAILED
    assert verdict(status=304, not_modified=True).state == PRESENT


def test_a_not_found_page_no_longer_holds_the_article():
    stored = Snapshot("خبر مهم", "", TEXT)
    assert not holds_article(stored, Snapshot("صفحه پیدا نشد - خبرگزاری", "", "صفحه مورد نظر پیدا نشد."))
    assert holds_article(stored, Snapshot("خبر مهم", "", TEXT))


def test_word_diff_marks_insertions_and_deletions():
    pieces = word_diff("یک دو سه\nچهار", "یک دو پنج\nچهار")
    assert [(p.op, p.text) for p in pieces] == [
        ("same", "یک دو"),
        ("removed", "سه"),
        ("added", "پنج"),
        ("same", "\nچهار"),
    ]
