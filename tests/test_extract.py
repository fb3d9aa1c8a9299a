"""Article extraction on real Persian news pages (khabar.pipeline.extract).

The pages and their expected values come from saar/khabarkhun (MIT, commit
83b31c6; see tests/fixtures/persian_html/README.md).

What the per-site rules (khabar/pipeline/site_rules.py) are for, measured on these
pages with trafilatura 2.3 alone (``bare_extraction``, any of default/precision/
recall):

* isna.ir      published: trafilatura gives the day only ("2019-05-30"); with
               htmldate asked for a time it is article:published_time (19:50:37Z),
               not the labelled 20:24:30Z (article:modified_time). categories:
               ["ورزشی"] instead of ["فوتبال", "فوتسال"].
* tasnimnews   title: og:title with " - اخبار ورزشی - اخبار تسنیم - Tasnim";
               text: opens with the title, the lead, the dateline and breadcrumb
               links ("ورزشی", "فوتبال ایران", "نظرات"); categories: [].
* varzesh3     text: opens with the kicker, title and lead; published: the day
               only / og:article:published_time (15:54), not the labelled 19:04.
* yjc.ir       published: none (its <meta> use value= and a Jalali date); image:
               none.

The generic layer of extract.py (h1 over a suffixed og:title, dropping a repeated
title/lead, reading value= metadata and Jalali dates) fixes some of these;
``test_site_rules_matter`` pins down the ones that still fail without rules.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from khabar.pipeline import site_rules
from khabar.pipeline.extract import decode_html, extract_article
from khabar.pipeline.persian import normalize_display
from khabar.pipeline.records import ExtractedPage

FIXTURES = Path(__file__).parent / "fixtures" / "persian_html"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
LABELLED = [record for record in EXPECTED if record["expected"]]
IDS = [record["file"].split("__")[0].removeprefix("www.") for record in LABELLED]

# Text that is on each page but is navigation, related links, comments, dateline,
# share buttons... and must not be in the article text.
BOILERPLATE = {
    "www.isna.ir__1558105248971.html": [
        "اخبار مرتبط",
        "کی‌روش هافبک پرسپولیس را تهدید کرد",  # a related-news link
        "در زمینه انتشار نظرات مخاطبان",  # comment rules
        "لینک کوتاه",
        "سرویس ورزشی",
        "کد خبر",
        "عملکرد قابل قبول و خوبی داشته است",  # the lead is not repeated in the text
    ],
    "www.tasnimnews.com__1558105248971.html": [
        "اخبار تسنیم",
        "اخبار ورزشی",  # hidden breadcrumb inside the story
        "دعوای تمام نشدنی مدافع پرسپولیس با مهاجم السد",  # read-more link inside the story
        "پشت پرده لغو دیدار ذوب‌آهن",  # related box
        "۳۰ ارديبهشت ۱۳۹۸",  # dateline
        "فوتبال ایران",  # breadcrumb
        "پربیننده‌ترین اخبار",  # navigation
        "که دیداری تشریفاتی بود، السد را شکست داد",  # the lead
    ],
    "www.varzesh3.com__1557406768845.html": [
        "سناریوی دربی تکرار نشد",  # kicker above the title
        "دانیال علیه جشن قهرمانی",  # the title
        "روند ناکامی سرخ پوشان تبریزی",  # the lead
        "اخبار مرتبط",
        "آمار دیدار دو تیم تراکتورسازی - پرسپولیس",  # related link
        "ستاره های ورزشی را در لنز ببینید",
        "ديدگاه کاربران",  # comments
        "ارسال به تلگرام",
        "بازدید",
    ],
    "www.yjc.ir__1558105248971.html": [
        "بررسی مشکلات فعالان بخش خصوصی دامپزشکی",  # trailing related-story heading
        "برگزاری کنفرانس ملی لنگش و آسایش گاو شیری",  # related link
        "تاریخ انتشار",
        "کد خبر",
        "ارسال نظر",
        "به میزبانی شهرکرد برگزار شد",  # the lead
    ],
}


def nd(text: str) -> str:
    return normalize_display(text)


def raw(record) -> bytes:
    return (FIXTURES / record["file"]).read_bytes()


def expected_published(record) -> datetime:
    value = datetime.fromisoformat(record["expected"]["date_published"].replace("Z", "+00:00"))
    if value.tzinfo is None:  # varzesh3: Tehran local time without an offset
        value = value.replace(tzinfo=ZoneInfo("Asia/Tehran"))
    return value.astimezone(timezone.utc)


@pytest.fixture(scope="module")
def extracted():
    return {record["file"]: extract_article(raw(record), record["url"]) for record in EXPECTED if record["url"]}


@pytest.mark.parametrize("record", LABELLED, ids=IDS)
class TestLabelledPages:
    def test_title(self, record, extracted):
        page = extracted[record["file"]]
        assert nd(page.title) == nd(record["expected"]["title"])
        assert page.title == nd(page.title)  # display-normalized already

    def test_text_opening(self, record, extracted):
        page = extracted[record["file"]]
        expected = record["expected"]
        assert nd(page.text).split()[:13] == nd(expected["content_first_13_words"]).split()
        assert nd(page.text).startswith(nd(expected["content_first_13_words"]))
        assert nd(expected["content_opening_text_in_test"]) in nd(page.text)

    def test_image(self, record, extracted):
        assert extracted[record["file"]].image == record["expected"]["lead_image_url"]

    def test_published(self, record, extracted):
        page = extracted[record["file"]]
        assert page.published is not None and page.published.utcoffset().total_seconds() == 0
        assert page.published == expected_published(record)

    def test_categories_and_tags(self, record, extracted):
        # Tags and categories keep the page's own letters (ISNA's tag has Arabic ي).
        page = extracted[record["file"]]
        expected = record["expected"]
        assert page.categories[: len(expected["categories_prefix"])] == expected["categories_prefix"]
        assert page.tags[: len(expected["tags_prefix"])] == expected["tags_prefix"]

    def test_no_boilerplate(self, record, extracted):
        text = nd(extracted[record["file"]].text)
        for snippet in BOILERPLATE[record["file"]]:
            assert nd(snippet) not in text, snippet

    def test_language_lead_html(self, record, extracted):
        page = extracted[record["file"]]
        assert page.language == "fa"
        assert page.lead and page.lead == nd(page.lead)
        assert not nd(page.text).startswith(nd(page.lead))
        assert page.html.startswith("<")
        assert "<script" not in page.html and "style=" not in page.html
        assert "\u200c" in page.text  # ZWNJs survive (trafilatura's own text drops them)
        json.dumps(page.as_json(), ensure_ascii=False)


def test_isna_details(extracted):
    page = extracted["www.isna.ir__1558105248971.html"]
    assert (
        page.lead
        == "کارشناس داوری فوتبال ایران می‌گوید تیم داوری مسابقه سپاهان و پرسپولیس عملکرد قابل قبول و خوبی داشته است."
    )
    assert page.author == "امیرعلی عوض‌پور"
    assert page.tags == ["تيم فوتبال پرسپوليس", "تيم فوتبال سپاهان", "جام حذفي فوتبال ايران"]
    assert page.text.endswith("انتهای پیام")


def test_tasnim_body_keeps_links_and_lists(extracted):
    page = extracted["www.tasnimnews.com__1558105248971.html"]
    assert '<a href="https://www.tasnimnews.com"' in page.html
    assert "دقیقه 89:" in page.text


def test_unlabelled_varzesh3_page_is_handled():
    record = next(r for r in EXPECTED if not r["expected"])
    # With its own (og:url) address the varzesh3 rule applies.
    page = extract_article(raw(record), "https://www.varzesh3.com/news/d1Gjx/x")
    assert page.title == "کاری که پروین و راجرز و... نکردند؛"
    assert page.text.startswith('به گزارش "ورزش سه"، تیم پرسپولیس تهران')
    assert "برانکو و شکستن طلسم هت تریک قهرمانی" not in page.text  # kicker
    # og:image there is the article URL itself, not an image: rejected.
    assert "/news/d1Gjx/" not in page.image
    # The rule's date is og:article:modified_time (23:55:09 +04:30), like the labelled page.
    assert page.published == datetime(2019, 5, 16, 19, 25, 9, tzinfo=timezone.utc)
    # Without any URL (its og:url is relative) no rule applies; the generic path still
    # drops the kicker/title/lead preamble and takes og:article:published_time.
    page = extract_article(raw(record))
    assert page.title == "کاری که پروین و راجرز و... نکردند؛"
    assert page.text.startswith('به گزارش "ورزش سه"، تیم پرسپولیس تهران')
    assert page.published == datetime(2019, 5, 16, 19, 19, 1, tzinfo=timezone.utc)
    assert page.image == ""


def test_site_rules_matter(monkeypatch):
    """Without the per-site rules these labelled values are wrong (see module docstring)."""
    monkeypatch.setattr(site_rules, "RULES", {})
    by_file = {r["file"]: r for r in LABELLED}

    def page(name):
        record = by_file[name]
        return record, extract_article(raw(record), record["url"])

    record, isna = page("www.isna.ir__1558105248971.html")
    assert isna.published != expected_published(record)
    assert isna.categories[:2] != record["expected"]["categories_prefix"]

    record, tasnim = page("www.tasnimnews.com__1558105248971.html")
    assert not nd(tasnim.text).startswith(nd(record["expected"]["content_first_13_words"]))
    assert tasnim.categories[:1] != record["expected"]["categories_prefix"]

    record, varzesh3 = page("www.varzesh3.com__1557406768845.html")
    assert varzesh3.published != expected_published(record)

    record, yjc = page("www.yjc.ir__1558105248971.html")
    assert yjc.image != record["expected"]["lead_image_url"]


def test_rules_match_by_hostname():
    assert site_rules.rule_for("https://www.isna.ir/news/x") is site_rules.RULES["isna.ir"]
    assert site_rules.rule_for("https://m.isna.ir/news/x") is site_rules.RULES["isna.ir"]
    assert site_rules.rule_for("http://WWW.YJC.IR/fa/news/1") is site_rules.RULES["yjc.ir"]
    assert site_rules.rule_for("https://notisna.ir/") is None
    assert site_rules.rule_for("https://example.com/") is None
    assert site_rules.rule_for("") is None


def test_acceptance_isna_short_url():
    """What `khabar extract --url https://www.isna.ir/news/x <file>` prints."""
    record = LABELLED[IDS.index("isna.ir")]
    page = extract_article(raw(record), "https://www.isna.ir/news/x")
    data = json.loads(json.dumps(page.as_json(), ensure_ascii=False))
    assert nd(data["title"]) == nd(record["expected"]["title"])
    assert nd(data["text"]).startswith(nd(record["expected"]["content_first_13_words"]))
    assert nd(record["expected"]["content_opening_text_in_test"]) in nd(data["text"])
    assert data["published"] == "2019-05-29T20:24:30+00:00"


def test_string_input_and_no_url():
    record = LABELLED[IDS.index("isna.ir")]
    # A str works as well as bytes; without a url the page's og:url picks the rule.
    page = extract_article(raw(record).decode("utf-8"))
    assert nd(page.title) == nd(record["expected"]["title"])
    assert page.published == expected_published(record)
    assert page.url.startswith("https://www.isna.ir/news/98030903723/")


# --------------------------------------------------------------------------- encodings


def isna_text() -> str:
    return (FIXTURES / "www.isna.ir__1558105248971.html").read_text(encoding="utf-8")


def to_cp1256(text: str, meta_charset: str | None = "windows-1256") -> bytes:
    """The page as an old Persian site would serve it: windows-1256 with Arabic ي."""
    if meta_charset:
        text = text.replace('<meta charset="utf-8" />', f'<meta charset="{meta_charset}" />')
    return text.replace("ی", "ي").encode("cp1256", errors="xmlcharrefreplace")


@pytest.fixture(scope="module")
def isna_reference():
    return extract_article(isna_text().encode("utf-8"), "https://www.isna.ir/news/x")


@pytest.mark.parametrize(
    "content, headers",
    [
        pytest.param(to_cp1256(isna_text()), None, id="cp1256-meta"),
        pytest.param(to_cp1256(isna_text()), {"Content-Type": "text/html; charset=windows-1256"}, id="cp1256-header"),
        pytest.param(to_cp1256(isna_text(), None), None, id="cp1256-meta-says-utf8"),
        pytest.param(
            to_cp1256(isna_text(), None), {"content-type": "text/html; charset=UTF-8"}, id="cp1256-header-says-utf8"
        ),
        pytest.param(
            to_cp1256(isna_text()), {"content-type": "text/html; charset=iso-8859-1"}, id="cp1256-header-says-latin1"
        ),
        pytest.param(
            isna_text().encode("utf-8"),
            {"content-type": "text/html; charset=windows-1256"},
            id="utf8-header-says-cp1256",
        ),
        pytest.param(
            isna_text().encode("utf-8"), {"Content-Type": "text/html; charset=ISO-8859-1"}, id="utf8-header-says-latin1"
        ),
        pytest.param(to_cp1256(isna_text(), "windows-1252"), None, id="cp1256-meta-says-cp1252"),
        pytest.param(b"\xef\xbb\xbf" + isna_text().encode("utf-8"), None, id="utf8-bom"),
        pytest.param(isna_text().encode("utf-16"), None, id="utf16-bom"),
    ],
)
def test_encodings(content, headers, isna_reference):
    page = extract_article(content, "https://www.isna.ir/news/x", headers=headers)
    assert nd(page.title) == nd(isna_reference.title)
    assert nd(page.text) == nd(isna_reference.text)
    assert nd(page.lead) == nd(isna_reference.lead)
    assert page.published == isna_reference.published


def test_decode_html_short_cp1256_page():
    html = "<html><head><title>خبر</title></head><body><p>سلام دنیا، این یک متن آزمایشی فارسی است.</p></body></html>"
    content = html.replace("ی", "ي").encode("cp1256")
    for headers in (None, {"content-type": "text/html; charset=utf-8"}, {"content-type": "text/html"}):
        assert nd(decode_html(content, headers)) == nd(html)
    assert decode_html(html.encode("utf-8"), {"content-type": "text/html; charset=windows-1256"}) == html
    assert decode_html(b"", None) == ""
    assert decode_html(b"<p>ascii</p>", {"content-type": "text/html; charset=bogus-charset"}) == "<p>ascii</p>"


# --------------------------------------------------------------------------- bad input


def assert_empty(page: ExtractedPage, url: str = ""):
    assert isinstance(page, ExtractedPage)
    assert page.url == url
    assert page.title == page.text == page.html == page.lead == page.image == ""
    assert page.published is None
    assert page.tags == [] and page.categories == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty-bytes"),
        pytest.param("", id="empty-str"),
        pytest.param(b"   \n\t ", id="whitespace"),
        pytest.param(bytes(range(256)) * 20, id="all-bytes"),
        pytest.param(bytes((i * 7919 + 13) % 256 for i in range(6000)), id="pseudo-random"),
        pytest.param(
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 4, id="pdf"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png"),
        pytest.param(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", id="gzip"),
        pytest.param("just some plain text, no markup at all", id="plain-text"),
        pytest.param("سلام دنیا", id="persian-plain-text"),
        pytest.param("<html></html>", id="empty-html"),
        pytest.param("<<<<>>>>", id="brackets"),
        pytest.param(None, id="none"),
        pytest.param(12345, id="int"),
    ],
)
def test_garbage_input_gives_empty_page(content):
    assert_empty(extract_article(content, "https://example.com/a"), "https://example.com/a")


def test_garbage_input_without_url():
    assert_empty(extract_article(b"%PDF-1.7 binary"))


# --------------------------------------------------------------------------- sanitizing


def test_scripts_and_event_handlers_never_reach_html():
    body = " ".join(["این یک جمله آزمایشی برای متن خبر است و باید در خروجی بماند."] * 8)
    html = f"""<html lang="fa"><head><title>خبر آزمایشی</title></head><body><article>
    <h1>خبر آزمایشی</h1>
    <p onclick="alert(1)">{body}</p>
    <script>alert(1)</script>
    <p>بند دوم <a href="javascript:alert(1)" onmouseover="alert(2)">پیوند</a> <img src="x.jpg" onerror="alert(3)"></p>
    <p style="color:red" onclick="steal()">{body}</p>
    <iframe src="https://evil.example/"></iframe>
    </article></body></html>"""
    for url in ("https://example.com/news/1", "https://www.isna.ir/news/1"):
        page = extract_article(html, url)
        assert page.text, url
        lowered = page.html.lower()
        for bad in ("<script", "alert(1)", "onclick", "onmouseover", "onerror", "javascript:", "<iframe", "style="):
            assert bad not in lowered, (url, bad)
        assert "alert(1)" not in page.text
        assert page.language == "fa"


def test_generic_page_metadata():
    html = (
        """<!doctype html><html lang="fa-IR"><head>
    <title>عنوان خبر آزمایشی برای سایت ناشناس - سایت نمونه</title>
    <meta property="og:title" content="عنوان خبر آزمایشی برای سایت ناشناس - سایت نمونه">
    <meta property="og:description" content="خلاصه‌ای از خبر آزمایشی.">
    <meta property="og:image" content="/img/lead.jpg">
    <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-07-01T10:00:00+03:30"}</script>
    </head><body><div class="today-date">۱۰ مهر ۱۴۰۲</div><article>
    <h1>عنوان خبر آزمایشی برای سایت ناشناس</h1>
    <p>خلاصه‌ای از خبر آزمایشی.</p>
    """
        + "".join(
            f"<p>بند شماره {i} از متن خبر که به اندازه کافی طولانی است تا استخراج شود و کنار گذاشته نشود.</p>"
            for i in range(8)
        )
        + """
    </article></body></html>"""
    )
    page = extract_article(html.encode("utf-8"), "https://news.example.ir/a/1")
    assert page.title == "عنوان خبر آزمایشی برای سایت ناشناس"
    assert page.lead == "خلاصه‌ای از خبر آزمایشی."
    assert page.text.startswith("بند شماره 0")  # the repeated lead is dropped
    assert page.image == "https://news.example.ir/img/lead.jpg"
    assert page.published == datetime(2023, 7, 1, 6, 30, tzinfo=timezone.utc)
    assert page.language == "fa"


def test_visible_jalali_dateline_is_the_last_resort():
    paragraphs = "".join(
        f"<p>بند شماره {i} از متن خبر که به اندازه کافی طولانی است تا استخراج شود و کنار گذاشته نشود.</p>"
        for i in range(8)
    )
    html = f"""<html><head><title>خبری بی‌تاریخ در متادیتا</title></head><body>
    <div class="today_date">۲۸ : ۱۹ - جمعه ۲۷ ارديبهشت ۱۳۹۸</div>
    <div class="news_pdate_c">تاریخ انتشار: ۱۲ ارديبهشت ۱۳۹۸ - ۱۶:۱۲</div>
    <article><h1>خبری بی‌تاریخ در متادیتا</h1>{paragraphs}</article></body></html>"""
    page = extract_article(html, "https://unknown.example/news/1")
    assert page.published == datetime(2019, 5, 2, 11, 42, tzinfo=timezone.utc)
    assert re.fullmatch(r"[a-z]{2}", page.language)
