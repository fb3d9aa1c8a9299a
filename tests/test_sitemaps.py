"""Sitemaps and Google News sitemaps: read right, and hostile ones (huge, gzip bombs, broken XML,
entity expansion, external entities) refused quickly and with bounded memory."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khabar.crawler.egress import fetch_policy
from khabar.pipeline.fetch import Fetcher
from khabar.pipeline.sitemaps import MAX_ENTRIES, news_items, parse_sitemap, read_news_items, read_sitemap

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://www.example.ir/fa/news/1001/slug</loc>
  <news:news><news:publication><news:name>\xd8\xae\xd8\xa8\xd8\xb1</news:name><news:language>fa</news:language></news:publication>
   <news:publication_date>2025-03-01T10:30:00+03:30</news:publication_date>
   <news:title>\xd8\xaa\xdb\x8c\xd8\xaa\xd8\xb1 \xd8\xa7\xd9\x88\xd9\x84</news:title></news:news></url>
 <url><loc>https://www.example.ir/fa/news/1001/slug</loc><news:news><news:title>again</news:title></news:news></url>
 <url><loc>/fa/news/1002</loc><news:news><news:publication_date>2025-03-01</news:publication_date>
   <news:title><![CDATA[ \xd8\xaa\xdb\x8c\xd8\xaa\xd8\xb1   \xd8\xaf\xd9\x88\xd9\x85 ]]></news:title></news:news></url>
 <url><loc>https://www.example.ir/fa/page/about</loc><lastmod>2024-01-01</lastmod></url>
 <url><loc>javascript:alert(1)</loc></url>
</urlset>"""
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]><urlset><url><loc>https://x.ir/&lol9;</loc></url></urlset>"
)
XXE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.ir/&x;</loc></url></urlset>'
).encode("utf-16")


def test_news_entries_become_items_with_title_and_time():
    sitemap = parse_sitemap(NEWS, "https://www.example.ir/sitemap-news.xml")
    assert sitemap.kind == "urlset" and sitemap.error is None
    assert [e.url for e in sitemap.entries][-1] == "https://www.example.ir/fa/page/about"  # javascript: dropped
    items = news_items(sitemap)
    assert [(i.url, i.title) for i in items] == [
        ("https://www.example.ir/fa/news/1001/slug", "تیتر اول"),
        ("https://www.example.ir/fa/news/1002", "تیتر دوم"),  # relative loc resolved, whitespace squashed
    ]
    assert items[0].published.isoformat() == "2025-03-01T07:00:00+00:00"
    assert items[1].published.isoformat() == "2025-03-01T00:00:00+00:00"


def test_an_index_lists_its_sitemaps_and_other_documents_are_not_sitemaps():
    index = parse_sitemap(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.ir/news.xml</loc>'
        b"<lastmod>2025-01-01T00:00:00Z</lastmod></sitemap></sitemapindex>",
        "https://x.ir/sitemap.xml",
    )
    assert index.kind == "index" and [e.url for e in index.entries] == ["https://x.ir/news.xml"]
    assert "not a sitemap" in parse_sitemap(b"<rss version='2.0'><channel/></rss>").error
    assert "not a sitemap" in parse_sitemap(b"<!DOCTYPE html><html><body>hi</body></html>").error
    assert parse_sitemap(b"").error == "empty document"


@pytest.mark.parametrize(
    "document",
    [
        b"\x00\x01\x02 not xml at all <<<",
        b"<urlset><url><loc>https://x.ir/1</loc></url>" + b"<url><loc>" * 3,  # cut short
        b'<?xml version="1.0" encoding="nonsense-encoding"?><urlset/>',
        (b"<a>" * 5000) + (b"</a>" * 5000),  # deeper than lxml allows without huge_tree
    ],
)
def test_malformed_documents_give_an_error_or_what_could_be_read_never_an_exception(document):
    sitemap = parse_sitemap(document, "https://x.ir/s.xml")
    assert sitemap.error or all(e.url.startswith("https://x.ir/") for e in sitemap.entries)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe-utf16"])
def test_entity_declarations_are_refused_without_expansion(document):
    started = time.monotonic()
    sitemap = parse_sitemap(document, "https://x.ir/s.xml")
    assert sitemap.error == "refused: the document declares XML entities" and not sitemap.entries
    assert time.monotonic() - started < 1.0


def test_entries_beyond_the_limit_are_not_read():
    rows = b"".join(b"<url><loc>https://x.ir/n/%d</loc></url>" % i for i in range(MAX_ENTRIES + 10))
    sitemap = parse_sitemap(b"<urlset>" + rows + b"</urlset>", "https://x.ir/")
    assert len(sitemap.entries) == MAX_ENTRIES and sitemap.truncated


# --- over HTTP: gzip files, bombs, huge answers --------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    BODIES: dict[str, tuple[str, bytes]] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - stdlib name
        if self.path == "/robots.txt":
            ctype, body = "text/plain", b"User-agent: *\nAllow: /\n"
        else:
            ctype, body = self.BODIES.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in self.BODIES or self.path == "/robots.txt" else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass


@pytest.fixture(scope="module")
def server():
    bomb = gzip.compress(b"<urlset>" + b" " * (300 << 20), compresslevel=9)  # 300 MiB inflated, ~300 KB sent
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/pages.xml.gz</loc></sitemap><sitemap><loc>/news.xml.gz</loc></sitemap></sitemapindex>"
    )
    Handler.BODIES = {
        "/news.xml.gz": ("application/x-gzip", gzip.compress(NEWS)),
        "/pages.xml.gz": ("application/gzip", gzip.compress(b"<urlset><url><loc>/a</loc></url></urlset>")),
        "/sitemap.xml": ("application/xml", index),
        "/bomb.xml.gz": ("application/gzip", bomb),
        "/huge.xml": ("application/xml", b"<urlset>" + b" " * (6 << 20) + b"</urlset>"),
        "/broken.xml.gz": ("application/gzip", b"\x1f\x8b\x08\x00 this is not deflate data"),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(coroutine_factory):
    async def run():
        policy = fetch_policy()
        policy.allow_private, policy.min_gap, policy.max_bytes = True, 0.0, 5 << 20
        async with Fetcher(policy) as fetcher:
            return await coroutine_factory(fetcher)

    return asyncio.run(run())


def test_a_gzip_news_sitemap_behind_an_index_gives_its_items(server):
    fetched, items, warning = fetch(lambda f: read_news_items(f, server + "/sitemap.xml"))
    assert fetched.error is None and warning is None
    assert [i.title for i in items] == ["تیتر اول", "تیتر دوم"]


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        ("/bomb.xml.gz", "too_large", "inflates to more than"),
        ("/huge.xml", "too_large", "larger than"),
        ("/broken.xml.gz", "encoding", "invalid gzip"),
    ],
)
def test_gzip_bombs_huge_and_broken_sitemaps_are_refused_with_bounded_memory(server, path, kind, words):
    tracemalloc.start()
    try:
        fetched, sitemap = fetch(lambda f: read_sitemap(f, server + path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sitemap is None and fetched.error_kind == kind and words in fetched.error
    assert peak < 40 << 20  # the 5 MiB cap, a few copies of it at most, never the 300 MiB
