"""Discovery from a homepage, and outlets without a feed crawled from their pages or their news sitemap.

The offline news web's cases (``khabar/newsweb/cases.py``): outlets with feeds, with no feed at
all (homepage and section pages only), with only a Google News sitemap. Against its ground truth:
every article of a feedless outlet is stored exactly once, dated from its page.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin

import pytest
from rich.console import Console

from khabar.cli import main
from khabar.crawler.discovery import discover_outlet
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.sources.catalog import register_discovered
from khabar.sources.models import Feed, NonArticlePage, Source

pytestmark = [pytest.mark.e2e]
CASES = {"ava": "no-feed", "peyk-iran": "no-feed", "nasim-sobh": "news-sitemap"}


@pytest.fixture(scope="module")
def web():
    news = NewsWeb(seed=5, rate=0.0, port=0, backlog=6, cases=CASES).start()
    yield news
    news.stop()


@pytest.fixture
def allow_private(settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 3.0
    settings.KHABAR_HOST_MIN_GAP = 0.01


def outlet(web, slug):
    return next(o for o in web.outlets if o.slug == slug)


def truth(web, slug) -> dict:
    return {canonical_url(item.url): item for item in web.published() if item.outlet == slug}


@pytest.mark.django_db
def test_a_homepage_with_feeds_gives_its_verified_feeds(web, allow_private):
    sepehr = outlet(web, "sepehr")
    report = discover_outlet(sepehr.homepage)
    assert report.error is None and report.site_name == sepehr.name
    assert {(p.kind, p.url, p.category) for p in report.plan} == {("rss", f.url, f.category) for f in sepehr.feeds}
    feeds = report.of_kind("rss")
    assert all(f.works and f.how == "advertised" for f in feeds)
    assert any(f.samples and f.samples[0].url.startswith(sepehr.homepage) for f in feeds)
    # The homepage's own article links are found too, but feeds are what gets crawled.
    assert report.of_kind("listing")[0].items > 0


@pytest.mark.django_db
def test_a_feed_url_given_is_that_feed_alone(web, allow_private):
    feed = outlet(web, "sepehr").feeds[0]
    report = discover_outlet(feed.url)
    assert [(p.kind, p.url) for p in report.plan] == [("rss", feed.url)]
    assert report.homepage == outlet(web, "sepehr").homepage


@pytest.mark.django_db
def test_a_homepage_without_feeds_gives_its_listing_pages_and_why(web, allow_private):
    ava = outlet(web, "ava")
    report = discover_outlet(ava.homepage)
    assert not any(f.works for f in report.of_kind("rss"))  # the usual paths were tried, and failed
    assert {f.how for f in report.of_kind("rss")} == {"usual path"}
    plan = {p.url: p for p in report.plan}
    assert {p.kind for p in report.plan} == {"listing"}
    assert ava.homepage in plan and "no feed, no news sitemap" in plan[ava.homepage].reason
    sections = [p for p in report.plan if p.url != ava.homepage]
    assert sections and all(p.category for p in sections)  # named by their menu labels (سیاسی…)


@pytest.mark.django_db
def test_a_news_sitemap_named_in_robots_txt_is_found_through_its_index(web, allow_private):
    report = discover_outlet(outlet(web, "nasim-sobh").homepage)
    assert [p.kind for p in report.plan] == ["news_sitemap"]
    found = report.of_kind("news_sitemap")[0]
    assert "robots.txt" in found.how and found.items == len(truth(web, "nasim-sobh"))
    assert all(s.title and s.published for s in found.samples)


@pytest.mark.django_db
def test_feedless_outlets_store_every_article_exactly_once(web, allow_private):
    for slug in CASES:
        register_discovered(discover_outlet(outlet(web, slug).homepage))
    feeds = list(Feed.objects.select_related("source"))
    assert {f.kind for f in feeds} == {"listing", "news_sitemap"}

    reports = refresh_feeds(feeds)
    assert not [r.error for r in reports if r.error]
    for slug in CASES:
        expected = truth(web, slug)
        stored = {a.url: a for a in Article.objects.filter(source__homepage=outlet(web, slug).homepage)}
        assert set(stored) == set(expected), slug
        for url, article in stored.items():
            item = expected[url]
            # Dated from the page (meta, JSON-LD or a visible Jalali dateline) or the sitemap: to the minute.
            assert abs((article.published_at - item.published).total_seconds()) <= 60, (slug, url)
            assert article.title and article.body_text
    # Again: nothing new, nothing doubled, no page fetched twice to learn it is an article.
    before = Article.objects.count()
    web.traffic.clear()
    reports = refresh_feeds(list(Feed.objects.select_related("source")))
    assert sum(r.new for r in reports) == 0 and Article.objects.count() == before
    article_paths = {item.url.split("/", 3)[3] for slug in CASES for item in truth(web, slug).values()}
    refetched = [t.path for t in web.traffic.traces() if t.path.lstrip("/") in article_paths]
    assert not refetched


HEADLINES = [
    "افزایش قیمت بلیت قطارهای مسافری از هفته آینده",
    "برگزاری نمایشگاه کتاب تهران با حضور ناشران خارجی",
    "بارش برف و باران در استان‌های شمالی کشور",
    "گزارش تصویری از جشنواره گل و گیاه در شیراز",
    "گزارش تصویری از مسابقات قایقرانی در بندرعباس",
    "گزارش تصویری از بازار سنتی تبریز در روز جمعه",
]


class MiniSite(BaseHTTPRequestHandler):
    """A listing page whose six headline links share one shape: three articles, three photo galleries."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - stdlib name
        self.server.seen.append(self.path)
        if self.path == "/":
            links = "".join(f'<li><a href="/story/{10001 + i}">{h}</a></li>' for i, h in enumerate(HEADLINES))
            body = f"<html><head><title>سایت</title></head><body><ul>{links}</ul></body></html>"
        elif self.path.startswith("/story/1000") and int(self.path[-1]) <= 3:
            n = int(self.path[-1])
            body = (
                f'<html><head><meta property="og:type" content="article"><title>{HEADLINES[n - 1]}</title>'
                f'<meta property="article:published_time" content="2025-01-0{n}T08:00:00Z"></head><body>'
                f"<h1>{HEADLINES[n - 1]}</h1><article>"
                + "<p>متن کامل خبر در چند جمله برای خواننده. </p>" * 8
                + "</article></body></html>"
            )
        elif self.path.startswith("/story/"):
            body = '<html><head><meta property="og:type" content="website"><title>گالری</title></head><body><img src="/a.jpg"></body></html>'
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def mini_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), MiniSite)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_pages_a_listing_links_that_are_not_articles_are_learned_and_never_fetched_again(mini_site, allow_private):
    home = f"http://127.0.0.1:{mini_site.server_address[1]}/"
    source = Source.objects.create(name="سایت", slug="mini", homepage=home)
    Feed.objects.create(source=source, url=home, kind="listing")
    [report] = refresh_feeds(list(Feed.objects.select_related("source")))
    assert (report.new, report.not_articles, report.error) == (3, 3, None)
    assert sorted(a.url[-5:] for a in Article.objects.all()) == ["10001", "10002", "10003"]
    assert sorted(u[-5:] for u in NonArticlePage.objects.values_list("url", flat=True)) == ["10004", "10005", "10006"]
    dates = sorted(a.published_at.day for a in Article.objects.all())
    assert dates == [1, 2, 3]  # dated from the pages
    mini_site.seen.clear()
    [report] = refresh_feeds(list(Feed.objects.select_related("source")))
    assert (report.new, report.not_articles) == (0, 0)
    assert mini_site.seen == ["/"]  # neither the articles nor the galleries are fetched again


