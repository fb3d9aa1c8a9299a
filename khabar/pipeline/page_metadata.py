"""What an article page says about itself, outside the body text.

Helpers for :mod:`khabar.pipeline.extract`, all working on a parsed lxml tree:

- site-rule XPath values (:func:`xpath_values`, :func:`first_text`, :func:`all_texts`);
- ``<meta>`` values (:func:`meta_values`) and article-like JSON-LD objects
  (:func:`json_ld_articles`);
- the publication date: structured (JSON-LD, ``article:published_time``...) or a
  visible dateline, ISO or Jalali (:func:`structured_date`, :func:`visible_date`);
- the page language (:func:`detect_language`) and absolute http(s) links
  (:func:`absolute_url`);
- ZWNJs put back into trafilatura's metadata strings (:func:`restore_zwnj`).

Plain Python, no Django import. Nothing here raises on a bad page or a bad XPath.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urljoin

import lxml.etree

from khabar.pipeline.dates import parse_persian_datetime
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.letters import ZWNJ

__all__ = [
    "LIST_SPLIT_RE",
    "absolute_url",
    "all_texts",
    "article_signs",
    "detect_language",
    "first_text",
    "is_date_only",
    "json_ld_articles",
    "meta_values",
    "page_strings",
    "restore_zwnj",
    "squash",
    "structured_date",
    "unique",
    "value_text",
    "visible_date",
    "xpath_values",
]

logger = logging.getLogger(__name__)

_WS_RE = re.compile(r"\s+")
# Separators of a category or tag list. ``(?:(?<!\s)\s+)?`` is ``\s*`` scanned from the start of a run
# of spaces only: linear where ``\s*`` is quadratic on a long run without a separator (issue 10).
LIST_SPLIT_RE = re.compile(r"(?:(?<!\s)\s+)?[,،؛;]\s*")
_ARABIC_SCRIPT_RE = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY_RE = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی


def squash(text: str) -> str:
    """``text`` with every run of whitespace made one space, stripped."""
    return _WS_RE.sub(" ", text or "").strip()


def restore_zwnj(value: str, sources: Iterable[str]) -> str:
    """``value`` as the page wrote it: trafilatura's metadata and text lose every ZWNJ.

    Finds ``value`` in ``sources`` (page strings) allowing a ZWNJ between any two
    characters and returns that spelling; ``value`` itself when it is not found.
    """
    value = squash(value)
    if not value or ZWNJ in value or len(value) > 2000:
        return value
    pattern = re.compile(f"{ZWNJ}?".join(re.escape(ch) for ch in value))
    for source in sources:
        if source and ZWNJ in source:
            match = pattern.search(squash(source))
            if match:
                return match.group(0)
    return value


def page_strings(tree) -> list[str]:
    """Strings trafilatura's title, description and author come from."""
    strings = [m.get("content") or m.get("value") or "" for m in tree.iter("meta")]
    strings += [h.text_content() for h in tree.xpath("//h1|//h2|//title")]
    return strings


# --------------------------------------------------------------------------- XPath values


def xpath_values(tree, expression: str) -> list:
    """Result of ``expression`` as a list; empty (and a warning) when the XPath is bad."""
    try:
        result = tree.xpath(expression)
    except (lxml.etree.XPathError, TypeError, ValueError):
        logger.warning("bad XPath in site rule: %s", expression)
        return []
    if isinstance(result, list):
        return result
    return [result] if result not in (None, "") else []


def value_text(item) -> str:
    """Squashed text of an XPath result item (element, attribute value or string)."""
    if isinstance(item, str):  # attribute value or string()
        return squash(str(item))
    if isinstance(item, lxml.etree._Element):
        try:
            return squash(item.text_content())
        except (AttributeError, ValueError):
            return squash("".join(item.itertext()))
    return ""


def first_text(tree, expressions: Iterable[str]) -> str:
    """First non-empty value the expressions yield, tried in order."""
    for expression in expressions:
        for item in xpath_values(tree, expression):
            value = value_text(item)
            if value:
                return value
    return ""


def all_texts(tree, expressions: Iterable[str]) -> list[str]:
    """Every value of the first expression that yields any, split on commas."""
    for expression in expressions:
        values = []
        for item in xpath_values(tree, expression):
            values += [part for part in LIST_SPLIT_RE.split(value_text(item)) if part]
        if values:
            return unique(values)
    return []


def unique(values: Iterable[str]) -> list[str]:
    """Squashed, non-empty values without repeats, in first-seen order."""
    seen, result = set(), []
    for value in values:
        value = squash(value)
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result


# --------------------------------------------------------------------------- <meta>, JSON-LD, links


def meta_values(tree, *keys: str) -> list[str]:
    """<meta> values by property/name/itemprop (content= or value=), in the order of ``keys``."""
    found = []
    for key in keys:
        key = key.lower()
        for meta in tree.iter("meta"):
            attrs = {k.lower(): v for k, v in meta.attrib.items() if isinstance(k, str)}
            names = {
                attrs.get("property", "").lower(),
                attrs.get("name", "").lower(),
                attrs.get("itemprop", "").lower(),
            }
            if key in names:
                value = squash(attrs.get("content") or attrs.get("value") or "")
                if value:
                    found.append(value)
    return found


