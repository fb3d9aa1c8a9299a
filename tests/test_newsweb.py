"""Tests of the offline news web (khabar.newsweb): loopback only, no Django DB."""

from __future__ import annotations

import gzip
import html
import json
import re
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from khabar.newsweb.corpus import DEFAULT_DATA_PATH, load_articles, map_category
from khabar.newsweb.outlets import VARZESH3
from khabar.newsweb.schedule import BACKLOG_SPAN, build_schedule
from khabar.newsweb.server import NewsWeb
from khabar.newsweb.templates import gregorian_to_jalali, jalali_dateline

T0 = 1_750_000_000.0  # 2025-06-15T15:06:40Z
ROOT = Path(__file__).resolve().parents[1]


class FakeClock:
    def __init__(self, t: float = T0):
        self.t = t
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.t

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.t += seconds


def norm(text: str) -> str:
    return " ".join(text.split())


def strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def canonical(url: str) -> str:
    return url.split("?", 1)[0]


@pytest.fixture(scope="module")
def client():
    with httpx.Client(trust_env=False, timeout=5.0) as c:  # never a proxy: loopback only
        yield c


@pytest.fixture(scope="module")
def web():
    w = NewsWeb(seed=1, rate=6.0, port=0, backlog=20, clock=FakeClock()).start()
    yield w
    w.stop()


@pytest.fixture(scope="module")
def feeds(web, client):
    """Every feed of every outlet, fetched and parsed once: (outlet, feed, response, parsed)."""
    out = []
    for o in web.outlets:
        for f in o.feeds:
            r = client.get(f.url)
            out.append((o, f, r, feedparser.parse(r.content)))
    return out


# -- outlets and hosts --------------------------------------------------------


def test_outlets_on_distinct_loopback_hosts(web):
    outlets = web.outlets
    assert len(outlets) >= 12
    hosts = {urlsplit(o.homepage).netloc for o in outlets}
    assert len(hosts) == len(outlets)
    ports = {urlsplit(o.homepage).port for o in outlets}
    assert ports == {web.bound_port}
    for i, o in enumerate(outlets):
        assert urlsplit(o.homepage).hostname == f"127.0.1.{10 + i}"
        assert re.fullmatch(r"[a-z0-9-]+", o.slug)
        assert re.search(r"[\u0600-\u06ff]", o.name), o.name
        assert o.feeds and all(urlsplit(f.url).netloc == o.host for f in o.feeds)
    assert len({o.slug for o in outlets}) == len({o.name for o in outlets}) == len(outlets)
    formats = {f.format for o in outlets for f in o.feeds}
    assert formats == {"rss", "atom", "rdf"}
    assert {f.full_text for o in outlets for f in o.feeds} == {True, False}
    assert len({o.layout for o in outlets}) >= 6
    assert {o.date_style for o in outlets} == {"meta", "jsonld", "jalali"}


def test_backlog_per_outlet_spread_over_past_hours(web):
    items = web.published()
    per_outlet = {}
    for it in items:
        if it.version == "original":  # other outlets' copies of these events come on top (coverage)
            per_outlet[it.outlet] = per_outlet.get(it.outlet, 0) + 1
        assert it.published.tzinfo is not None and it.published.utcoffset().total_seconds() == 0
        assert T0 - BACKLOG_SPAN - 1 <= it.published.timestamp() <= T0
    assert per_outlet == {o.slug: 20 for o in web.outlets}
    span = max(i.published for i in items) - min(i.published for i in items)
    assert span.total_seconds() > 2 * 3600


def test_each_article_published_once_and_sports_outlets_get_varzesh3(web):
    ids = [p.article_id for p in web.schedule if p.version == "original"]  # copies: tests/test_stories_newsweb.py
    assert len(ids) == len(set(ids)) >= 900
    for p in web.schedule:
        spec = web._specs[p.outlet]
        assert p.category in spec.categories
        if p.article.source == VARZESH3:
            assert "sports" in spec.categories
    v3_outlets = {p.outlet for p in web.schedule if p.article.source == VARZESH3}
    assert len(v3_outlets) >= 3


# -- feeds --------------------------------------------------------------------