@pytest.mark.django_db
def test_sources_discover_prints_a_table_and_stores_nothing(web, allow_private, capsys):
    assert main(["sources", "discover", outlet(web, "ava").homepage]) == 0
    out = capsys.readouterr().out
    assert "یافته‌ها" in out and "خزیده می‌شد" in out and "صفحهٔ فهرست" in out and "usual path" in out
    assert not Source.objects.exists() and not Feed.objects.exists()


@pytest.mark.django_db
def test_sources_add_of_a_homepage_stores_what_it_will_crawl(web, allow_private, capsys):
    nasim = outlet(web, "nasim-sobh")
    assert main(["sources", "add", nasim.homepage, "--name", "نسیم"]) == 0
    out = capsys.readouterr().out
    assert "خزیده خواهد شد" in out and "نقشهٔ خبری" in out
    source = Source.objects.get()
    assert (source.name, source.homepage) == ("نسیم", nasim.homepage) and source.discovered_at
    assert [(f.kind, f.url.endswith("/sitemap.xml")) for f in source.feeds.all()] == [("news_sitemap", True)]
    # Again: the same outlet, nothing doubled.
    assert main(["sources", "add", nasim.homepage]) == 0
    assert Source.objects.count() == 1 and Feed.objects.count() == 1


@pytest.mark.django_db
def test_sources_add_of_an_unreadable_address_stores_nothing(allow_private, capsys):
    assert main(["sources", "add", "http://127.0.0.1:9/"]) == 1
    assert "خوانده نشد" in capsys.readouterr().out
    assert not Source.objects.exists()
    assert main(["sources", "add", "javascript:alert(1)"]) == 2


