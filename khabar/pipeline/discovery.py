"""Discovery: what Khabar can crawl of an outlet, found from its homepage (or from a feed URL).

``discover_site(fetcher, url)`` returns a :class:`DiscoveryReport`:

1. The address itself is fetched. A feed or a sitemap given directly is verified and
   is the plan: nothing else is looked for.
2. A homepage (redirects followed; a permanent move to another host is noted):

   a. the feeds it advertises (``<link rel="alternate" type="application/rss+xml">``,
      Atom, RDF) and its links whose address says feed (``/rss``, ``/feed``…);
   b. when none of them works, the usual feed paths of the common Iranian news CMSs and
      of WordPress (``CANDIDATE_FEED_PATHS``);
   c. the sitemaps its robots.txt names, and when no feed works the usual news sitemap
      paths; an index is followed to its news sitemaps; a Google News sitemap is one
      with ``news:news`` entries (title and publication time);
   d. its own article links (``listing_links``) and, when neither a feed nor a news
      sitemap works, its section pages: same-site links of its menus whose pages list
      articles.

   Every candidate is verified by fetching and reading it; the report keeps what
   failed and why, and a few sample items of what works.
3. The plan (``plan_crawl``): the working feeds; else the news sitemap; else the
   homepage and section pages as listing pages. Each entry says why.

Every request goes through the caller's ``Fetcher`` (robots.txt, politeness, size caps,
address guard). Plain data out; network trouble is reported, never raised.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urljoin, urlsplit

from khabar.pipeline.collect import (
    FEED_ACCEPT,
    PAGE_ACCEPT,
    FeedRequest,
    category_from_words,
    fetch_feed,
    may_be_feed_type,
)
from khabar.pipeline.decode import decode_html
from khabar.pipeline.feeds import parse_feed
from khabar.pipeline.fetch import Fetcher, is_html_type
from khabar.pipeline.health import looks_like_html
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.listing_links import find_article_links
from khabar.pipeline.listing_page import ListingPage, parse_listing, resolve_href, site_host
from khabar.pipeline.page_metadata import meta_values
from khabar.pipeline.sitemaps import Sitemap, newest_children, parse_sitemap, read_sitemap
from khabar.pipeline.url_shapes import NON_ARTICLE_WORDS, WORD_SPLIT_RE, words_of

__all__ = ["CANDIDATE_FEED_PATHS", "DiscoveryReport", "Found", "PlannedCrawl", "discover_site", "plan_crawl"]

# The usual feed addresses: Iranian news CMSs (/rss, /fa/rss/allnews, /fa/feeds/, /feeds/), WordPress
# (/feed, /?feed=rss2), RFE/RL's /api/, static generators (/rss.xml, /atom.xml, /index.xml).
CANDIDATE_FEED_PATHS = (
    "/rss",
    "/feed",
    "/fa/rss/allnews",
    "/rss.xml",
    "/fa/rss",
    "/rss/allnews",
    "/feeds/",
    "/fa/feeds/",
    "/api/",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/?feed=rss2",
)
CANDIDATE_SITEMAP_PATHS = ("/sitemap_news.xml", "/news-sitemap.xml", "/sitemap-news.xml", "/sitemap.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
_FEED_WORDS = ("rss", "feed", "feeds", "atom", "rdf")
MAX_ADVERTISED = 30  # feed links of a homepage verified at most
MAX_FEEDS = 20  # feeds planned at most
MAX_SITEMAPS = 4  # sitemap documents read at most (children of indexes included)
MAX_SECTIONS = 6  # section pages fetched at most
MIN_SECTION_LINKS = 3  # article links a section page must list
SMALL_INDEX = 50  # a sitemap index this small is crawled itself (its news children may be renamed daily)
SAMPLES = 3
_SECTION_WORDS = {
    "category",
    "categories",
    "cat",
    "cats",
    "section",
    "sections",
    "service",
    "services",
    "topic",
    "topics",
}
_NOT_SECTION_WORDS = (NON_ARTICLE_WORDS - _SECTION_WORDS) | {"links", "newsletter", "navigation", "live", "rss_page"}


@dataclass
class SampleItem:
    title: str
    url: str
    published: datetime | None = None


@dataclass
class Found:
    """One thing that could be crawled, and whether it works."""

    kind: str  # "rss" (any feed), "news_sitemap", "sitemap" (one without news entries), "listing"
    url: str
    how: str  # how it was found: "given", "<link rel=alternate>", "usual path", "robots.txt", "menu link"…
    works: bool = False
    detail: str = ""  # what it is or why it failed: "feed, 30 items", "HTTP 404"…
    title: str = ""
    category: str | None = None  # a category slug the title or menu label names
    items: int = 0
    samples: list[SampleItem] = field(default_factory=list)
    same_as: str = ""  # a working feed whose items it repeats (not planned)


@dataclass
class PlannedCrawl:
    kind: str  # "rss", "news_sitemap" or "listing" (a Feed's kind)
    url: str
    category: str | None
    reason: str


@dataclass
class DiscoveryReport:
    url: str  # as given
    homepage: str = ""  # the outlet's homepage (after redirects)
    site_name: str = ""
    moved_from: str = ""  # the given address answered a permanent redirect to another host
    error: str | None = None  # the address itself could not be read
    error_kind: str | None = None
    found: list[Found] = field(default_factory=list)
    plan: list[PlannedCrawl] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Found]:
        return [found for found in self.found if found.kind == kind]


# --------------------------------------------------------------------------- reading candidates


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _category(title: str, site_name: str) -> str | None:
    """The category a feed's title or a menu label names, the outlet's own name left out."""
    rest = title.replace(site_name, " ") if site_name else title
    return category_from_words([rest]) or None


async def verify_feed(fetcher: Fetcher, url: str, how: str, site_name: str = "") -> Found:
    refresh = await fetch_feed(fetcher, FeedRequest(url))
    found = Found("rss", refresh.fetch.final_url if refresh.fetch and refresh.fetch.final_url else url, how)
    if refresh.fetch is not None and refresh.fetch.moved_permanently:
        found.how += f" (moved from {url})"
    if refresh.error:
        html = refresh.fetch is not None and looks_like_html(refresh.fetch.content_type, refresh.fetch.content[:512])
        found.detail = "an HTML page, not a feed" if html and refresh.error_kind == "parse" else refresh.error
        return found
    parsed = refresh.parsed
    found.works = parsed is not None
    if parsed is not None:
        found.title, found.items = parsed.title, len(parsed.items)
        found.category = _category(parsed.title, site_name)
        found.detail = f"feed, {len(parsed.items)} items"
        found.samples = [SampleItem(i.title, i.url, i.published) for i in parsed.items[:SAMPLES]]
    return found


async def verify_sitemap(fetcher: Fetcher, url: str, how: str, budget: list[int]) -> Found:
    """A sitemap; an index is followed to its newest news sitemaps (``budget``: documents left to read)."""
    budget[0] -= 1
    fetched, sitemap = await read_sitemap(fetcher, url)
    found = Found("sitemap", fetched.final_url or url, how)
    if sitemap is None:
        found.detail = fetched.error or "not a sitemap"
        return found
    found.works = True
    if sitemap.kind == "index":
        found.detail = f"sitemap index of {len(sitemap.entries)}"
        for child in newest_children(sitemap):
            if budget[0] <= 0:
                break
            inner = await verify_sitemap(fetcher, child, f"in {found.url}", budget)
            if inner.kind == "news_sitemap":
                if len(sitemap.entries) <= SMALL_INDEX:  # crawl the index: its children may change names
                    inner.url, inner.how = found.url, how + f", index of {len(sitemap.entries)}"
                return inner
        return found
    return _sitemap_found(found, sitemap)


def _sitemap_found(found: Found, sitemap: Sitemap) -> Found:
    news = sitemap.news_entries
    if news:
        found.kind, found.items = "news_sitemap", len(news)
        found.detail = f"Google News sitemap, {len(news)} articles"
        found.samples = [SampleItem(e.title, e.url, e.published) for e in news[:SAMPLES]]
    else:
        found.detail = f"sitemap of {len(sitemap.entries)} pages, no news:news entries"
    return found


def feed_links(page: ListingPage) -> list[str]:
    """Feeds a page advertises: ``<link rel="alternate">`` with a feed type, then same-site links named like
    feeds. Comment feeds (WordPress ``?feed=comments-rss2``, ``/comments/feed``) are no news."""
    urls: list[str] = []
    if page.root is not None:
        for element in page.root.iter("link"):
            rel = (element.get("rel") or "").lower().split()
            kind = (element.get("type") or "").lower().strip()
            if "alternate" in rel and kind in FEED_TYPES:
                url = resolve_href(element.get("href") or "", page.base_url)
                if url and url not in urls:
                    urls.append(url)
    for link in page.links:
        if site_host(link.url) != page.host or link.url in urls:
            continue
        path = urlsplit(link.url).path.lower().rstrip("/")
        last = path.rsplit("/", 1)[-1]
        if any(word in _FEED_WORDS for word in path.split("/")) or last.endswith((".rss", ".atom", ".rdf")):
            urls.append(link.url)
    return [url for url in urls if "comment" not in url.lower()][:MAX_ADVERTISED]


def _site_name(page: ListingPage) -> str:
    if page.root is None:
        return ""
    names = meta_values(page.root, "og:site_name")
    title = " ".join((page.root.findtext(".//title") or "").split())
    return (names[0] if names else title)[:200]


def _dedupe_feeds(feeds: list[Found]) -> None:
    """A working feed repeating the items of an earlier one (``/rss`` and ``/rss/``) is marked, not planned."""
    seen: dict[tuple[str, ...], str] = {}
    for found in feeds:
        if not found.works:
            continue
        key = tuple(sample.url for sample in found.samples) or (found.url,)
        if key in seen and found.items:
            found.same_as = seen[key]
        else:
            seen.setdefault(key, found.url)


def _not_a_section(url: str) -> bool:
    """An about, contact, search, tag… page (``NON_ARTICLE_WORDS`` but the words of sections), or the
    site in another language (``/en``, ``/ar``: a Persian aggregator wants the Persian sections)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if segments and len(segments[0]) == 2 and segments[0].isalpha() and segments[0] != "fa":
        return True
    words = {w for s in segments for w in WORD_SPLIT_RE.split(s)} | {k.lower() for k in parse_qs(parts.query)}
    return bool(words & _NOT_SECTION_WORDS)


