"""Cases of the real web a crawler must live with: outlets without feeds, feeds that moved, domains that moved.

Select one per outlet: ``NewsWeb(cases={"medal": "no-feed", "sepehr": "feed-moved"})``,
``web.cases.set("sepehr", "feed-moved")`` while running (all but ``domain-moved``, which
needs its second address from the start), or ``--case medal=no-feed`` on the command line.

* ``no-feed``: no feed at all, none advertised (old feed addresses 404); the homepage and
  section pages list the articles, whose pages say they are articles (``og:type=article``,
  and JSON-LD or ``article:published_time`` or a visible dateline by the outlet's style).
* ``news-sitemap``: no feed; robots.txt names ``/sitemap.xml``, an index of a Google News
  sitemap (``/sitemaps/news.xml``: every article of the last two days with ``news:news``
  title and publication time) and a gzip sitemap of the section pages (no news entries).
* ``feed-moved``: the feeds moved to ``/feeds/<category>.xml``; the old addresses answer
  404; the pages advertise the new ones.
* ``feed-html``: the same move, but the old addresses answer 200 with an HTML page.
* ``feed-301``: the same move, the old addresses answer 301 to the new ones.
* ``domain-moved``: the outlet moved to another loopback host (``127.0.1.(110+i)``):
  every request to the old one answers 301 to the same path on the new one.

``web.outlets`` lists what a catalogue would still say about the outlet: its old homepage
and old feeds (none for ``no-feed`` and ``news-sitemap``); ``OutletInfo.moved_to`` is the
new homepage of a moved domain. Ground truth (``web.published()``) has the current URLs.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

CASES = {
    "no-feed": "no feed at all: homepage and section pages only",
    "news-sitemap": "no feed: a Google News sitemap named in robots.txt",
    "feed-moved": "feeds moved to /feeds/<category>.xml, old addresses 404, the new ones advertised",
    "feed-html": "feeds moved, old addresses serve an HTML page, the new ones advertised",
    "feed-301": "feeds moved, old addresses answer 301 to the new ones",
    "domain-moved": "the outlet moved to another loopback host; the old one answers 301",
}
FEEDLESS = frozenset({"no-feed", "news-sitemap"})
FEED_MOVES = frozenset({"feed-moved", "feed-html", "feed-301"})
NEWS_SITEMAP_SPAN = timedelta(days=2)  # Google News sitemaps list the articles of the last two days


def parse_case_option(option: str) -> tuple[str, str]:
    """``"medal=no-feed"`` -> ``("medal", "no-feed")`` (validated)."""
    slug, _, case = option.partition("=")
    case = case.strip()
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")
    return slug.strip(), case


def moved_ip(index: int) -> str:
    """The loopback address an outlet of index ``index`` moves to (``domain-moved``)."""
    if not 0 <= index < 140:
        raise ValueError("only the built-in outlets can move their domain")
    return f"127.0.1.{110 + index}"


class OutletCases:
    """The case each outlet shows now; safe to change while the news web runs."""

    def __init__(self, cases: Mapping[str, str] | None = None):
        self._cases: dict[str, str] = {}
        self._lock = threading.Lock()
        self.moved: frozenset[str] = frozenset()
        for slug, case in (cases or {}).items():
            self.set(slug, case, starting=True)
        self.moved = frozenset(slug for slug, case in self._cases.items() if case == "domain-moved")

    def set(self, slug: str, case: str | None, *, starting: bool = False) -> None:
        if case is not None and case not in CASES:
            raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")
        if not starting and ((case == "domain-moved") != (slug in self.moved)):
            raise ValueError("domain-moved is chosen when the news web is made (NewsWeb(cases=...)), not later")
        with self._lock:
            if case is None:
                self._cases.pop(slug, None)
            else:
                self._cases[slug] = case

    def get(self, slug: str) -> str:
        with self._lock:
            return self._cases.get(slug, "")

    def describe(self) -> dict[str, str]:
        with self._lock:
            return dict(self._cases)


def moved_feed_path(category: str) -> str:
    return f"/feeds/{category}.xml"


# -- sitemaps ---------------------------------------------------------------------------------------

_URLSET = (
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
)


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def sitemap_index(base: str, now: datetime) -> bytes:
    children = "".join(
        f"<sitemap><loc>{escape(base + path)}</loc><lastmod>{_iso(now)}</lastmod></sitemap>"
        for path in ("/sitemaps/pages.xml.gz", "/sitemaps/news.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>\n'
    ).encode()


def news_sitemap(name: str, items: Iterable[tuple[str, str, datetime]]) -> bytes:
    """``items``: (URL, title, publication time) of the last two days, newest first."""
    rows = "".join(
        f"<url><loc>{escape(url)}</loc><news:news><news:publication><news:name>{escape(name)}</news:name>"
        f"<news:language>fa</news:language></news:publication>"
        f"<news:publication_date>{_iso(when)}</news:publication_date><news:title>{escape(title)}</news:title>"
        "</news:news></url>\n"
        for url, title, when in items
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{_URLSET}\n{rows}</urlset>\n'.encode()


def pages_sitemap_gz(urls: Iterable[str]) -> bytes:
    rows = "".join(f"<url><loc>{escape(url)}</loc><changefreq>hourly</changefreq></url>" for url in urls)
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n{_URLSET}{rows}</urlset>\n'.encode()
    return gzip.compress(document, mtime=0)
