"""Body HTML sanitizing: harmless markup only, and links that still work on our site."""

from __future__ import annotations

import re

import pytest

from khabar.pipeline.sanitize import sanitize_html

BASE = "https://www.isna.ir/news/1402/خبر-اول"


def _urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


@pytest.mark.parametrize(
    "written, resolved",
    [
        ("/fa/news/2", "https://www.isna.ir/fa/news/2"),
        ("../photo/3", "https://www.isna.ir/news/photo/3"),
        ("?page=2", "https://www.isna.ir/news/1402/%D8%AE%D8%A8%D8%B1-%D8%A7%D9%88%D9%84?page=2"),
        ("//cdn.isna.ir/a.jpg", "https://cdn.isna.ir/a.jpg"),  # protocol-relative takes the page's scheme
        ("https://www.irna.ir/x", "https://www.irna.ir/x"),  # absolute: as written
    ],
)
def test_relative_links_and_images_are_resolved_against_the_page(written, resolved):
    html = sanitize_html(f'<p><a href="{written}">پیوند</a><img src="{written}" alt="عکس"></p>', BASE)
    assert _urls(html) == [resolved, resolved]
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java&#9;script:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,iVBORw0KGgo=",
        "vbscript:msgbox(1)",
    ],
)
def test_script_and_data_urls_are_dropped_with_or_without_a_base(url):
    for base in (BASE, None):
        html = sanitize_html(f'<p><a href="{url}">پیوند</a><img src="{url}"></p>', base)
        assert _urls(html) == [], html
        assert "پیوند" in html  # the text stays


def test_without_a_usable_base_relative_links_are_kept_as_written():
    fragment = '<a href="/fa/news/2">x</a><img src="//cdn.isna.ir/a.jpg">'
    for base in (None, "", "/relative", "javascript:alert(1)", "http://a b/"):
        assert _urls(sanitize_html(fragment, base)) == ["/fa/news/2", "//cdn.isna.ir/a.jpg"]


def test_everything_else_nh3_guarantees_still_holds():
    html = sanitize_html(
        '<p onclick="x()" style="color:red">متن‌ها <script>alert(1)</script><iframe src="/e"></iframe>'
        '<a href="mailto:news@isna.ir" target="_blank">نامه</a><!-- note --></p>',
        BASE,
    )
    assert html == '<p>متن‌ها <a href="mailto:news@isna.ir" rel="noopener noreferrer nofollow">نامه</a></p>'