async def find_sections(fetcher: Fetcher, page: ListingPage, article_urls: list[str], site_name: str) -> list[Found]:
    """Section pages: same-site menu links (short labels) whose pages list articles."""
    taken = set(article_urls)
    candidates: list[tuple[str, str]] = []
    homepage_path = urlsplit(page.base_url).path.rstrip("/")
    for link in sorted(page.links, key=lambda link: not link.chrome):  # menus first, then page order
        parts = urlsplit(link.url)
        if site_host(link.url) != page.host or link.url in taken or parts.path.rstrip("/") == homepage_path:
            continue
        words = words_of(link.text)
        if not 1 <= len(words) <= 4 or parts.path.count("/") > 3 or "." in parts.path.rsplit("/", 1)[-1]:
            continue
        if _not_a_section(link.url):
            continue
        if link.url not in (url for url, _ in candidates):
            candidates.append((link.url, link.text))
        if len(candidates) >= MAX_SECTIONS:
            break
    fetched = await asyncio.gather(
        *(fetcher.fetch(url, accept=PAGE_ACCEPT, accept_type=is_html_type) for url, _ in candidates)
    )
    sections = []
    for (url, label), result in zip(candidates, fetched):
        found = Found("listing", result.final_url or url, f"menu link «{label}»", title=label)
        if result.ok:
            section = parse_listing(decode_html(result.content, result.headers), found.url)
            links = find_article_links(section, known_articles=article_urls).urls
            found.items = len(links)
            found.works = len(links) >= MIN_SECTION_LINKS
            found.detail = f"{len(links)} article links"
            found.category = _category(label, site_name)
            texts = {link.url: link.text for link in section.links}
            found.samples = [SampleItem(texts.get(u, ""), u) for u in links[:SAMPLES]]
        else:
            found.detail = result.error or "not fetched"
        sections.append(found)
    return sections


