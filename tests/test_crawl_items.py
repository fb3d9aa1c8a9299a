"""Awkward feed items are handled as a reader would expect; a 304 costs no parsing and no page."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.pipeline.polling import EVERY
from khabar.sources.models import Feed, Source

BODY = "متن کامل خبر در این پاراگراف آمده است و برای خواننده کافی است. " * 8


def page(title: str, text: str = BODY) -> bytes:
    return (
        f"<html lang='fa'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()


def rss(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>خوراک آزمایشی</title><link>{base}/</link><description>x</description>
<item><title>خبر بی‌تاریخ</title><link>/news/1</link><description>لید خبر بی‌تاریخ</description></item>
<item><title>خبر آینده</title><link>{base}/news/2</link><pubDate>Fri, 01 Jan 2100 10:00:00 GMT</pubDate><description>لید</description></item>
<item><title>خبر با نشانی نسبی</title><link>news/3</link><guid isPermaLink="false">dup-1</guid><pubDate>Mon, 02 Jun 2025 08:00:00 GMT</pubDate></item>
<item><title>همان شناسه دوباره</title><link>{base}/news/3-copy</link><guid isPermaLink="false">dup-1</guid></item>
<item><title>&amp;quot;نقل قول&amp;quot; و &amp;amp; علامت</title><link>{base}/news/4</link><pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate></item>
<item><title>خبر بی‌متن</title><link>{base}/news/empty</link><pubDate>Mon, 02 Jun 2025 09:30:00 GMT</pubDate></item>
<item><title>پرونده پی‌دی‌اف</title><link>{base}/files/report.pdf</link><description>خلاصهٔ گزارش</description></item>
</channel></rss>""".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        self.server.seen.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        pages = {
            "/feed.xml": (rss(base), "application/rss+xml"),
            "/news/1": (page("خبر بی‌تاریخ"), "text/html"),
            "/news/2": (page("خبر آینده"), "text/html"),
            "/news/3": (page("خبر با نشانی نسبی"), "text/html"),
            "/news/3-copy": (page("همان شناسه دوباره"), "text/html"),
            "/news/4": (page('"نقل قول" و & علامت'), "text/html"),
            "/news/empty": (b"<html><head><title>x</title></head><body></body></html>", "text/html"),
            "/files/report.pdf": (b"%PDF-1.4 " + b"0" * 50_000, "application/pdf"),
        }
        body, ctype = pages.get(self.path, (b"not found", "text/plain"))
        status = 200 if self.path in pages else 404
        etag = '"' + hashlib.md5(body).hexdigest() + '"'  # noqa: S324
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def outlet(settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_HOST_MIN_GAP = 0.0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.django_db
def test_awkward_items_are_stored_as_a_reader_expects(outlet):
    base, httpd = outlet
    source = Source.objects.create(name="رسانهٔ آزمایشی", slug="test-outlet")
    feed = Feed.objects.create(source=source, url=base + "/feed.xml")
    before = datetime.now(timezone.utc)
    [report] = refresh_feeds([feed])
    after = datetime.now(timezone.utc)
    assert report.error is None and report.new == 6
    stored = {a.url.removeprefix(base): a for a in Article.objects.all()}
    assert set(stored) == {"/news/1", "/news/2", "/news/3", "/news/4", "/news/empty", "/files/report.pdf"}
    # No date: the time it was fetched. A date in the future: clamped to the fetch time.
    assert before - timedelta(seconds=1) <= stored["/news/1"].published_at <= after
    assert before - timedelta(seconds=1) <= stored["/news/2"].published_at <= after
    assert stored["/news/3"].published_at == datetime(2025, 6, 2, 8, tzinfo=timezone.utc)
    # A GUID seen twice is one item (the first); a relative link is resolved against the feed.
    assert "/news/3-copy" not in httpd.seen
    # A double-escaped title reads as the outlet meant it.
    assert stored["/news/4"].title == '"نقل قول" و & علامت'
    # An item without any text keeps its title and link; a PDF is not downloaded, its summary is kept.
    assert stored["/news/empty"].title == "خبر بی‌متن" and not stored["/news/empty"].body_text.strip()
    assert stored["/files/report.pdf"].body_text == "خلاصهٔ گزارش"
    assert any("report.pdf" in e and "not an HTML page" in e for e in report.item_errors)
    assert "متن کامل خبر" in stored["/news/1"].body_text


@pytest.mark.django_db
def test_a_304_costs_no_parsing_and_no_page(outlet, monkeypatch):
    import khabar.pipeline.collect as collect

    base, httpd = outlet
    source = Source.objects.create(name="رسانهٔ آزمایشی", slug="test-outlet")
    feed = Feed.objects.create(source=source, url=base + "/feed.xml")
    parses = []
    real_parse = collect.parse_feed
    monkeypatch.setattr(collect, "parse_feed", lambda *a, **k: parses.append(1) or real_parse(*a, **k))
    refresh_feeds([feed])
    assert len(parses) == 1
    feed.refresh_from_db()
    assert feed.etag
    httpd.seen.clear()
    [report] = refresh_feeds(list(Feed.objects.select_related("source")))
    assert report.not_modified and report.error is None
    assert len(parses) == 1  # not parsed again
    assert httpd.seen == ["/feed.xml"]  # no page fetched (robots.txt was cached)
    feed.refresh_from_db()
    assert feed.status == "ok" and feed.next_check_reason.startswith(EVERY)


@pytest.mark.django_db
def test_a_crawler_error_on_one_feed_leaves_the_others_alone(outlet, monkeypatch):
    import khabar.crawler.refresh as refresh

    base, _ = outlet
    source = Source.objects.create(name="رسانهٔ آزمایشی", slug="test-outlet")
    good = Feed.objects.create(source=source, url=base + "/feed.xml")
    broken = Feed.objects.create(source=source, url=base + "/feed.xml#the-same-feed-again")
    real_store = refresh.store_articles

    def store(source_id, feed_id, *args):
        if feed_id == broken.pk:
            raise RuntimeError("disk full")
        return real_store(source_id, feed_id, *args)

    monkeypatch.setattr(refresh, "store_articles", store)
    reports = {r.feed_id: r for r in refresh_feeds([good, broken])}
    assert reports[broken.pk].error_kind == "internal" and "disk full" in reports[broken.pk].error
    assert reports[good.pk].error is None and reports[good.pk].new == 6
