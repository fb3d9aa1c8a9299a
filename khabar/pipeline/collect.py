"""Turn feeds into store-ready ``ArticleRecord``s (async, no database).

Two steps, so that the caller can ask its database which items are new in
between without this module knowing about storage:

1. ``fetch_feed``: fetch and parse a feed (conditional GET).
2. ``build_records``: for the new items, fetch the article page when the feed
   carries only a summary, extract the full text, normalize and sanitize, read
   the credit line (`attribution.article_credit`).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from khabar.pipeline.attribution import article_credit
from khabar.pipeline.extract import extract_article
from khabar.pipeline.feeds import parse_feed
from khabar.pipeline.fetch import Fetcher, is_html_type
from khabar.pipeline.persian import normalize_display, prepare_html, prepare_text
from khabar.pipeline.records import ArticleRecord, FeedItem, FeedRefresh
from khabar.pipeline.sanitize import html_to_text, sanitize_html, text_to_html

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


@dataclass
class FeedRequest:
    """What the collector needs to know about one feed."""

    url: str
    etag: str = ""
    last_modified: str = ""


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
    refresh = FeedRefresh(feed_url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
    fetched = await fetcher.fetch(
        feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT, accept_type=may_be_feed_type
    )
    refresh.fetch = fetched
    if fetched.not_modified:
        refresh.not_modified = True  # nothing changed: no parsing, no pages
        return refresh
    if fetched.error:
        refresh.error, refresh.error_kind = fetched.error, fetched.error_kind
        if fetched.error_kind == "content_type":
            refresh.error = f"not a feed: {fetched.error}"
        return refresh
    refresh.etag = fetched.headers.get("etag", "")
    refresh.last_modified = fetched.headers.get("last-modified", "")
    refresh.parsed = await asyncio.to_thread(
        parse_feed, fetched.content, fetched.final_url or feed.url, fetched.headers
    )
    if refresh.parsed.error:
        refresh.error, refresh.error_kind = refresh.parsed.error, "parse"
    elif refresh.parsed.warning:
        refresh.errors.append(refresh.parsed.warning)
    return refresh


async def build_records(fetcher: Fetcher, refresh: FeedRefresh, items: list[FeedItem]) -> FeedRefresh:
    """Fill ``refresh.records`` for ``items`` (the ones not stored yet)."""
    results = await asyncio.gather(*(build_record(fetcher, item) for item in items))
    for item, (record, problem) in zip(items, results):
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


async def build_record(
    fetcher: Fetcher, item: FeedItem, now: datetime | None = None
) -> tuple[ArticleRecord | None, str | None]:
    """One item to one record. Returns (record or None to retry later, problem or None)."""
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
            return None, f"page not fetched, will retry: {fetched.error}"
        if fetched.error_kind == "content_type":
            problem = f"not an HTML page ({fetched.content_type}); the feed's summary is kept"
        elif fetched.error:
            problem = f"page not fetched: {fetched.error}"
        else:
            page = await asyncio.to_thread(
                extract_article, fetched.content, fetched.final_url or item.url, headers=fetched.headers
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
    title = prepare_text(item.title or (page.title if page else ""))
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
        category_hint=category_from_words(item.categories),
        content_hash=content_hash(title, body_text),
        extraction_error=problem,
        credit_reported_by=credit.reported_by,
        credit_citing=credit.citing,
        credit_place=credit.place,
    )
    return record, problem
