"""Article links of homepages and section pages (khabar.pipeline.listing_links) and ``khabar links``: no database.

The real pages are the annotated homepages in ``tests/fixtures/homepages`` (see its
README); the truth is counted with the annotation's rules by ``bench/homepages/
homepage_scoring.py``, independently of Khabar's parser.
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.pipeline.listing_links import article_links, find_article_links
from khabar.pipeline.listing_page import parse_listing
from khabar.pipeline.stories.front_pages import prominent_links
from khabar.pipeline.url_shapes import OPAQUE_ID, url_shape

ROOT = Path(__file__).resolve().parents[1]
HOMEPAGES = Path(__file__).parent / "fixtures" / "homepages"
sys.path.insert(0, str(ROOT / "bench" / "homepages"))

from homepage_scoring import same_page_key, true_article_keys  # noqa: E402

ENTRIES = json.loads((HOMEPAGES / "expected.json").read_text(encoding="utf-8"))
BASE = "https://news.example.ir/"


def page_of(entry) -> str:
    return (HOMEPAGES / entry["file"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["domain"])
def test_real_homepages_recall_and_precision_at_least_095(entry):
    html = page_of(entry)
    truth = true_article_keys(html, entry)
    assert len(truth) == entry["article_links_count"]  # the counting rules, as annotated
    found = [same_page_key(u) for u in article_links(html, entry["page_base_url"])]
    assert len(found) == len(set(found)), "one link per page (the annotation's sameness rule)"
    hits = len(truth & set(found))
    assert hits / len(truth) >= 0.95, f"recall {hits}/{len(truth)}"
    assert hits / len(found) >= 0.95, f"precision {hits}/{len(found)}: {sorted(set(found) - truth)[:5]}"
    assert {same_page_key(u) for u in entry["sample_article_links"]} <= set(found)
    assert not {same_page_key(u) for u in entry["non_article_link_examples"]} & set(found)


def test_links_are_resolved_without_fragments_in_page_order_and_once_per_page():
    items = "".join(
        f'<li><a href="/fa/news/{n}/{slug}">{title}</a> <a href="/fa/news/{n}/{slug}/#comments">نظرات</a></li>'
        for n, slug, title in [
            (120301, "افزایش-قیمت-نان", "افزایش قیمت نان در تهران از هفته آینده"),
            (120299, "بارش-برف-در-شمال", "بارش برف سنگین در جاده‌های شمال کشور"),
            (120290, "دیدار-وزیران", "دیدار وزیران خارجه دو کشور در تهران"),
        ]
    )
    html = f"""<html><body><nav><a href="/">صفحه اول</a><a href="/fa/service/2">سیاسی</a></nav>
    <ul>{items}</ul><a href="https://other.example/fa/news/555555">خبر سایت دیگری با عنوان بلند</a>
    <a href="/fa/tag/نان">نان</a><a href="/files/fa/1.pdf">نسخه PDF</a></body></html>"""
    assert article_links(html, BASE) == [
        "https://news.example.ir/fa/news/120301/افزایش-قیمت-نان",
        "https://news.example.ir/fa/news/120299/بارش-برف-در-شمال",
        "https://news.example.ir/fa/news/120290/دیدار-وزیران",
    ]


def test_wordpress_posts_are_taken_and_categories_pages_and_feeds_left():
    posts = "".join(
        f'<article><h3><a href="/?p={7400 - i}">{t}</a></h3><a href="/?p={7400 - i}#respond">بدون دیدگاه</a></article>'
        for i, t in enumerate(
            [
                "مدیریت بازار روزها به اصناف واگذار شد",
                "افزایش دمای هوا در استان در روزهای آینده",
                "زلزله‌ای با قدرت ۳ ریشتر شهر را لرزاند",
            ]
        )
    )
    menu = "".join(f'<li><a href="/?cat={c}">اخبار استان {c}</a></li>' for c in (3, 64, 107, 131, 262))
    html = f'<ul class="main-menu">{menu}</ul><a href="/?page_id=723">تبلیغات</a><a href="/?feed=rss2">RSS</a>{posts}'
    assert article_links(html, "http://wp.example/") == [f"http://wp.example/?p={n}" for n in (7400, 7399, 7398)]


def test_url_shapes_group_an_outlets_articles_and_keep_non_article_words_apart():
    same = {url_shape(u).key for u in ("https://a.ir/fa/news/128705", "https://a.ir/fa/news/128706/اخبار-ویژه")}
    assert len(same) == 1
    radio = {
        url_shape(u).key
        for u in ("https://r.com/a/putin-russia-elections/29108227.html", "https://r.com/a/29104327.html")
    }
    assert len(radio) == 1
    assert (
        url_shape("https://h.ir/details/401150/Society/Travel").key
        == url_shape("https://h.ir/details/401084/Economy/x").key
    )
    assert url_shape("https://a.ir/fa/tag/تلگرام").negative and url_shape("https://a.ir/?cat=12").negative
    assert url_shape("https://a.ir/archive/1396/12/26/1.pdf").file
    assert url_shape("https://a.ir/?newsid=78963").id_named == 2 and url_shape("https://a.ir/?p=7383").id_named == 1
    assert url_shape("https://a.ir/2018/03/19/some-long-title/").dated
    assert url_shape("https://a.ir/fa/issue/1245/2").id_digits == 1  # page 2 of an issue, not an item
    # Words after an item's number are its title, even a word that names other pages elsewhere.
    assert not url_shape("https://r.com/a/iran-vote/29108227.html").negative
    assert not url_shape("https://h.ir/details/401150/Society/Gallery").negative
    assert url_shape("https://a.ir/fa/print/123456").negative and url_shape("https://a.ir/fa/news-archive").negative
    assert url_shape("https://a.ir/news/view?category_id=12").negative
    assert url_shape("JavaScript:ShowNews('99082');").key == url_shape("JavaScript:ShowNews(99083);").key
    assert url_shape("https://a.ir/vdcgzz9w.ak9xz4prra.html").id_digits == OPAQUE_ID  # News Studio's older codes
    article, section = (
        url_shape(f"https://j.ir/index.php?view={v}&id=412:x&Itemid=9") for v in ("article", "category")
    )
    assert article.key != section.key and section.negative and not article.negative


def test_javascript_item_links_are_kept_as_written_and_counted_once_per_number():
    titles = ["اينك بهار", "قدرت در خدمت ملت", "مانور ايران دركارزار انرژي", "مقابله با مبتذلها"]
    areas = "".join(f'<area href="JavaScript:ShowNews(\'{9908 + i}0\');" alt="{t}">' for i, t in enumerate(titles))
    items = "".join(f'<a href="JavaScript:ShowNews({9908 + i}0);">{t}</a>' for i, t in enumerate(titles))
    html = f'<map name="p1">{areas}</map><div>{items}<a href="javascript:getPage(2);">۲</a></div>'
    found = article_links(html, "http://paper.example/")
    assert found == [f"JavaScript:ShowNews('{9908 + i}0');" for i in range(4)]


def test_known_articles_and_non_articles_from_the_crawler_decide_a_shape():
    # Short labels and few links: on its own evidence this shape is not taken...
    html = "".join(f'<a href="/p/{n}.html">گزارش {n}</a>' for n in (5501, 5502, 5503))
    html += '<a href="/story/99123">یک خبر مهم با عنوانی بلند درباره اقتصاد کشور</a>'
    assert article_links(html, BASE) == ["https://news.example.ir/story/99123"]
    # ... but it is once a page of that shape was seen to be an article.
    learned = article_links(html, BASE, known_articles=["https://news.example.ir/p/4410.html"])
    assert learned[:3] == [f"https://news.example.ir/p/{n}.html" for n in (5501, 5502, 5503)]
    refused = article_links(html, BASE, known_other=["https://www.news.example.ir/story/98000"])
    assert refused == []
    exact = article_links(html, BASE, known_articles=["https://news.example.ir/p/5502.html"])
    assert "https://news.example.ir/p/5502.html" in exact  # that very page is taken, whatever its group


def test_other_hosts_of_the_same_site_can_be_named():
    html = "".join(
        f'<a href="https://cdn-news.example.ir/fa/news/{n}">عنوان خبر شماره {n} درباره رویداد امروز</a>'
        for n in (301, 302, 303, 304)
    )
    assert article_links(html, BASE) == []
    assert len(article_links(html, BASE, hosts=["cdn-news.example.ir"])) == 4


def test_base_href_and_stray_end_tags_do_not_lose_links():
    # libxml2 ends the document at a second </html>; hamshahrionline.ir pastes whole documents into menus.
    junk = '<a href="/ad/1"><html><body><img src="a.jpg"></body></html></html></a>'
    items = "".join(
        f'<p><a href="news/{n}/x-y-z">عنوان خبر شماره {n} درباره رویداد مهم</a></p>' for n in (7001, 7002, 7003)
    )
    html = f'<html><head><base href="https://news.example.ir/fa/"></head><body>{junk}{items}</body></html>'
    assert article_links(html, "https://news.example.ir/other/page") == [
        f"https://news.example.ir/fa/news/{n}/x-y-z" for n in (7001, 7002, 7003)
    ]


def test_a_windows_1256_page_given_as_bytes_is_decoded():
    items = "".join(
        f'<li><a href="/fa/news/{n}">خبر شماره {n} درباره بارش باران در تهران</a></li>' for n in (501, 502, 503)
    )
    page = f'<html><head><meta charset="windows-1256"></head><body><ul>{items}</ul></body></html>'.encode("cp1256")
    found = find_article_links(parse_listing(page, BASE))
    assert len(found.urls) == 3
    assert parse_listing(page, BASE).links[0].text.startswith("خبر شماره 501")


HOSTILE = {
    "empty": "",
    "whitespace": "   \n\t ",
    "binary": bytes(range(256)) * 2000,
    "nul": "\x00" * 100_000,
    "deep nesting": "<div>" * 200_000 + '<a href="/fa/news/123456">خبر بسیار مهم امروز درباره بازار</a>',
    "nested anchors": '<a href="/fa/news/123456/a-b-c">' * 50_000,
    "long url": '<a href="/fa/news/123456/' + "x-" * 1_000_000 + '">خبر</a>',
    "long class": '<div class="' + "a-" * 1_000_000 + '"><a href="/fa/news/123456">خبر مهم امروز</a></div>',
    "many attributes": "<a " + " ".join(f'data-x{i}="{i}"' for i in range(100_000)) + ' href="/fa/news/9">x</a>',
    "broken": '<a href="/fa/news/1234"><div><h2>خبر<<<<a href=<>>>/fa/news/1235>x</a></h2><p><area href="' * 3000,
    "unclosed attribute": '<a href="/fa/news/123456 ' + "x" * 500_000,
    "deep json-ld": "".join(
        f'<h2><a href="/fa/news/{n}">خبر شماره {n} درباره موضوع مهم امروز</a></h2><img src=x>'
        for n in range(50001, 50005)
    )
    + '<script type="application/ld+json">'
    + "[" * 100_000
    + "</script>",
    "bad urls": '<a href="http://[::1">x</a><a href="http://a.ir:99999/">y</a><a href="javascript:'
    + "(" * 100_000
    + '">z</a>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pages_never_raise(name):
    started = time.process_time()
    links = article_links(HOSTILE[name], BASE)
    assert isinstance(links, list)
    assert isinstance(prominent_links(HOSTILE[name], BASE), list)
    # A generous guard, not a benchmark: libxml2 checks attributes in quadratic time (100,000 attributes
    # took minutes before long start tags were tamed); everything here runs in well under a second.
    assert time.process_time() - started < 30


def test_a_huge_page_is_read_in_time_proportional_to_its_size():
    item = (
        '<li><h3><a href="/fa/news/{n}/عنوان-خبر">خبر شماره {n} درباره موضوع مهم امروز</a></h3><img src="x.jpg"></li>'
    )

    def cost(count: int) -> tuple[float, int]:
        html = "<ul>" + "".join(item.format(n=100_000 + n) for n in range(count)) + "</ul>"
        started = time.process_time()
        found = article_links(html, BASE)
        return time.process_time() - started, len(found)

    small, n_small = cost(1_000)
    large, n_large = cost(8_000)  # about 1.3 MB
    assert (n_small, n_large) == (1_000, 8_000)
    assert large < 40 * max(small, 0.05)  # 8x the input; a quadratic step would be 64x


def test_khabar_links_prints_the_article_links_of_a_saved_page(capsys):
    entry = next(e for e in ENTRIES if e["domain"] == "kayhan.ir")
    path = HOMEPAGES / entry["file"]
    assert main(["links", "--url", entry["page_base_url"], str(path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == article_links(path.read_bytes(), entry["page_base_url"])
    assert len(printed) == entry["article_links_count"]

    assert main(["links", "--url", entry["page_base_url"], "--explain", str(path)]) == 0
    assert "برداشت" in capsys.readouterr().err


def test_khabar_links_reads_standard_input_and_says_what_is_wrong_with_a_file(capsys, monkeypatch, tmp_path):
    page = '<ul><li><a href="/fa/news/1001">خبر اول درباره موضوع مهم امروز</a></li><li><a href="/fa/news/1002">خبر دوم درباره موضوع مهم دیگر</a></li></ul>'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page.encode("utf-8"))))
    assert main(["links", "--url", BASE, "-"]) == 0
    assert capsys.readouterr().out.splitlines() == [BASE + "fa/news/1001", BASE + "fa/news/1002"]

    assert main(["links", "--url", BASE, str(tmp_path / "missing.html")]) == 2
    assert "چنین پرونده‌ای نیست" in capsys.readouterr().err
    assert main(["links", "--url", BASE, str(tmp_path)]) == 2
    assert "پوشه است" in capsys.readouterr().err
