"""Parse RSS 2.0 / Atom / RDF feeds with feedparser into plain ``FeedItem``s.

``parse_feed`` never raises: an unusable document gives a ``ParsedFeed`` with
``error`` set; a recoverable problem (feedparser's "bozo" flag with entries
still found) gives ``warning``.

The bytes are first decoded the way pages are (``decode.decode_html``: BOM,
valid UTF-8, the HTTP charset, the XML declaration, else detection, which knows
windows-1256) and handed to feedparser as UTF-8, so a Persian feed in
windows-1256, or one whose declared charset is wrong, still reads as Persian.
Items are kept once per link and once per GUID.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from khabar.pipeline.decode import decode_html
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.records import FeedItem, ParsedFeed
from khabar.pipeline.sanitize import html_to_text

# feedparser flags these although the document itself is fine.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""", re.I)


def utf8_document(content: bytes | str, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The document re-encoded as UTF-8 (declaration and Content-Type saying so)."""
    text = decode_html(content, headers) if isinstance(content, bytes) else content
    data = _XML_ENCODING.sub(rb"\1\2utf-8\2", text.lstrip("\ufeff").encode("utf-8"), count=1)
    media_type = headers.get("content-type", "").split(";")[0].strip() or "application/xml"
    return data, {**headers, "content-type": f"{media_type}; charset=utf-8"}


def _entry_datetime(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _entry_image(entry) -> str:
    for media in entry.get("media_content", []) or []:
        if media.get("url") and (
            media.get("medium") == "image" or "image" in media.get("type", "") or not media.get("type")
        ):
            return media["url"]
    for thumb in entry.get("media_thumbnail", []) or []:
        if thumb.get("url"):
            return thumb["url"]
    for link in entry.get("links", []) or []:
        if link.get("rel") == "enclosure" and link.get("type", "").startswith("image") and link.get("href"):
            return link["href"]
    image = entry.get("image")
    if isinstance(image, dict) and image.get("href"):
        return image["href"]
    return ""


def _entry_content(entry) -> str:
    contents = entry.get("content") or []
    best = ""
    for content in contents:
        value = content.get("value", "")
        if len(value) > len(best):
            best = value
    return best


def parse_feed(content: bytes | str, url: str = "", headers: dict[str, str] | None = None) -> ParsedFeed:
    """Parse a feed document. ``url`` resolves relative links; ``headers`` give the HTTP charset."""
    result = ParsedFeed(url=url)
    if not content or not (content.strip() if isinstance(content, (bytes, str)) else content):
        result.error = "empty response: no feed document"
        return result
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers.setdefault("content-location", url)
    try:
        document, response_headers = utf8_document(content, response_headers)
        parsed = feedparser.parse(
            document, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=True
        )
    except Exception as exc:  # feedparser is robust, but a parser must never take the crawl down
        result.error = f"feed could not be parsed: {type(exc).__name__}: {exc}"
        return result

    feed_info = parsed.get("feed", {})
    result.title = html_to_text(feed_info.get("title", ""))
    result.link = feed_info.get("link", "") or url
    base = result.link if is_http_url(result.link) else url

    if not parsed.entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            result.error = f"not a valid feed: {problem}" if problem else "not a valid feed"
        elif not parsed.get("version"):
            result.error = "not a feed: no RSS, Atom or RDF document found"
        return result
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, _HARMLESS_BOZO):
        result.warning = f"feed has errors but was read: {problem}"

    seen: set[str] = set()
    seen_guids: set[str] = set()
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            guid = (entry.get("id") or "").strip()
            link = guid if is_http_url(guid) else ""
        link = urljoin(base, link) if link else ""
        guid = (entry.get("id") or "").strip()
        if not is_http_url(link) or link in seen or (guid and guid in seen_guids):
            continue  # a reader shows an item once, however often the feed repeats its link or GUID
        seen.add(link)
        if guid:
            seen_guids.add(guid)
        title = html_to_text(entry.get("title", "")).replace("\n", " ").strip()
        summary = entry.get("summary", "") or ""
        content_html = _entry_content(entry)
        if not title:
            title = html_to_text(summary).split("\n")[0][:200].strip()
        if not title:
            continue
        result.items.append(
            FeedItem(
                url=link,
                title=title,
                guid=(entry.get("id") or link)[:1000],
                summary_html=summary if summary != content_html else "",
                content_html=content_html,
                published=_entry_datetime(entry),
                image_url=_entry_image(entry),
                categories=[t.get("term", "") for t in entry.get("tags", []) or [] if t.get("term")],
                author=entry.get("author", "") or "",
            )
        )
    if not result.items:
        result.warning = f"nothing to collect: none of the feed's {len(parsed.entries)} entries has a link and a title"
    return result
