"""Main content of an article page: bytes or text in, :class:`ExtractedPage` out.

Used by the crawler and by ``khabar extract``. This module holds the decoding glue,
the trafilatura call and :func:`extract_article`, which puts the pieces together:

1. :func:`decode_html` (:mod:`khabar.pipeline.decode`) turns bytes into text (HTTP
   charset, BOM, ``<meta charset>``, else charset-normalizer; valid UTF-8 wins over
   a wrong label).
2. trafilatura (``bare_extraction``) finds the main text and the metadata.
3. A per-site rule (:mod:`khabar.pipeline.site_rules`, chosen by the URL's hostname)
   overrides the fields it defines.
4. Page metadata (:mod:`khabar.pipeline.page_metadata`) fills what is still missing:
   JSON-LD / ``article:published_time`` dates (ISO or Jalali), ``og:description``
   lead, ``<html lang>``...; a visible Jalali dateline is the last resort for the date.
5. The body tree (:mod:`khabar.pipeline.article_body`) is cleaned and sanitized
   (:func:`sanitize_html`); title, lead and text go through :func:`normalize_display`.
   A lead (or title) repeated at the start of the body is dropped.

Nothing here raises on bad input: empty, binary or non-HTML content gives an
``ExtractedPage`` with empty fields (empty ``text`` means "no article text found").
"""

from __future__ import annotations

import codecs
import html as html_lib
import logging
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime

import lxml.etree
import lxml.html
import trafilatura

from khabar.pipeline.article_body import (
    collapse_whitespace,
    drop_leading_repeats,
    fragment_html,
    rule_body,
    same_text,
    trafilatura_body,
)
from khabar.pipeline.dates import parse_persian_datetime
from khabar.pipeline.decode import BINARY_MAGIC, decode_html
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.page_metadata import (
    LIST_SPLIT_RE,
    absolute_url,
    all_texts,
    article_signs,
    detect_language,
    first_text,
    is_date_only,
    json_ld_articles,
    meta_values,
    page_strings,
    restore_zwnj,
    squash,
    structured_date,
    unique,
    visible_date,
)
from khabar.pipeline.persian import normalize_display
from khabar.pipeline.records import ExtractedPage
from khabar.pipeline.sanitize import html_to_text, sanitize_html
from khabar.pipeline.site_rules import SiteRule, rule_for

__all__ = ["decode_html", "extract_article"]

logger = logging.getLogger(__name__)

# Measured on the labelled pages with the site rules switched off: the default
# (balanced) mode and favor_precision give the same text; favor_recall pulls in a
# trailing related-story heading on yjc.ir. Precision it is: boilerplate in an
# article body is worse than a missing paragraph (the feed summary remains).
TRAFILATURA_OPTIONS = {
    "with_metadata": True,
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "output_format": "python",
    # date_extraction_params is added per call (see _run_trafilatura): htmldate is
    # asked for the time too (its default output is the day only) and max_date
    # must be today.
}

MAX_INPUT_BYTES = 8 * 1024 * 1024  # larger pages are cut (no news article is this big)

