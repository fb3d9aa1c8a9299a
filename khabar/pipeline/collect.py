"""Turn feeds into store-ready ``ArticleRecord``s (async, no database).

Two steps, so that the caller can ask its database which items are new in
between without this module knowing about storage:

1. ``fetch_feed``: fetch and read the items of what is crawled (conditional GET):
   an RSS/Atom/RDF feed, a Google News sitemap (``sitemaps.py``), or a listing
   page, a homepage or section page whose article links become items
   (``listing_links.py``, helped by the URLs the caller knows to be articles or not).
2. ``build_records``: for the new items, fetch the article page when the feed
   carries only a summary, extract the full text, normalize and sanitize, read
   the credit line (``attribution.article_credit``). An item taken from a listing
   page is kept only if its page shows itself an article
   (``ExtractedPage.article_signs``); the others are reported (``non_articles``).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from khabar.pipeline.attribution import article_credit
from khabar.pipeline.decode import decode_html
from khabar.pipeline.extract import extract_article
from khabar.pipeline.feeds import parse_feed
from khabar.pipeline.fetch import Fetcher, is_html_type
from khabar.pipeline.health import looks_like_html
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.listing_links import find_article_links
from khabar.pipeline.listing_page import link_key, parse_listing
from khabar.pipeline.persian import normalize_display, prepare_html, prepare_text
from khabar.pipeline.records import ArticleRecord, FeedItem, FeedRefresh, ParsedFeed
from khabar.pipeline.sanitize import html_to_text, sanitize_html, text_to_html
from khabar.pipeline.sitemaps import read_news_items

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
# Content types that are never a feed: not downloaded when a feed URL answers with one.
NOT_FEED_PREFIXES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip", "application/x-")
# Errors worth trying again at the next poll: the item is then not stored yet.
TRANSIENT_ERRORS = {"timeout", "connect", "dns"}
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "yclid", "mc_cid", "mc_eid")

# Words outlets use in item categories, mapped to the site's category slugs.
CATEGORY_WORDS = {
    "politics": ("سیاسی", "سیاست", "politic"),
    "economy": ("اقتصاد", "اقتصادی", "بورس", "econom", "business"),
    "society": ("اجتماعی", "جامعه", "society", "social"),
    "world": ("بین‌الملل", "بین الملل", "جهان", "خارجی", "world", "international"),
    "sports": ("ورزش", "ورزشی", "فوتبال", "sport"),
    "culture": ("فرهنگ", "فرهنگی", "هنر", "سینما", "culture", "art"),
    "science": ("علم", "علمی", "فناوری", "دانش", "science", "tech"),
    "health": ("سلامت", "پزشکی", "بهداشت", "health"),
    "incidents": ("حوادث", "حادثه", "incident", "accident"),
}


MAX_NEW_PAGES = 50  # new pages fetched per check of a sitemap or listing page; the rest wait for the next


@dataclass
class FeedRequest:
    """What the collector needs to know about one feed (or sitemap, or listing page)."""

    url: str
    etag: str = ""
    last_modified: str = ""
    kind: str = "rss"  # one of records.FEED_KINDS
    # For a listing page: URLs of the site known to be articles / not articles, other hosts of the site.
    known_articles: tuple[str, ...] = ()
    known_other: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()


def may_be_feed_type(content_type: str) -> bool:
    return not content_type.startswith(NOT_FEED_PREFIXES)


def canonical_url(url: str) -> str:
    """The article's URL without fragment and tracking parameters."""
    parts = urlsplit(url.strip())
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PARAMS)
    ]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def content_hash(*parts: str) -> str:
    """A stable hash of an article's text, to spot identical copies."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(" ".join(part.split()).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def category_from_words(words: list[str]) -> str:
    for word in words:
        lowered = normalize_display(word).lower()
        for slug, keys in CATEGORY_WORDS.items():
            if any(key in lowered for key in keys):
                return slug
    return ""


async def fetch_feed(fetcher: Fetcher, feed: FeedRequest) -> FeedRefresh:
    """Fetch what ``feed`` points to and read its items (``refresh.parsed``), by its kind."""
    if feed.kind == "news_sitemap":
        return await fetch_news_sitemap(fetcher, feed)
    if feed.kind == "listing":
        return await fetch_listing(fetcher, feed)
    refresh = FeedRefresh(feed_url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
    fetched = await fetcher.fetch(
        feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT, accept_type=may_be_feed_type
    )
    if not _answered(refresh, fetched):
        if fetched.error_kind == "content_type":
            refresh.error = f"not a feed: {fetched.error}"
        return refresh
    refresh.parsed = await asyncio.to_thread(
        parse_feed, fetched.content, fetched.final_url or feed.url, fetched.headers
    )
    if refresh.parsed.error:
        refresh.error, refresh.error_kind = refresh.parsed.error, "parse"
        if looks_like_html(fetched.content_type, fetched.content[:512]):
            refresh.error = "not a feed: the address answers an HTML page"
    elif refresh.parsed.warning:
        refresh.errors.append(refresh.parsed.warning)
    return refresh


def _answered(refresh: FeedRefresh, fetched) -> bool:
    """Record a fetch on ``refresh``; True when there is a new body to read."""
    refresh.fetch = fetched
    if fetched.not_modified:
        refresh.not_modified = True  # nothing changed: no parsing, no pages
        return False
    if fetched.error:
        refresh.error, refresh.error_kind = fetched.error, fetched.error_kind
        return False
    refresh.etag = fetched.headers.get("etag", "")
    refresh.last_modified = fetched.headers.get("last-modified", "")
    return True


async def fetch_news_sitemap(fetcher: Fetcher, feed: FeedRequest) -> FeedRefresh:
    """A Google News sitemap (or an index of them): its ``news:news`` entries are the items."""
    refresh = FeedRefresh(feed_url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
    fetched, items, warning = await read_news_items(fetcher, feed.url, etag=feed.etag, last_modified=feed.last_modified)
    if _answered(refresh, fetched):
        refresh.parsed = ParsedFeed(url=feed.url, link=fetched.final_url, items=items)
        if warning:
            refresh.errors.append(warning)
    return refresh


def listing_items(html: bytes, url: str, headers: dict[str, str], feed: FeedRequest) -> ParsedFeed:
    """A listing page's article links as items to check (title: the link's text)."""
    page = parse_listing(decode_html(html, headers), url)
    found = find_article_links(page, known_articles=feed.known_articles, known_other=feed.known_other, hosts=feed.hosts)
    texts: dict[str, str] = {}  # the longest text of each article link
    for link in page.links:
        if link.key in found.keys and len(link.text) > len(texts.get(link.key, "")):
            texts[link.key] = link.text
    parsed = ParsedFeed(url=feed.url, link=url)
    if page.root is not None:
        parsed.title = " ".join((page.root.findtext(".//title") or "").split())[:300]
    for link_url in found.urls:
        if is_http_url(link_url):  # a javascript: item link has no page to fetch
            title = texts.get(link_key(link_url), "")
            parsed.items.append(FeedItem(url=link_url, title=title, guid=link_url, needs_article_check=True))
    if not parsed.items:
        parsed.warning = "no article links found on the page"
    return parsed


async def fetch_listing(fetcher: Fetcher, feed: FeedRequest) -> FeedRefresh:
    """A homepage or section page: its article links are the items (checked page by page later)."""
    refresh = FeedRefresh(feed_url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
    fetched = await fetcher.fetch(
        feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=PAGE_ACCEPT, accept_type=is_html_type
    )
    if _answered(refresh, fetched):
        refresh.parsed = await asyncio.to_thread(
            listing_items, fetched.content, fetched.final_url or feed.url, fetched.headers, feed
        )
        if refresh.parsed.warning:
            refresh.errors.append(refresh.parsed.warning)
    return refresh


class ItemOutcome(NamedTuple):
    record: ArticleRecord | None  # None: not stored now (tried again later, unless not_article)
    problem: str | None = None
    not_article: bool = False  # a listed page that is not an article: never stored, remembered


async def build_records(fetcher: Fetcher, refresh: FeedRefresh, items: list[FeedItem]) -> FeedRefresh:
    """Fill ``refresh.records`` for ``items`` (the ones not stored yet)."""
    results = await asyncio.gather(*(build_record(fetcher, item) for item in items))
    for item, (record, problem, not_article) in zip(items, results):
        if not_article:
            refresh.non_articles.append((item.url, problem or "not an article"))
            continue
        if problem:
            refresh.errors.append(f"{item.url}: {problem}")
        if record is not None:
            refresh.records.append(record)
        else:
            refresh.deferred += 1
    if refresh.deferred:
        # Keep the old validators: the next poll must get the whole feed again, not a 304,
        # or the deferred items would wait for the feed's next change.
        refresh.etag, refresh.last_modified = "", ""
    return refresh


async def build_record(fetcher: Fetcher, item: FeedItem, now: datetime | None = None) -> ItemOutcome:
    """One item to one record (or None to retry later), the problem met, and whether the page is no article."""
    now = now or datetime.now(timezone.utc)
    summary_text = html_to_text(item.summary_html)
    problem = None
    page = None
    if item.has_full_text:
        body_html = sanitize_html(item.content_html, item.url)
        body_text = html_to_text(body_html)
        lead = summary_text
    else:
        fetched = await fetcher.fetch(item.url, accept=PAGE_ACCEPT, accept_type=is_html_type)
        transient = (
            fetched.error_kind in TRANSIENT_ERRORS or fetched.status in TRANSIENT_STATUSES or fetched.retry_after
        )
        if fetched.error and transient:
            return ItemOutcome(None, f"page not fetched, will retry: {fetched.error}")
        if item.needs_article_check and fetched.error:
            return ItemOutcome(None, f"listed page not fetched: {fetched.error}", not_article=True)
        if fetched.error_kind == "content_type":
            problem = f"not an HTML page ({fetched.content_type}); the feed's summary is kept"
        elif fetched.error:
            problem = f"page not fetched: {fetched.error}"
        else:
            page = await asyncio.to_thread(
                extract_article, fetched.content, fetched.final_url or item.url, headers=fetched.headers
            )
            if item.needs_article_check and not page.article_signs:
                return ItemOutcome(
                    None, "not an article (no og:type=article, Article JSON-LD or publication time)", True
                )
            if not page.text:
                problem = "no article text found on the page; the feed's summary is kept"
        if page is not None and page.text:
            body_text, body_html = page.text, page.html or text_to_html(page.text)
            lead = summary_text or page.lead
        else:
            fallback = html_to_text(item.content_html) or summary_text
            body_text, body_html = fallback, text_to_html(fallback)
            lead = summary_text
    # A listing page's link text may be cut short ("…"): the page's own title wins there.
    titles = (
        [page.title if page else "", item.title]
        if item.needs_article_check
        else [item.title, page.title if page else ""]
    )
    title = prepare_text(next((t for t in titles if t), ""))
    lead = prepare_text(lead)
    body_text = prepare_text(body_text)
    if lead and body_text.startswith(lead):
        # The lead is shown on its own; do not repeat it as the body's first paragraph.
        rest = body_text[len(lead) :].lstrip()
        body_text = rest or body_text
    if not lead:
        lead = body_text.split("\n")[0][:600]
    published = item.published or (page.published if page else None) or now
    if published > now:
        published = now  # a date in the future is a clock or time-zone mistake of the outlet
    credit = article_credit(lead, body_text)
    record = ArticleRecord(
        url=canonical_url(item.url),
        title=title[:500],
        lead=lead,
        body_text=body_text,
        body_html=prepare_html(body_html),
        image_url=(item.image_url or (page.image if page else ""))[:1000],
        published_at=published,
        guid=item.guid,
        category_hint=category_from_words(item.categories or (page.categories if page else [])),
        content_hash=content_hash(title, body_text),
        extraction_error=problem,
        credit_reported_by=credit.reported_by,
        credit_citing=credit.citing,
        credit_place=credit.place,
    )
    return ItemOutcome(record, problem)
