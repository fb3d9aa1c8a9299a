"""RSS 2.0 / Atom 1.0 / RDF (RSS 1.0) rendering of an outlet's category feed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from khabar.newsweb.corpus import CATEGORIES
from khabar.newsweb.outlets import OutletSpec
from khabar.newsweb.templates.common import TEHRAN, iso

FEED_LIMIT = 30
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
}


@dataclass
class FeedEntry:
    item_id: int
    title: str
    url: str  # canonical absolute URL
    link: str  # URL written in the feed (may carry utm parameters)
    published: datetime  # aware UTC
    lead: str
    content_html: str  # full body as HTML paragraphs
    category: str  # slug
    image: str
    image_length: int


def _e(text: str) -> str:
    return escape(text)


def _rfc822(dt: datetime, tehran: bool) -> str:
    if tehran:
        return format_datetime(dt.astimezone(TEHRAN))
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)


def _cdata(html: str) -> str:
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_feed(spec: OutletSpec, base: str, category: str, entries: list[FeedEntry], now: datetime) -> bytes:
    """``entries`` newest first (at most FEED_LIMIT are written)."""
    entries = entries[:FEED_LIMIT]
    updated = entries[0].published if entries else now
    fn = {"rss": _rss, "atom": _atom, "rdf": _rdf}[spec.feed_format]
    return fn(spec, base, category, entries, updated).encode("utf-8")


def _rss(spec: OutletSpec, base: str, category: str, entries: list[FeedEntry], updated: datetime) -> str:
    label = CATEGORIES[category]
    self_url = base + spec.feed_path(category)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        f"<title>{_e(spec.name)} - {_e(label)}</title>",
        f"<link>{_e(base)}/</link>",
        f"<description>{_e(spec.tagline)}</description>",
        "<language>fa-IR</language>",
        f"<lastBuildDate>{_rfc822(updated, spec.tehran_offset)}</lastBuildDate>",
        f'<atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml"/>',
        f"<image><url>{_e(base)}/static/logo.png</url><title>{_e(spec.name)}</title><link>{_e(base)}/</link></image>",
    ]
    for e in entries:
        guid = (
            f'<guid isPermaLink="true">{_e(e.url)}</guid>'
            if spec.index % 2
            else f'<guid isPermaLink="false">{_e(spec.slug)}-{e.item_id}</guid>'
        )
        out += [
            "<item>",
            f"<title>{_e(e.title)}</title>",
            f"<link>{_e(e.link)}</link>",
            guid,
            f"<description>{_e(e.lead)}</description>",
        ]
        if spec.full_text:
            body = _cdata(e.content_html) if spec.index % 3 == 0 else _e(e.content_html)
            out.append(f"<content:encoded>{body}</content:encoded>")
        out += [
            f"<pubDate>{_rfc822(e.published, spec.tehran_offset)}</pubDate>",
            f"<category>{_e(CATEGORIES[e.category])}</category>",
            f"<dc:creator>{_e(spec.name)}</dc:creator>",
        ]
        if spec.feed_image == "enclosure":
            out.append(f'<enclosure url={quoteattr(e.image)} length="{e.image_length}" type="image/png"/>')
        elif spec.feed_image == "media":
            out.append(
                f'<media:content url={quoteattr(e.image)} medium="image" type="image/png" width="64" height="36"/>'
            )
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def _atom_id(spec: OutletSpec, e: FeedEntry) -> str:
    if spec.index % 2:
        return e.url
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"khabar-newsweb:{spec.slug}:{e.item_id}"))


def _atom(spec: OutletSpec, base: str, category: str, entries: list[FeedEntry], updated: datetime) -> str:
    label = CATEGORIES[category]
    self_url = base + spec.feed_path(category)
    tz = spec.tehran_offset
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fa">',
        f"<id>{_e(self_url)}</id>",
        f"<title>{_e(spec.name)} - {_e(label)}</title>",
        f"<subtitle>{_e(spec.tagline)}</subtitle>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(base + "/")}/>',
        f"<updated>{iso(updated, tz)}</updated>",
        f"<author><name>{_e(spec.name)}</name><uri>{_e(base)}/</uri></author>",
        f"<icon>{_e(base)}/static/logo.png</icon>",
    ]
    for e in entries:
        out += [
            "<entry>",
            f"<id>{_e(_atom_id(spec, e))}</id>",
            f"<title>{_e(e.title)}</title>",
            f'<link rel="alternate" type="text/html" href={quoteattr(e.link)}/>',
            f"<published>{iso(e.published, tz)}</published>",
            f"<updated>{iso(e.published, tz)}</updated>",
            f'<category term="{e.category}" label={quoteattr(CATEGORIES[e.category])}/>',
            f'<summary type="text">{_e(e.lead)}</summary>',
        ]
        if spec.full_text:
            out.append(f'<content type="html">{_e(e.content_html)}</content>')
        if spec.feed_image != "none":
            out.append(f'<link rel="enclosure" type="image/png" length="{e.image_length}" href={quoteattr(e.image)}/>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def _rdf(spec: OutletSpec, base: str, category: str, entries: list[FeedEntry], updated: datetime) -> str:
    label = CATEGORIES[category]
    self_url = base + spec.feed_path(category)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel rdf:about={quoteattr(self_url)}>",
        f"<title>{_e(spec.name)} - {_e(label)}</title>",
        f"<link>{_e(base)}/</link>",
        f"<description>{_e(spec.tagline)}</description>",
        "<dc:language>fa</dc:language>",
        f"<dc:date>{iso(updated, spec.tehran_offset)}</dc:date>",
        "<items><rdf:Seq>",
        *[f"<rdf:li rdf:resource={quoteattr(e.link)}/>" for e in entries],
        "</rdf:Seq></items>",
        "</channel>",
    ]
    for e in entries:
        out += [
            f"<item rdf:about={quoteattr(e.link)}>",
            f"<title>{_e(e.title)}</title>",
            f"<link>{_e(e.link)}</link>",
            f"<description>{_e(e.lead)}</description>",
        ]
        if spec.full_text:
            out.append(f"<content:encoded>{_e(e.content_html)}</content:encoded>")
        out += [
            f"<dc:date>{iso(e.published, spec.tehran_offset)}</dc:date>",
            f"<dc:subject>{_e(CATEGORIES[e.category])}</dc:subject>",
            f"<dc:creator>{_e(spec.name)}</dc:creator>",
            "</item>",
        ]
    out += ["</rdf:RDF>", ""]
    return "\n".join(out)
