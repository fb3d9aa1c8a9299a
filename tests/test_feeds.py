"""Feed parsing on real feeds (feed-rs's real-world fixtures) and feedparser's ill-formed ones."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from khabar.pipeline.feeds import parse_feed
from khabar.pipeline.http_urls import is_http_url

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FEED_RS = FEEDS / "feed-rs"
EXPECTED = json.loads((FEED_RS / "expected.json").read_text(encoding="utf-8"))
ILLFORMED = sorted(p for p in (FEEDS / "feedparser-illformed").rglob("*.xml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_feeds_parse_like_feed_rs(name):
    expected = EXPECTED[name]
    parsed = parse_feed((FED := FEED_RS / f"{name}.xml").read_bytes(), url=f"https://feeds.example.org/{FED.name}")
    assert parsed.error is None, parsed.error
    by_title = {item.title: item for item in parsed.items}
    linked = [e for e in expected["entries"] if e["link"]]
    assert len(parsed.items) >= len(linked)
    for entry in linked:
        if not entry["title"]:
            continue
        title = " ".join(entry["title"].split())
        assert title in by_title, f"{title!r} missing from {sorted(by_title)}"
        item = by_title[title]
        assert item.url.startswith(("http://", "https://"))
        assert item.url.endswith(entry["link"].lstrip("/")) or item.url == entry["link"]
        if entry["published"]:
            when = datetime.fromisoformat(entry["published"].replace("Z", "+00:00")).astimezone(timezone.utc)
            assert item.published == when


def test_relative_links_are_resolved():
    parsed = parse_feed((FEED_RS / "atom_relative.xml").read_bytes(), url="https://feeds.example.org/atom.xml")
    assert parsed.items
    assert all(item.url.startswith("http") for item in parsed.items)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.mehrnews.com/news/1", True),
        ("HTTP://Example.ir/a?b=1", True),
        ("  http://example.ir/  ", True),
        ("http://[::1]:8080/x", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("mailto:news@example.ir", False),
        ("ftp://example.ir/file", False),
        ("/relative/path", False),
        ("//cdn.example.ir/img.jpg", False),  # resolve against its page first
        ("http://", False),
        ("http://:80/", False),  # a port but no host
        ("http://[::1/x", False),  # urlsplit raises: not fetchable
        ("", False),
        (None, False),
    ],
)
def test_is_http_url_accepts_only_absolute_web_addresses(url, expected):
    assert is_http_url(url) is expected


@pytest.mark.parametrize("path", ILLFORMED, ids=lambda p: p.name)
def test_illformed_feeds_never_raise(path):
    parsed = parse_feed(path.read_bytes(), url="https://feeds.example.org/feed.xml")
    # Never an exception: usable items (possibly with a warning), or a readable error, or an empty feed.
    if parsed.error:
        assert not parsed.items and isinstance(parsed.error, str) and len(parsed.error) > 10
    if parsed.warning and not parsed.items:
        assert "nothing to collect" in parsed.warning
    for item in parsed.items:
        assert item.url.startswith(("http://", "https://"))
        assert item.title


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"<html><body><h1>Not a feed</h1></body></html>", "not"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not"),
        (b"<rss version='2.0'><channel><title>x</title><item><title>a</ti", None),
    ],
)
def test_garbage_gives_a_readable_error(content, message):
    parsed = parse_feed(content, url="https://feeds.example.org/feed.xml")
    assert not parsed.items
    if message:
        assert parsed.error and message in parsed.error.lower()


def test_persian_rss_items():
    rss = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>خبرگزاری نمونه</title><link>https://news.example.ir/</link>
<item><title>لاوروف: ناتو ایده مشورت با مسکو را دفن کرد</title>
<link>/fa/news/11279483</link><guid>11279483</guid>
<pubDate>Tue, 19 Oct 2021 12:14:00 GMT</pubDate><category>بین‌الملل</category>
<description>&lt;p&gt;وزیر امور خارجه روسیه اعلام کرد…&lt;/p&gt;</description>
<media:content url="https://news.example.ir/img/1.jpg" medium="image"/>
</item>
<item><title>&amp;quot;بدون پیوند&amp;quot;</title><description>x</description></item>
<item><title>تکراری</title><link>https://news.example.ir/fa/news/11279483</link></item>
</channel></rss>""".encode()
    parsed = parse_feed(rss, url="https://news.example.ir/rss")
    assert parsed.title == "خبرگزاری نمونه"
    assert len(parsed.items) == 1  # no link: skipped; duplicate link: skipped
    item = parsed.items[0]
    assert item.url == "https://news.example.ir/fa/news/11279483"
    assert item.published == datetime(2021, 10, 19, 12, 14, tzinfo=timezone.utc)
    assert item.categories == ["بین‌الملل"]
    assert item.image_url == "https://news.example.ir/img/1.jpg"
    assert "\u200c" in item.categories[0]
