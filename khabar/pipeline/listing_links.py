"""Which links of a homepage or section page are articles, without per-site rules.

An outlet's articles share a URL shape (``/fa/news/128705/slug``,
``/details/401150/Society/Travel``, ``/?p=7383``, ``/a/slug/29108227.html``), and
a listing page links many of them, usually with a headline as the link text.
Navigation, sections, tags, galleries, ads and feeds have other shapes, shorter
texts, and sit in menus. So:

1. Every same-site link gets a *shape* (:func:`khabar.pipeline.url_shapes.url_shape`): path segments as
   classes (a number of N digits, a date, a slug, a word), a slug next to an
   item number dropped (``/news/12345`` and ``/news/12345/title`` are one
   shape), words that name non-article pages kept (``tag``, ``category``,
   ``page``...), query keys with the class of their values, the extension.
2. Links are grouped by shape; each group is scored on what it says about
   itself: an item number (its length, a query key that names it, ``newsid``,
   ``p``), a dated path, a long slug; how many distinct links share it; how
   headline-like their texts are; whether the slug repeats the link text; and
   how many of them only sit in menus.
3. The caller may pass what it has learned: URLs whose pages were articles
   (``og:type=article``, NewsArticle JSON-LD, a publication time) and URLs whose
   pages were not. Their shapes are followed or refused on every page of the
   site, and those very URLs are taken or left whatever their group.

``javascript:ShowNews(99082)`` item links of e-paper sites are shapes too (the
function and the number); they are returned as written, for the caller to map
to a fetchable URL. Plain data in and out; never raises.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from khabar.pipeline.listing_page import JS_ITEM_RE, ListingPage, PageLink, link_key, parse_listing, site_host
from khabar.pipeline.url_shapes import OPAQUE_ID, WORD_SPLIT_RE, UrlShape, url_shape, words_of

__all__ = ["ArticleLinks", "ShapeVerdict", "article_links", "find_article_links"]

ACCEPT_SCORE = 2.5
_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه"})


@dataclass
class ShapeVerdict:
    """One shape group of a page and why it was (not) taken."""

    shape: UrlShape
    keys: list[str] = field(default_factory=list)  # distinct links, page order
    score: float = 0.0
    accepted: bool = False
    reason: str = ""


@dataclass
class ArticleLinks:
    urls: list[str]  # the article links, page order, one per page (first-seen form)
    keys: set[str]  # their link_key()s
    verdicts: list[ShapeVerdict]  # every shape group of the page, for explanation


# --------------------------------------------------------------------------- scoring


def _id_points(shape: UrlShape) -> float:
    """How strongly the form of the URL says "one item": a named id, a long number, a date, a slug."""
    if shape.id_named == 2 and shape.id_digits >= 3:
        return 3.5
    if shape.id_named == 1 and shape.id_digits >= 3:
        return 2.5
    if shape.id_digits >= 4 or (shape.dated and shape.slug_words >= 2):
        return 2.0
    if shape.id_digits == 3:
        return 1.0
    if shape.id_digits == OPAQUE_ID:
        return 1.5
    if shape.slug_words >= 3 or shape.dated:
        return 1.0
    return 0.0


def _text_points(word_counts: list[int]) -> float:
    """Headlines run to four words and more; menu entries to one or two."""
    if not word_counts:
        return 0.0
    median = statistics.median(word_counts)
    if median <= 1:
        return -1.5
    if median <= 2:
        return -1.0
    return min(1.5, (median - 3) * 0.5)


def _size_points(size: int) -> float:
    return 1.0 if size >= 6 else 0.5 if size >= 3 else 0.0


def _fold(text: str) -> set[str]:
    return {w for w in WORD_SPLIT_RE.split(text.lower().translate(_ARABIC_TO_PERSIAN)) if len(w) > 1}


def _slug_repeats_text(slug: str, text: str) -> bool:
    if not slug:
        return False
    slug_words = _fold(slug)
    return bool(slug_words) and len(slug_words & _fold(text)) >= max(2, len(slug_words) // 2)


def _known_shapes(urls: Iterable[str], hosts: set[str]) -> tuple[set[str], dict[str, int]]:
    keys, shapes = set(), defaultdict(int)
    for url in urls or ():
        if not isinstance(url, str):
            continue
        if JS_ITEM_RE.match(url) or site_host(url) in hosts:
            keys.add(link_key(url))
            shapes[url_shape(url).key] += 1
    return keys, shapes


def _score(verdict: ShapeVerdict, shapes: dict[str, UrlShape], texts: dict[str, str], chrome_only: set[str]) -> None:
    keys = verdict.keys
    if verdict.shape.file:
        verdict.score, verdict.reason = -9.0, "a file"
        return
    id_points = statistics.median(_id_points(shapes[k]) for k in keys)
    counts = [len(words_of(texts[k])) for k in keys if texts.get(k)]
    text_points = _text_points(counts)
    agreeing = [k for k in keys if texts.get(k) and _slug_repeats_text(shapes[k].slug, texts[k])]
    slug_points = 1.0 if agreeing and len(agreeing) * 2 >= len(keys) else 0.0
    chrome_share = sum(1 for k in keys if k in chrome_only) / len(keys)
    score = id_points + text_points + _size_points(len(keys)) + slug_points - 1.5 * chrome_share
    if verdict.shape.negative:
        score -= 3.0
    verdict.score = round(score, 2)
    verdict.reason = (
        f"id {id_points:+.1f}, text {text_points:+.1f} ({len(counts)} texts), size {len(keys)}, "
        f"slug=title {slug_points:+.1f}, menus {chrome_share:.0%}"
        + (", non-article word" if verdict.shape.negative else "")
    )
    verdict.accepted = id_points > 0 and score >= ACCEPT_SCORE


def _headline_like(shape: UrlShape, text: str) -> bool:
    """In a group identified by slugs alone, each link must look like a story on its own."""
    if shape.id_digits >= 3 or shape.dated or shape.key.startswith("js:"):
        return True
    return shape.slug_words >= 4 or len(words_of(text)) >= 4


def find_article_links(
    page: ListingPage,
    *,
    known_articles: Iterable[str] = (),
    known_other: Iterable[str] = (),
    hosts: Iterable[str] = (),
) -> ArticleLinks:
    """The article links of a parsed listing page (see the module docstring).

    ``known_articles``/``known_other``: URLs of this site whose pages were / were not
    articles; ``hosts``: other host names of the same site (``www.`` is ignored anyway).
    """
    site = {page.host} | {h.lower().removeprefix("www.") for h in hosts or () if isinstance(h, str)}
    site.discard("")
    article_keys, article_shapes = _known_shapes(known_articles, site)
    other_keys, other_shapes = _known_shapes(known_other, site)

    first: dict[str, PageLink] = {}
    texts: dict[str, str] = {}
    shapes: dict[str, UrlShape] = {}
    chrome: dict[str, bool] = {}
    groups: dict[str, ShapeVerdict] = {}
    for link in page.links:
        if link.url[:11].lower() != "javascript:" and site_host(link.url) not in site:
            continue  # another site's page
        if link.key not in first:
            first[link.key] = link
            shape = url_shape(link.url)
            groups.setdefault(shape.key, ShapeVerdict(shape=shape)).keys.append(link.key)
            shapes[link.key] = shape
        if len(words_of(link.text)) > len(words_of(texts.get(link.key, ""))):
            texts[link.key] = link.text
        chrome[link.key] = chrome.get(link.key, True) and link.chrome
    chrome_only = {k for k, only in chrome.items() if only}

    taken: set[str] = set()
    for shape_key, verdict in groups.items():
        _score(verdict, shapes, texts, chrome_only)
        known, refused = article_shapes.get(shape_key, 0), other_shapes.get(shape_key, 0)
        if known > refused:
            verdict.accepted, verdict.reason = True, f"shape of {known} known article(s); " + verdict.reason
        elif refused > known:
            verdict.accepted, verdict.reason = False, f"shape of {refused} known non-article(s); " + verdict.reason
        for key in verdict.keys:
            if key in other_keys:
                continue
            if key in article_keys or (
                verdict.accepted and not shapes[key].file and _headline_like(shapes[key], texts.get(key, ""))
            ):
                taken.add(key)
    urls = [first[k].url for k in first if k in taken]
    return ArticleLinks(urls=urls, keys=taken, verdicts=sorted(groups.values(), key=lambda v: -v.score))


def article_links(
    html: str | bytes,
    base_url: str,
    *,
    known_articles: Iterable[str] = (),
    known_other: Iterable[str] = (),
    hosts: Iterable[str] = (),
) -> list[str]:
    """The article links of a homepage or section page, resolved, without fragments, one per page, in page order."""
    page = parse_listing(html, base_url)
    return find_article_links(page, known_articles=known_articles, known_other=known_other, hosts=hosts).urls