def test_every_feed_parses_and_links_to_pages_on_same_host(web, client, feeds):
    truth = {it.url: it for it in web.published()}
    n_entries = 0
    for o, f, r, d in feeds:
        assert r.status_code == 200, f.url
        assert "xml" in r.headers["content-type"]
        assert not d.bozo, (f.url, d.get("bozo_exception"))
        assert d.version == {"rss": "rss20", "atom": "atom10", "rdf": "rss10"}[f.format]
        assert len(d.entries) <= 30
        for e in d.entries:
            n_entries += 1
            assert urlsplit(e.link).netloc == o.host
            assert e.get("id") and e.title
            assert e.get("published_parsed") or e.get("updated_parsed")
            assert e.get("tags")
            it = truth[canonical(e.link)]  # only published items, each in its own category feed
            assert it.outlet == o.slug and it.category == f.category and it.title == e.title
            when = e.get("published_parsed") or e.get("updated_parsed")
            assert datetime(*when[:6], tzinfo=timezone.utc) == it.published
        # newest first
        dates = [e.get("published_parsed") or e.get("updated_parsed") for e in d.entries]
        assert dates == sorted(dates, reverse=True)
        if d.entries:  # the first item's page is fetchable and is that article
            page = client.get(d.entries[0].link)
            assert page.status_code == 200, d.entries[0].link
            assert html.escape(d.entries[0].title) in page.text
    assert n_entries >= len(web.outlets) * 20 * 0.9
    # feed images
    with_images = [e for _, _, _, d in feeds for e in d.entries if e.get("enclosures") or e.get("media_content")]
    assert with_images
    img = with_images[0]
    url = (img.get("enclosures") or img.get("media_content"))[0].get("href") or img["media_content"][0]["url"]
    r = client.get(url)
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_full_text_feeds_carry_body_summary_feeds_only_lead(web, feeds):
    truth = {it.url: it for it in web.published()}
    checked = {True: 0, False: 0}
    for _o, f, _r, d in feeds:
        for e in d.entries:
            it = truth[canonical(e.link)]
            if f.full_text:
                assert e.get("content"), f.url
                content = norm(strip_tags(e.content[0].value))
                for p in it.body.split("\n"):
                    assert norm(p) in content
            else:
                assert "content" not in e, f.url
                assert norm(strip_tags(e.summary)) == norm(it.lead)
                last = norm(it.body.split("\n")[-1])
                assert last not in norm(strip_tags(e.summary)) or last in norm(it.lead)
            checked[f.full_text] += 1
    assert checked[True] > 50 and checked[False] > 50


def test_feed_lists_latest_30_of_category(client):
    w = NewsWeb(seed=2, backlog=45, clock=FakeClock()).start()
    try:
        o = next(o for o in w.outlets if o.slug == "medal")  # sports only
        d = feedparser.parse(client.get(o.feeds[0].url).content)
        expected = [it.url for it in reversed(w.published()) if it.outlet == "medal"][:30]
        assert [canonical(e.link) for e in d.entries] == expected
    finally:
        w.stop()


# -- pages ----------------------------------------------------------------------


def _latest_per_outlet(web):
    latest = {}
    for it in web.published():
        latest[it.outlet] = it
    return latest


def test_article_pages_contain_title_lead_body_and_metadata(web, client):
    specs = {s.slug: s for s in web.specs}
    for slug, it in _latest_per_outlet(web).items():
        r = client.get(it.url)
        assert r.status_code == 200, it.url
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        page = r.text
        assert '<html lang="fa" dir="rtl">' in page and '<meta charset="utf-8">' in page
        t = html.escape(it.title)
        assert re.search(r"<title>[^<]*" + re.escape(t), page)
        assert f'<meta property="og:title" content="{t}">' in page
        assert f'<meta property="og:description" content="{html.escape(it.lead)}">' in page
        assert f'<meta property="og:image" content="{it.image_url}">' in page
        assert urlsplit(it.image_url).netloc == urlsplit(it.url).netloc
        assert f">{html.escape(it.lead)}<" in page
        for p in it.body.split("\n"):
            assert f">{html.escape(p)}</p>" in page, (slug, p[:40])
        # boilerplate around the article
        assert "<footer" in page or "footer" in page.lower()
        assert page.count("<a ") > 10
        style = specs[slug].date_style
        meta = re.search(r'<meta property="article:published_time" content="([^"]+)">', page)
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        if style == "meta":
            assert meta and datetime.fromisoformat(meta.group(1)) == it.published
        elif style == "jsonld":
            data = json.loads(ld.group(1))
            assert data["@type"] == "NewsArticle" and data["headline"] == it.title
            assert datetime.fromisoformat(data["datePublished"]) == it.published
        else:
            assert not meta and not ld and "datetime=" not in page
        spec = specs[slug]
        assert jalali_dateline(it.published, spec.index % 3, spec.persian_digits) in page
        img = client.get(it.image_url)
        assert img.status_code == 200 and img.headers["content-type"] == "image/png"


