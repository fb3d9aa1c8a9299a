"""Persian digits wherever a reader looks (issue 13, target 6), checked on rendered pages.

Titles, leads, bodies, comments and outlet names show Persian digits; URLs, numbers glued to
Latin words, code and the reader's own input keep the author's digits.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from sitekit import make_article, text_of

from khabar.pipeline.persian import display_digits, display_digits_html
from khabar.site.models import Comment

TITLE = "افزایش 20 درصدی قیمت iPhone 15 در سال 2024"
TITLE_SHOWN = "افزایش ۲۰ درصدی قیمت iPhone 15 در سال ۲۰۲۴"
LEAD = "نشست ساعت 10:30 برگزار شد؛ نشانی گزارش https://x.ir/news/123 است و COVID-19 هم مطرح شد."
LEAD_SHOWN = "نشست ساعت ۱۰:۳۰ برگزار شد؛ نشانی گزارش https://x.ir/news/123 است و COVID-19 هم مطرح شد."
BODY = (
    '<p>در 3 ماه گذشته <a href="https://x.ir/news/456">گزارش 7</a> منتشر شد.</p><p>نسخهٔ v2.3.1 و 5G و mp3 و 123abc.</p>'
)


@pytest.fixture
def digits_article(mehr, world):
    article = make_article(mehr, world, title=TITLE, lead=LEAD, body_html=BODY, body_text="متن در 3 ماه")
    Comment.objects.create(article=article, name="خواننده 2", text="نظر من: 5 ستاره", approved=True)
    return article


@pytest.mark.parametrize(
    "text, expected",
    [
        ("123abc و 10:30abc", "123abc و 10:30abc"),  # a run is converted whole or not at all
        ("iPhone 15 و Windows 11", "iPhone 15 و Windows 11"),
        ("تلفن 021-12345678", "تلفن ۰۲۱-۱۲۳۴۵۶۷۸"),
        ("نسخهٔ v2.3.1 و a_1 و #12 و x=5", "نسخهٔ v2.3.1 و a_1 و #12 و x=5"),
    ],
)
def test_display_digits_leaves_latin_and_code_alone(text, expected):
    assert display_digits(text) == expected


def test_display_digits_html_converts_text_only():
    html = (
        '<p title="2">سال 2024 <a href="https://x.ir/12">خبر 12</a>&#8204;<code>x = 12</code> و 7</p><pre>1 2</pre> 3'
    )
    assert display_digits_html(html) == (
        '<p title="2">سال ۲۰۲۴ <a href="https://x.ir/12">خبر ۱۲</a>&#8204;<code>x = 12</code> و ۷</p><pre>1 2</pre> ۳'
    )


@pytest.mark.django_db
def test_article_page_shows_persian_digits(client, digits_article):
    html = text_of(client.get(digits_article.get_absolute_url()))
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)  # data, not display
    assert TITLE_SHOWN in html and TITLE not in html
    assert LEAD_SHOWN in html
    assert "در ۳ ماه گذشته" in html and ">گزارش ۷</a>" in html
    assert 'href="https://x.ir/news/456"' in html  # links keep their digits
    assert "نسخهٔ v2.3.1 و 5G و mp3 و 123abc." in html
    assert "خواننده ۲" in html and "نظر من: ۵ ستاره" in html
    assert f"<title>{TITLE_SHOWN} | خبر</title>" in html
    text = text_of(client.get(f"/news/{digits_article.pk}/text/"))
    assert TITLE_SHOWN in text and "متن در ۳ ماه" in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/category/world/", "/latest/", "/source/mehr/", "/search/?q=قیمت"])
def test_list_pages_show_persian_digits(client, digits_article, url):
    html = text_of(client.get(url))
    assert TITLE_SHOWN in html.replace("<mark>", "").replace("</mark>", ""), url
    assert TITLE not in html


@pytest.mark.django_db
def test_search_keeps_the_readers_query_as_typed_in_the_box(client, digits_article):
    html = text_of(client.get("/search/?q=2024"))
    assert 'value="2024"' in html  # the box shows what the reader typed
    assert 'جست‌وجوی «<span dir="auto">۲۰۲۴</span>»' in html


@pytest.mark.django_db
def test_converted_bodies_are_computed_once(digits_article, settings, monkeypatch):
    """The body's sanitizing and digit conversion run once; later renders (page cache off) reuse it."""
    from khabar.site.templatetags import site_tags

    settings.KHABAR_PAGE_CACHE_SECONDS = 0
    calls = []
    real = site_tags.sanitize_html
    monkeypatch.setattr(site_tags, "sanitize_html", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert "در ۳ ماه گذشته" in text_of(Client().get(digits_article.get_absolute_url()))
    assert len(calls) == 1
