"""Sitemaps (sitemaps.org) and Google News sitemaps, read safely.

A news sitemap lists an outlet's articles of the last two days, each ``<url>`` with a
``<news:news>`` block carrying its title and publication time: for an outlet without a
feed, it is as good as one. ``parse_sitemap`` reads a ``<urlset>`` (its entries) or a
``<sitemapindex>`` (its child sitemaps); ``news_items`` turns news entries into
``FeedItem``\\ s; ``read_sitemap`` fetches one (a ``.gz`` file inflated with a cap) and
``read_news_items`` follows an index to its newest news sitemaps.

Hostile documents: the XML is parsed by lxml with entities never resolved, no DTD
loaded, no network, and lxml's own limits on depth and size (no ``huge_tree``); a
document declaring entities (``<!ENTITY``: "billion laughs", XXE) is refused outright,
as defusedxml does. A gzip file is inflated to at most the fetch size cap (a gzip
bomb costs no more). At most ``MAX_ENTRIES`` entries are read. Never raises.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

import lxml.etree

from khabar.pipeline.bounded_body import GZIP_MAGIC, BadCompression, BodyTooLarge, gunzip_bounded
from khabar.pipeline.dates import parse_persian_datetime
from khabar.pipeline.fetch import Fetcher
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.records import FeedItem, FetchResult

__all__ = [
    "SITEMAP_ACCEPT",
    "Sitemap",
    "SitemapEntry",
    "news_items",
    "parse_sitemap",
    "read_news_items",
    "read_sitemap",
]

MAX_ENTRIES = 50_000  # the sitemaps.org limit of one file
MAX_CHILDREN = 3  # child sitemaps of an index read per check (the newest news ones)
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_WS = re.compile(r"\s+")
_NOT_SITEMAP_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


@dataclass
class SitemapEntry:
    url: str
    lastmod: datetime | None = None
    news: bool = False  # a <news:news> block: an article of a Google News sitemap
    title: str = ""
    published: datetime | None = None


@dataclass
class Sitemap:
    url: str
    kind: str = ""  # "urlset", "index", or "" when the document is not a sitemap
    entries: list[SitemapEntry] = field(default_factory=list)
    error: str | None = None
    truncated: bool = False  # more than MAX_ENTRIES entries: the rest were not read

    @property
    def news_entries(self) -> list[SitemapEntry]:
        return [entry for entry in self.entries if entry.news]


def may_be_sitemap_type(content_type: str) -> bool:
    return not content_type.startswith(_NOT_SITEMAP_TYPES)


def _local(element) -> str:
    tag = element.tag
    return lxml.etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _text(element) -> str:
    return _WS.sub(" ", "".join(element.itertext()) if element is not None else "").strip()


def _when(text: str) -> datetime | None:
    text = text.strip()
    if not text or len(text) > 64:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = parse_persian_datetime(text)
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _parser() -> lxml.etree.XMLParser:
    return lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def _entry(element, base: str) -> SitemapEntry | None:
    fields: dict[str, object] = {}
    for child in element.iterchildren():
        name = _local(child)
        if name == "loc":
            fields["url"] = _text(child)
        elif name == "lastmod":
            fields["lastmod"] = _when(_text(child))
        elif name == "news":
            fields["news"] = True
            for part in child.iter():
                part_name = _local(part)
                if part_name == "title":
                    fields["title"] = _text(part)[:500]
                elif part_name == "publication_date":
                    fields["published"] = _when(_text(part))
    url = str(fields.pop("url", ""))
    try:
        url = urljoin(base, url) if url else ""
    except ValueError:
        return None
    return SitemapEntry(url=url, **fields) if is_http_url(url) else None  # type: ignore[arg-type]


def parse_sitemap(content: bytes, url: str = "") -> Sitemap:
    """A sitemap document (already inflated) as entries; ``error`` says why it is not one."""
    sitemap = Sitemap(url=url)
    if not content or not content.strip():
        sitemap.error = "empty document"
        return sitemap
    if _ENTITY_DECLARATION.search(content):
        sitemap.error = "refused: the document declares XML entities"
        return sitemap
    try:
        root = lxml.etree.fromstring(content, parser=_parser())
    except (lxml.etree.XMLSyntaxError, ValueError) as exc:
        sitemap.error = f"not readable XML: {exc}"[:300]
        return sitemap
    if root is None:
        sitemap.error = "not readable XML"
        return sitemap
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):  # declared in another encoding than ASCII's
        sitemap.error = "refused: the document declares XML entities"
        return sitemap
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        sitemap.error = f"not a sitemap: the document is <{kind or '?'}>"[:300]
        return sitemap
    sitemap.kind = "urlset" if kind == "urlset" else "index"
    wanted = "url" if kind == "urlset" else "sitemap"
    for element in root.iterchildren():
        if _local(element) != wanted:
            continue
        if len(sitemap.entries) >= MAX_ENTRIES:
            sitemap.truncated = True
            break
        entry = _entry(element, url)
        if entry is not None:
            sitemap.entries.append(entry)
    return sitemap


def news_items(sitemap: Sitemap) -> list[FeedItem]:
    """The news entries as feed items (title and publication time from ``<news:news>``), once per URL."""
    seen: set[str] = set()
    items = []
    for entry in sitemap.news_entries:
        if entry.url in seen:
            continue
        seen.add(entry.url)
        items.append(FeedItem(url=entry.url, title=entry.title, guid=entry.url, published=entry.published))
    return items


async def read_sitemap(
    fetcher: Fetcher, url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None
) -> tuple[FetchResult, Sitemap | None]:
    """Fetch and parse one sitemap (gzip files inflated with the fetch's size cap).

    The sitemap is None when the fetch failed or the document could not be read
    (``FetchResult.error`` says why; ``error_kind`` is ``parse``, ``too_large`` or ``encoding``).
    """
    fetched = await fetcher.fetch(
        url, etag=etag, last_modified=last_modified, accept=SITEMAP_ACCEPT, accept_type=may_be_sitemap_type
    )
    if not fetched.ok:
        return fetched, None
    content = fetched.content
    if content[:2] == GZIP_MAGIC:
        try:
            content = gunzip_bounded(content, max_bytes or fetcher.policy.max_bytes)
        except BodyTooLarge as exc:
            fetched.error, fetched.error_kind = f"gzip sitemap {exc}", "too_large"
            return fetched, None
        except BadCompression as exc:
            fetched.error, fetched.error_kind = str(exc), "encoding"
            return fetched, None
    sitemap = await asyncio.to_thread(parse_sitemap, content, fetched.final_url or url)
    if sitemap.error:
        fetched.error, fetched.error_kind = sitemap.error, "parse"
        return fetched, None
    return fetched, sitemap


def newest_children(index: Sitemap, limit: int = MAX_CHILDREN) -> list[str]:
    """The child sitemaps of an index worth reading for news: those named "news" first, then the newest."""
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    ranked = sorted(index.entries, key=lambda e: ("news" not in e.url.lower(), -(e.lastmod or oldest).timestamp()))
    return [entry.url for entry in ranked[:limit]]


async def read_news_items(
    fetcher: Fetcher, url: str, *, etag: str = "", last_modified: str = ""
) -> tuple[FetchResult, list[FeedItem], str | None]:
    """The news entries of a news sitemap, or of the newest news sitemaps of an index.

    Returns (the fetch of ``url``, items, a warning or None). A failed fetch or an
    unreadable document leaves the items empty and the error on the fetch result.
    """
    fetched, sitemap = await read_sitemap(fetcher, url, etag=etag, last_modified=last_modified)
    if sitemap is None:
        return fetched, [], None
    if sitemap.kind == "index":
        children = await asyncio.gather(*(read_sitemap(fetcher, child) for child in newest_children(sitemap)))
        merged = Sitemap(url=url, kind="urlset")
        problems = []
        for child_fetch, child in children:
            if child is None:
                problems.append(f"{child_fetch.url}: {child_fetch.error}")
            else:
                merged.entries += child.entries
        sitemap = merged
        if problems and not sitemap.entries:
            fetched.error, fetched.error_kind = "no child sitemap could be read: " + "; ".join(problems)[:400], "parse"
            return fetched, [], None
    items = news_items(sitemap)
    warning = None
    if not items and sitemap.entries:
        warning = f"no news:news entries among {len(sitemap.entries)} (not a Google News sitemap)"
    return fetched, items, warning