class _Skeleton(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("div", "article", "section", "table", "td", "header", "main", "aside", "form", "span", "ul", "ol"):
            self.tags.append(tag)


def test_layouts_are_structurally_different(web, client):
    shapes = {}
    for slug, it in _latest_per_outlet(web).items():
        parser = _Skeleton()
        parser.feed(client.get(it.url).text)
        shapes[slug] = "/".join(parser.tags[:25])
    assert len(set(shapes.values())) >= 6


def test_homepage_and_sections_list_published_items(web, client):
    by_outlet: dict[str, list] = {}
    for it in web.published():
        by_outlet.setdefault(it.outlet, []).append(it)
    for o in web.outlets:
        page = client.get(o.homepage).text
        for it in by_outlet[o.slug][-10:]:
            assert f'href="{it.url}"' in page
        sec = next(it for it in reversed(by_outlet[o.slug]))
        spec = web._specs[o.slug]
        r = client.get(o.homepage.rstrip("/") + spec.section_path(sec.category))
        assert r.status_code == 200 and f'href="{sec.url}"' in r.text


def test_robots_404_redirect_and_conditional_get(web, client):
    o = web.outlets[0]
    r = client.get(o.homepage + "robots.txt")
    assert r.status_code == 200 and "Allow: /" in r.text
    assert client.get(o.homepage + "no/such/page").status_code == 404
    assert client.get(o.homepage + "news/999/x").status_code == 404
    it = next(i for i in web.published() if i.outlet == o.slug)
    bare = it.url.rsplit("/", 1)[0]  # /news/<id> without the slug
    r = client.get(bare)
    assert r.status_code == 301 and r.headers["location"] == it.url
    first = client.get(it.url)
    again = client.get(it.url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    again = client.get(it.url, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert again.status_code == 304


# -- time ----------------------------------------------------------------------


def test_future_items_invisible_until_their_time(client):
    clock = FakeClock()
    w = NewsWeb(seed=3, rate=6.0, backlog=5, clock=clock).start()
    try:
        published = {it.url for it in w.published()}
        future = [it for it in w.scheduled() if it.url not in published]
        assert future and all(it.published.timestamp() > T0 for it in future)
        nxt = future[0]
        o = next(o for o in w.outlets if o.slug == nxt.outlet)
        feed = next(f for f in o.feeds if f.category == nxt.category)

        def state():
            page = client.get(nxt.url)
            links = [canonical(e.link) for e in feedparser.parse(client.get(feed.url).content).entries]
            home = client.get(o.homepage).text
            return page.status_code, nxt.url in links, f'href="{nxt.url}"' in home

        assert state() == (404, False, False)
        assert client.get(nxt.image_url).status_code == 404
        assert nxt.url not in {it.url for it in w.published()}
        clock.advance(nxt.published.timestamp() - T0 - 1)  # one second early
        assert state() == (404, False, False)
        clock.advance(1)
        assert state() == (200, True, True)
        assert nxt.url in {it.url for it in w.published()}
        assert client.get(nxt.image_url).status_code == 200
        # about `rate` items per minute afterwards
        before = len(w.published())
        clock.advance(600)
        assert 30 <= len(w.published()) - before <= 100
    finally:
        w.stop()


def test_determinism_for_same_seed(client):
    a = build_schedule(load_articles(), seed=11)
    b = build_schedule(load_articles(), seed=11)
    c = build_schedule(load_articles(), seed=12)
    key = lambda s: [(p.outlet, p.item_id, p.article_id, p.offset) for p in s]  # noqa: E731
    assert key(a) == key(b) and key(a) != key(c)
    w1 = NewsWeb(seed=11, clock=FakeClock()).start()
    w2 = NewsWeb(seed=11, clock=FakeClock()).start()
    try:
        b1, b2 = (f":{w.bound_port}" for w in (w1, w2))
        r1 = [(i.outlet, i.url.replace(b1, ""), i.title, i.published) for i in w1.published()]
        r2 = [(i.outlet, i.url.replace(b2, ""), i.title, i.published) for i in w2.published()]
        assert r1 == r2
        last1, last2 = w1.published()[-1], w2.published()[-1]
        for u1, u2 in (
            (last1.url, last2.url),
            (w1.outlets[3].feeds[0].url, w2.outlets[3].feeds[0].url),
            (w1.outlets[5].homepage, w2.outlets[5].homepage),
        ):
            assert client.get(u1).text.replace(b1, "") == client.get(u2).text.replace(b2, "")
    finally:
        w1.stop()
        w2.stop()


def test_request_log_records_requests(web, client):
    o = web.outlets[2]
    client.get(o.homepage + "robots.txt")
    client.get(o.homepage + "missing-page?x=1")
    log = web.request_log()
    host, path, ts = log[-1]
    assert (host, path, ts) == (o.host, "/missing-page?x=1", T0)
    assert (o.host, "/robots.txt", T0) in log


def test_stop_releases_sockets(client):
    w = NewsWeb(seed=4, backlog=1, clock=FakeClock()).start()
    url = w.outlets[0].homepage
    assert client.get(url).status_code == 200
    w.stop()
    with httpx.Client(trust_env=False, timeout=2.0) as fresh, pytest.raises(httpx.TransportError):
        fresh.get(url)


# -- corpus, dates, CLI -------------------------------------------------------------


def test_sample_data_file():
    assert DEFAULT_DATA_PATH.stat().st_size < 2_000_000
    arts = load_articles()
    assert 900 <= len(arts) <= 1100
    assert {a.category for a in arts} == {
        "politics",
        "economy",
        "society",
        "world",
        "sports",
        "culture",
        "science",
        "health",
        "incidents",
    }
    assert sum(a.source == "varzesh3" for a in arts) == 300
    assert any("\u064a" in a.body for a in arts) and any("\u200c" in a.body for a in arts)  # not normalised
    with gzip.open(DEFAULT_DATA_PATH, "rt", encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    assert {"id", "title", "lead", "body", "category", "source_url"} <= set(first)
    assert (DEFAULT_DATA_PATH.parent / "SOURCES.md").read_text(encoding="utf-8").count(
        "language-ml/course-nlp-ir-1-text-exploring"
    ) >= 1


@pytest.mark.parametrize(
    "record, expected",
    [
        ({"source": "varzesh3", "category": "sports", "title": "x", "lead": ""}, "sports"),
        ({"source": "farsnews", "category": "viewpoint", "title": "x", "lead": ""}, "politics"),
        ({"source": "farsnews", "category": "foreign-policy", "title": "x", "lead": ""}, "world"),
        ({"source": "farsnews", "category": "farsplus-magazine", "title": "تصادف", "lead": ""}, "culture"),
        ({"source": "farsnews", "category": "scientific-academic", "title": "x", "lead": ""}, "science"),
        ({"source": "farsnews", "category": "gilan", "title": "افتتاح مدرسه", "lead": ""}, "society"),
        ({"source": "farsnews", "category": "gilan", "title": "افتتاح بيمارستان", "lead": ""}, "health"),
        ({"source": "farsnews", "category": "social", "title": "آتش\u200cسوزي در انبار", "lead": ""}, "incidents"),
        ({"source": "farsnews", "category": "province", "title": "x", "lead": "سارق دستگير شد"}, "incidents"),
        ({"source": "farsnews", "category": "multimedia", "title": "x", "lead": ""}, None),
    ],
)
def test_category_mapping(record, expected):
    assert map_category(record) == expected


def test_jalali_dates():
    assert gregorian_to_jalali(2024, 3, 20) == (1403, 1, 1)
    assert gregorian_to_jalali(2025, 3, 21) == (1404, 1, 1)
    assert gregorian_to_jalali(2026, 11, 29) == (1405, 9, 8)
    dt = datetime(2025, 6, 15, 15, 6, 40, tzinfo=timezone.utc)  # 18:36 in Tehran
    assert jalali_dateline(dt, 0) == "یکشنبه ۲۵ خرداد ۱۴۰۴ - ۱۸:۳۶"
    assert jalali_dateline(dt, 1, persian_digits=False) == "1404/03/25 - 18:36"
    jdatetime = pytest.importorskip("jdatetime")
    from datetime import date, timedelta

    d = date(2019, 1, 1)
    for _ in range(0, 3000, 7):
        j = jdatetime.date.fromgregorian(date=d)
        assert gregorian_to_jalali(d.year, d.month, d.day) == (j.year, j.month, j.day)
        d += timedelta(days=7)


def test_no_django_import_in_newsweb():
    for path in (ROOT / "khabar" / "newsweb").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+django", text, re.M), path


def test_cli_prints_outlets_and_stops_cleanly_on_ctrl_c():
    proc = subprocess.Popen(
        [sys.executable, "-m", "khabar.newsweb.server", "--port", "0", "--backlog", "2", "--seed", "5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        lines = []
        while not lines or "Ctrl-C" not in lines[-1]:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        out = "".join(lines)
        assert "خبرگزاری آوا" in out and "http://127.0.1.10:" in out and "/rss/politics.xml" in out
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err