def test_discovery_table_shows_the_plan_of_a_report():
    from khabar.crawler.reports import print_discovery
    from khabar.pipeline.discovery import DiscoveryReport, Found, PlannedCrawl

    report = DiscoveryReport(url="https://x.ir/", homepage="https://x.ir/", site_name="ایکس")
    report.found = [Found("rss", "https://x.ir/rss", "usual path", detail="HTTP 404 Not Found")]
    report.plan = [PlannedCrawl("listing", "https://x.ir/", None, "no feed, no news sitemap: …")]
    console = Console(width=200, record=True)
    print_discovery(report, console)
    text = console.export_text()
    assert "HTTP 404" in text and "صفحهٔ فهرست" in text and "ایکس" in text


@pytest.mark.slow
def test_sources_add_of_a_homepage_alone_is_enough_to_crawl_it(web, tmp_path):
    """As a user runs it: `khabar sources add HOMEPAGE`, then the crawl; a feedless outlet's articles are stored."""
    import os
    import sqlite3
    import subprocess
    import sys

    env = {**os.environ, "KHABAR_DATA_DIR": str(tmp_path), "KHABAR_HOST_MIN_GAP": "0.01"}
    env.pop("KHABAR_DATABASE_URL", None)  # the commands' own SQLite database, never the suite's

    def khabar(*args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "khabar.cli", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )

    peyk = outlet(web, "peyk-iran")  # no feed at all: its homepage and section pages
    added = khabar("sources", "add", peyk.homepage, "--allow-private")
    assert added.returncode == 0, added.stdout + added.stderr
    assert "خزیده خواهد شد" in added.stdout and "صفحهٔ فهرست" in added.stdout
    crawled = khabar("crawl", "--once", "--allow-private")
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    with sqlite3.connect(tmp_path / "khabar.sqlite3") as db:
        stored = {url for (url,) in db.execute("SELECT url FROM news_article")}
    assert stored == set(truth(web, "peyk-iran"))


def test_the_feeds_real_homepages_advertise_are_found(fixtures_dir):
    """On the saved homepages of real Persian outlets: every annotated advertised feed (comment feeds aside)."""
    import json

    from khabar.pipeline.discovery import feed_links
    from khabar.pipeline.listing_page import parse_listing, site_host

    pages = json.loads((fixtures_dir / "homepages" / "expected.json").read_text(encoding="utf-8"))
    assert any(page["feeds_advertised"] for page in pages)
    for page in pages:
        base = page["page_base_url"]
        found = feed_links(parse_listing((fixtures_dir / "homepages" / page["file"]).read_bytes(), base))
        expected = {urljoin(base, url) for url in page["feeds_advertised"] if "comment" not in url}
        assert expected <= set(found), page["domain"]
        assert all(site_host(url) == site_host(base) and "comment" not in url for url in found), page["domain"]


def test_section_candidates_of_real_homepages_are_sections(fixtures_dir):
    """Menu links tried as section pages: never about/contact/search pages or the site in another language."""
    import asyncio
    import json

    from khabar.pipeline.discovery import find_sections
    from khabar.pipeline.listing_links import find_article_links
    from khabar.pipeline.listing_page import parse_listing
    from khabar.pipeline.records import FetchResult

    class Offline:  # records what would be fetched
        def __init__(self):
            self.urls = []

        async def fetch(self, url, **options):
            self.urls.append(url)
            return FetchResult(url=url, error="offline", error_kind="connect")

    tried = {}
    for page in json.loads((fixtures_dir / "homepages" / "expected.json").read_text(encoding="utf-8")):
        listing = parse_listing((fixtures_dir / "homepages" / page["file"]).read_bytes(), page["page_base_url"])
        fetcher = Offline()
        sections = asyncio.run(find_sections(fetcher, listing, find_article_links(listing).urls, ""))
        assert not any(found.works for found in sections)  # nothing fetched: nothing verified
        tried[page["domain"]] = fetcher.urls
    assert tried["hamshahrionline.ir"] and all("/service/" in url for url in tried["hamshahrionline.ir"])
    assert "http://akharinkhabar.ir/politics" in tried["akharinkhabar.ir"]
    for url in (u for urls in tried.values() for u in urls):
        assert not any(word in url.lower() for word in ("/about", "/contact", "/en", "/ar", "/search", "/page/"))