def json_ld_articles(tree) -> list[dict]:
    """Article-like JSON-LD objects of the page (``@graph`` flattened)."""
    objects: list[dict] = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "@graph" in node:
                walk(node["@graph"])
            objects.append(node)

    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, TypeError, RecursionError):
            continue
    return [obj for obj in objects if _has_article_type(obj) or "datePublished" in obj]


ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle")


def _has_article_type(obj: dict) -> bool:
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds)


def article_signs(tree) -> list[str]:
    """What says the page is one article (not a section, tag or gallery page), in words.

    ``og:type=article``, an Article/NewsArticle JSON-LD object, a structured publication
    time (JSON-LD ``datePublished``, ``article:published_time``, ``itemprop``). A visible
    dateline is no sign: listing pages show one under every headline.
    """
    signs = []
    if any(value.lower().startswith("article") for value in meta_values(tree, "og:type")):
        signs.append("og:type=article")
    if any(_has_article_type(obj) for obj in json_ld_articles(tree)):
        signs.append("Article JSON-LD")
    if structured_date(tree) is not None:
        signs.append("publication time")
    return signs


def absolute_url(link: str, base: str) -> str:
    """``link`` resolved against ``base``; empty unless the result is http(s)."""
    link = (link or "").strip()
    if not link or link.startswith("data:"):
        return ""
    if base:
        try:
            link = urljoin(base, link)
        except ValueError:
            return ""
    if link.startswith("//"):
        link = "https:" + link
    return link if is_http_url(link) else ""


def detect_language(tree, doc_language: str | None, text: str) -> str:
    """Language code from the page's declarations, else guessed from the script of ``text``."""
    candidates = [tree.get("lang") or "", tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    candidates += [
        m.get("content", "")
        for m in tree.xpath("//meta[@http-equiv]")
        if m.get("http-equiv", "").lower() == "content-language"
    ]
    candidates += meta_values(tree, "language", "dc.language", "og:locale", "inLanguage")
    candidates.append(doc_language or "")
    for candidate in candidates:
        code = re.split(r"[-_,;\s]", candidate.strip().lower(), maxsplit=1)[0]
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code
    sample = text[:3000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters and len(_ARABIC_SCRIPT_RE.findall(sample)) > 0.5 * letters:
        return "fa" if _PERSIAN_ONLY_RE.search(sample) else "ar"
    return ""


# --------------------------------------------------------------------------- dates

_VISIBLE_DATE_XPATHS = (
    "//*[not(self::script) and not(self::style)][contains(text(), 'تاریخ انتشار') or contains(text(), 'زمان انتشار')"
    " or contains(text(), 'تاريخ انتشار')]/..",
    "//time[@datetime]/@datetime",
    "//time",
    "//*[contains(translate(@class, 'DATEIMPUBLSH', 'dateimpublsh'), 'publish')]",
    "//*[contains(translate(@class, 'DATE', 'date'), 'date') or contains(translate(@class, 'TIME', 'time'), 'time')"
    " or contains(translate(@id, 'DATE', 'date'), 'date')][not(self::script)]",
)


def is_date_only(value: datetime | None, raw: str) -> bool:
    """True when ``raw`` parsed to ``value`` but carried no time of day (midnight exactly)."""
    return value is not None and bool(re.search(r"T00:00:00$", raw.strip()))


def structured_date(tree) -> datetime | None:
    """Publication date from JSON-LD ``datePublished``, <meta> tags or ``itemprop``."""
    for obj in json_ld_articles(tree):
        value = obj.get("datePublished")
        if isinstance(value, str):
            parsed = parse_persian_datetime(value)
            if parsed:
                return parsed
    for value in meta_values(
        tree,
        "article:published_time",
        "og:article:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date.issued",
        "dc.date",
        "sailthru.date",
    ):
        parsed = parse_persian_datetime(value)
        if parsed:
            return parsed
    for value in tree.xpath("//*[@itemprop='datePublished']/@datetime"):
        parsed = parse_persian_datetime(str(value))
        if parsed:
            return parsed
    return None


def visible_date(tree) -> datetime | None:
    """A dateline shown on the page ("تاریخ انتشار", <time>, date-ish classes)."""
    for expression in _VISIBLE_DATE_XPATHS:
        for item in xpath_values(tree, expression)[:30]:
            if isinstance(item, lxml.etree._Element):
                klass = (item.get("class") or "") + " " + (item.get("id") or "")
                if re.search(r"today|current|clock|now", klass, re.I):
                    continue  # the day's date in the site header, not the article's
            text = value_text(item)
            if not text or len(text) > 300:
                continue
            parsed = parse_persian_datetime(text)
            if parsed:
                return parsed
    return None