# A run of this many characters without a space, quote or angle bracket is no word (an inline
# data: URI, an attack): it is cut to this length before parsing, and so is a run of spaces, so
# that trafilatura and htmldate, which read the whole page with patterns of their own, get a
# page whose size is what its text is. A 100 KB one-word page took them 33 s (issue 10).
# The look-behinds make each run scanned once, from its start.
MAX_RUN = 2000
EXTENSIVE_DATE_SEARCH_MAX = 1_000_000  # characters of page; larger pages' dates come from their metadata
_WORD = r"[^\s<>\"'=]"
_LONG_WORD_RE = re.compile(rf"(?<!{_WORD}){_WORD}{{{MAX_RUN}}}{_WORD}+")
_LONG_SPACE_RE = re.compile(rf"(?<!\s)\s{{{MAX_RUN}}}\s+")
# More "<" than this in a meta tag's content or a JSON-LD block is no text: they are blanked, as
# trafilatura strips tags there with ``<[^>]*>``, quadratic on a long run of "<" without ">".
MAX_ANGLES = 50
_JSON_ANGLE_RE = re.compile(r"<|\\u003c", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_MARKUP_RE = re.compile(
    r"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|main|section|span|a|h[1-6]|table|br)\b", re.I
)


# --------------------------------------------------------------------------- decoding glue


def _looks_binary(content: bytes) -> bool:
    head = content[:2048].lstrip()
    if head.startswith(BINARY_MAGIC):
        return True
    sample = content[:4096]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return False


def _looks_like_garbage(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return True
    bad = sum(1 for ch in sample if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"))
    return bad > 0.02 * len(sample)


# --------------------------------------------------------------------------- main


def _empty(url: str) -> ExtractedPage:
    return ExtractedPage(url=url or "")


def cut_long_runs(text: str) -> str:
    """``text`` with each run of more than MAX_RUN word characters (or spaces) cut to MAX_RUN."""
    text = _LONG_WORD_RE.sub(lambda match: match.group(0)[:MAX_RUN], text)
    return _LONG_SPACE_RE.sub(lambda match: match.group(0)[:MAX_RUN], text)


def _blank_angles_in_metadata(tree) -> None:
    for meta in tree.iterfind(".//meta[@content]"):
        content = meta.get("content", "")
        if content.count("<") > MAX_ANGLES:
            meta.set("content", content.replace("<", " "))
    for script in tree.xpath("//script[@type='application/ld+json']"):
        if len(_JSON_ANGLE_RE.findall(script.text or "")) > MAX_ANGLES:
            script.text = _JSON_ANGLE_RE.sub(" ", script.text)


def _parse_tree(text: str):
    text = _XML_DECL_RE.sub("", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return None
    return tree


def _run_trafilatura(tree, url: str, page_size: int):
    options = dict(TRAFILATURA_OPTIONS)
    options["date_extraction_params"] = {
        "original_date": True,
        # htmldate's extensive search reads the whole page with many patterns: not on a huge one.
        "extensive_search": page_size <= EXTENSIVE_DATE_SEARCH_MAX,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "max_date": datetime.now().strftime("%Y-%m-%d"),
    }
    try:
        return trafilatura.bare_extraction(tree, url=url or None, **options)  # it works on a copy
    except Exception:  # noqa: BLE001 - trafilatura raising must not stop a crawl
        logger.warning("trafilatura failed on %s", url or "page", exc_info=True)
        return None


def extract_article(html: str | bytes, url: str = "", *, headers: dict[str, str] | None = None) -> ExtractedPage:
    """Extract an article page's title, lead, body (text and sanitized HTML), date, image...

    ``html`` is the page (bytes are decoded with :func:`decode_html` using ``headers``);
    ``url`` is where it came from: it selects the site rule (by hostname) and resolves
    relative links. ``published`` is an aware UTC datetime. Never raises: unusable
    input gives an ExtractedPage whose fields are empty.
    """
    url = url if isinstance(url, str) else ""
    try:
        return _extract(html, url, headers)
    except Exception:  # noqa: BLE001 - the crawler records "no article text found"
        logger.exception("extraction failed for %s", url or "page")
        return _empty(url)


def _extract(html: str | bytes, url: str, headers: Mapping[str, str] | None) -> ExtractedPage:
    if isinstance(html, (bytes, bytearray, memoryview)):
        content = bytes(html)[:MAX_INPUT_BYTES]
        if not content.strip() or _looks_binary(content):
            return _empty(url)
        text = decode_html(content, headers)
    elif isinstance(html, str):
        text = html
    else:
        return _empty(url)
    if not text or _looks_like_garbage(text) or not _MARKUP_RE.search(text[:200_000]):
        return _empty(url)
    text = cut_long_runs(text)
    tree = _parse_tree(text)
    if tree is None:
        return _empty(url)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        if node.get("type", "").lower() != "application/ld+json":
            node.drop_tree()
    _blank_angles_in_metadata(tree)

    # The page's own address when the caller gave none (rules and relative links need one).
    canonical = ""
    for value in tree.xpath("//link[@rel='canonical']/@href") + meta_values(tree, "og:url"):
        if is_http_url(value):
            canonical = value
            break
    base = url or canonical
    rule = rule_for(base) if base else None
    rule = rule or SiteRule()

    doc = _run_trafilatura(tree, base, len(text))
    page = ExtractedPage(url=url or canonical)

    # Title, lead. trafilatura's strings have lost their ZWNJs: put them back.
    sources = page_strings(tree)
    title = first_text(tree, rule.title) or restore_zwnj(getattr(doc, "title", "") or "", sources)
    if not title:
        title = squash(" ".join(tree.xpath("//title//text()")))
    if title and not rule.title:  # og:title often carries " - site name": prefer the page's own <h1>
        for h1 in tree.xpath("//h1"):
            heading = squash(h1.text_content())
            if len(heading) >= 15 and title != heading and title.startswith(heading):
                title = heading
                break
    page.title = normalize_display(title)

    lead = first_text(tree, rule.lead)
    if not lead:
        values = meta_values(tree, "og:description", "description", "twitter:description")
        lead = values[0] if values else ""
    if not lead:
        lead = restore_zwnj(getattr(doc, "description", "") or "", sources)
    page.lead = normalize_display(lead)

    # Body
    body = rule_body(tree, rule) if rule.body else None
    if body is None:
        body = trafilatura_body(doc)
    if body is not None:
        collapse_whitespace(body)
        drop_leading_repeats(body, [title, lead])
        page.html = fragment_html(body, base)
        page.text = normalize_display(html_to_text(page.html))
    if not page.text and doc is not None and getattr(doc, "text", None):
        # Last resort (the body tree could not be converted); this text has no ZWNJs.
        lines = [line for line in doc.text.split("\n") if line.strip()]
        while lines and any(same_text(lines[0], r) for r in (title, lead)):
            lines.pop(0)
        page.text = normalize_display("\n".join(lines))
        page.html = sanitize_html("".join(f"<p>{html_lib.escape(line)}</p>" for line in lines)) if lines else ""
    if not page.text:
        page.html = ""

    # Date
    published = None
    for value in (first_text(tree, [expression]) for expression in rule.date):
        published = parse_persian_datetime(value) if value else None
        if published:
            break
    if published is None:
        published = structured_date(tree)
    date_only = None
    if published is None and getattr(doc, "date", None):
        parsed = parse_persian_datetime(doc.date)
        if is_date_only(parsed, doc.date):
            date_only = parsed
        else:
            published = parsed
    if published is None:
        published = visible_date(tree) or date_only
    page.published = published.replace(microsecond=0) if published else None

    # Image
    # The page's own address is not its image (varzesh3 sometimes puts og:url in og:image).
    addresses = tree.xpath("//link[@rel='canonical']/@href") + meta_values(tree, "og:url")
    own = {u for u in [url, base] + [absolute_url(str(a), base) for a in addresses] if u}
    candidates = [first_text(tree, [expression]) for expression in rule.image]
    candidates += [getattr(doc, "image", "") or ""]
    candidates += meta_values(
        tree, "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"
    )
    for obj in json_ld_articles(tree):
        image = obj.get("image")
        if isinstance(image, dict):
            image = image.get("url")
        elif isinstance(image, list) and image:
            image = image[0].get("url") if isinstance(image[0], dict) else image[0]
        if isinstance(image, str):
            candidates.append(image)
    if body is not None:
        candidates += [str(src) for src in body.xpath(".//img/@src")]
    for candidate in candidates:
        image = absolute_url(candidate, base)
        if image and image not in own:
            page.image = image
            break

    # Author, categories, tags, language
    page.author = normalize_display(
        first_text(tree, rule.author) or restore_zwnj(getattr(doc, "author", "") or "", sources)
    )
    categories = all_texts(tree, rule.categories)
    if not categories:
        categories = unique(p for c in (getattr(doc, "categories", None) or []) for p in LIST_SPLIT_RE.split(c))
    if not categories:
        categories = unique(
            p for v in meta_values(tree, "article:section", "og:article:section") for p in LIST_SPLIT_RE.split(v)
        )
    page.categories = categories
    tags = all_texts(tree, rule.tags)
    if not tags:
        tags = unique(p for t in (getattr(doc, "tags", None) or []) for p in LIST_SPLIT_RE.split(t))
    page.tags = tags
    page.language = detect_language(tree, getattr(doc, "language", None), page.text or page.title)
    page.article_signs = article_signs(tree)
    return page