# --------------------------------------------------------------------------- the whole discovery


def _read_direct(report: DiscoveryReport, content: bytes, url: str, headers: dict[str, str]) -> None:
    """The given address is not a page: a feed, or a sitemap, or neither."""
    parsed = parse_feed(content, url, headers)
    if not parsed.error:
        found = Found("rss", url, "given", works=True, title=parsed.title, items=len(parsed.items))
        found.detail = f"feed, {len(parsed.items)} items"
        found.samples = [SampleItem(i.title, i.url, i.published) for i in parsed.items[:SAMPLES]]
        report.found.append(found)
        report.site_name = parsed.title
        report.homepage = parsed.link if is_http_url(parsed.link) and parsed.link != url else _origin(url) + "/"
        return
    if not parse_sitemap(content, url).error:  # read again by verify_sitemap, which follows an index
        report.found.append(Found("sitemap", url, "given", works=True))
        report.homepage = _origin(url) + "/"
        return
    report.error, report.error_kind = f"neither a web page, a feed nor a sitemap: {parsed.error}", "parse"


async def discover_site(fetcher: Fetcher, url: str) -> DiscoveryReport:
    """Everything crawlable of the outlet at ``url`` (a homepage, a feed or a sitemap), verified."""
    report = DiscoveryReport(url=url)
    if not is_http_url(url):
        report.error, report.error_kind = f"not an http(s) URL: {url!r}", "url"
        return report
    first = await fetcher.fetch(url, accept="text/html, " + FEED_ACCEPT, accept_type=may_be_feed_type)
    if first.error:
        report.error, report.error_kind = first.error, first.error_kind
        return report
    final = first.final_url or url
    if first.moved_permanently and site_host(final) != site_host(url):
        report.moved_from = url
    if not looks_like_html(first.content_type, first.content[:512]):
        _read_direct(report, first.content, final, first.headers)
        if report.found and report.found[0].kind == "sitemap":  # a sitemap index given: follow it
            report.found = [await verify_sitemap(fetcher, final, "given", [MAX_SITEMAPS])]
        report.plan = plan_crawl(report)
        return report

    report.homepage = final
    page = parse_listing(decode_html(first.content, first.headers), final)
    report.site_name = _site_name(page)
    site = report.site_name

    # a. advertised feeds; b. the usual paths when none of them works
    advertised = feed_links(page)
    feeds = list(await asyncio.gather(*(verify_feed(fetcher, u, "advertised", site) for u in advertised)))
    if not any(f.works for f in feeds):
        tried = {f.url for f in feeds} | set(advertised)
        guesses = [urljoin(_origin(final), path) for path in CANDIDATE_FEED_PATHS]
        guesses = [u for u in guesses if u not in tried]
        feeds += await asyncio.gather(*(verify_feed(fetcher, u, "usual path", site) for u in guesses))
    _dedupe_feeds(feeds)
    report.found += feeds
    feed_works = any(f.works and not f.same_as for f in feeds)

    # c. sitemaps: robots.txt's, and the usual news sitemap paths when no feed works
    named = [urljoin(_origin(final), u) for u in await fetcher.robots_sitemaps(final)]
    sitemap_urls = [(u, "robots.txt") for u in named if is_http_url(u)]
    if not feed_works and not sitemap_urls:
        sitemap_urls = [(urljoin(_origin(final), p), "usual path") for p in CANDIDATE_SITEMAP_PATHS]
    budget = [MAX_SITEMAPS]
    for sitemap_url, how in sitemap_urls:
        if budget[0] <= 0:
            break
        found = await verify_sitemap(fetcher, sitemap_url, how, budget)
        report.found.append(found)
        if found.kind == "news_sitemap":
            break

    # d. the homepage's own article links; section pages when nothing else works
    articles = find_article_links(page)
    texts = {link.url: link.text for link in page.links}
    homepage = Found("listing", final, "the homepage", works=bool(articles.urls), items=len(articles.urls))
    homepage.detail = f"{len(articles.urls)} article links"
    homepage.samples = [SampleItem(texts.get(u, ""), u) for u in articles.urls[:SAMPLES]]
    report.found.append(homepage)
    if not feed_works and not report.of_kind("news_sitemap") and homepage.works:
        report.found += await find_sections(fetcher, page, articles.urls, site)

    report.plan = plan_crawl(report)
    return report


def plan_crawl(report: DiscoveryReport) -> list[PlannedCrawl]:
    """What to crawl, and why: working feeds; else a Google News sitemap; else the listing pages."""
    feeds = [f for f in report.of_kind("rss") if f.works and not f.same_as]
    if feeds:
        return [
            PlannedCrawl("rss", f.url, f.category, f"a working feed ({f.how}), {f.items} items now")
            for f in feeds[:MAX_FEEDS]
        ]
    news = [f for f in report.of_kind("news_sitemap") if f.works]
    if news:
        return [
            PlannedCrawl(
                "news_sitemap",
                news[0].url,
                None,
                f"no working feed; a Google News sitemap ({news[0].how}) lists {news[0].items} articles "
                "with their titles and times",
            )
        ]
    listings = [f for f in report.of_kind("listing") if f.works]
    return [
        PlannedCrawl(
            "listing",
            f.url,
            f.category,
            f"no feed, no news sitemap: {f.how} links {f.items} articles; each page is checked to be an article",
        )
        for f in listings
    ]
