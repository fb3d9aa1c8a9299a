"""Every text step stays linear on hostile input: a 200,000-character word, run of spaces or of "<" (issue 10).

A regex that scans a long run again from each of its characters (``\\S+@\\S+\\.\\w+`` was one)
is quadratic: 40,000 letters took 2.2 s in ``normalize_display``, a 300 KB feed item held the
process (and its GIL) for 32 s, and a 200,000-character one takes minutes or hours in some steps.

The time limit below is NOT a speed figure (speed is measured in ``bench/``): on such input each
shape's steps together take a few seconds on a loaded machine, and the limit is far above that.
It guards against a blow-up of 100 times or more, which is what a quadratic step is at this
size. Each shape runs in a forked child process, so that a step that blows up is stopped at the
limit instead of holding the test run for hours.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from datetime import datetime, timezone

import pytest

from khabar.pipeline.attribution import article_credit
from khabar.pipeline.collect import build_record
from khabar.pipeline.dates import parse_persian_datetime
from khabar.pipeline.extract import extract_article
from khabar.pipeline.persian import display_digits, normalize_display, prepare_html, prepare_text
from khabar.pipeline.records import FeedItem
from khabar.pipeline.sanitize import html_to_text, sanitize_html
from khabar.pipeline.search_keys import search_key, search_tokens
from khabar.pipeline.zwnj import repair_zwnj

N = 200_000
FILLER = "بند دیگری از متن خبر که جزئیات بیشتری از این رویداد را برای خواننده روشن می‌کند. " * 8
LIMIT = 240  # seconds for all the steps of one shape; see the docstring: a guard, not a measurement

SHAPES = {
    "latin word": "a" * N,
    "persian word": "ب" * N,
    "run of spaces": "منبع: ب" + " " * N + "ب",  # also a credit line and a tag list without a separator
    "run of newlines": "به گزارش ب" + "\n" * N + "ب",
    "run of <": "متن " + "<" * N,
    "e-mail-like word": "a.b@" * (N // 4),
    "letters and dots": "a." * (N // 2),
    "weekday then spaces": "شنبه" + " " * N + "x",
}


def page_with(text: str) -> str:
    """An article page carrying ``text`` wherever the extractor reads: title, meta tags, heading, body."""
    return (
        f"<html><head><title>{text}</title><meta name='description' content='{text}'>"
        f"<meta property='article:section' content='{text}'><meta name='keywords' content='{text}'>"
        f"<script type='application/ld+json'>{json.dumps({'@type': 'NewsArticle', 'headline': text, 'author': text})}"
        "</script></head>"
        f"<body><article><h1>{text}</h1><time>{text}</time><p>{text}</p><p>{text}</p></article></body></html>"
    )


def every_text_step(text: str) -> None:
    normalize_display(text)
    prepare_text(text)
    repair_zwnj(text)
    display_digits(text)
    prepare_html(f"<p>{text}</p>{text}")
    sanitize_html(f"<p>{text}</p>", "https://example.ir/")
    html_to_text(f"<p>{text}</p>{text}")
    search_tokens(text)
    search_key(text)
    article_credit(text, text)
    parse_persian_datetime(text)
    extract_article(page_with(text).encode(), "https://example.ir/news/1")
    # The whole record build of a feed item carrying its text (no page to fetch).
    item = FeedItem(
        url="https://example.ir/news/1",
        title=text,
        summary_html=text,
        content_html=f"<p>{text}</p><p>{FILLER}</p>",
        published=datetime(2024, 1, 1, tzinfo=timezone.utc),
        categories=[text],
    )
    asyncio.run(build_record(None, item))


@pytest.mark.parametrize("shape", SHAPES)
def test_every_text_step_is_linear_on_a_hostile_long_word(shape):
    child = multiprocessing.get_context("fork").Process(target=every_text_step, args=(SHAPES[shape],))
    child.start()
    child.join(LIMIT)
    blew_up = child.is_alive()
    if blew_up:
        child.kill()
        child.join()
    assert not blew_up, f"the text steps took more than {LIMIT} s on a {shape} of {N:,} characters"
    assert child.exitcode == 0, "a text step raised on hostile input"
