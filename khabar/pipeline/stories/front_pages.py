"""Which articles a homepage gives prominence to, most prominent first, without per-site rules.

:func:`prominent_links` reads a homepage the way its editors built it:

1. Only article links count (:mod:`khabar.pipeline.listing_links`, which also
   takes what the crawler learned about the site), and none in the site's
   chrome: menus, footer, tickers and marquees, sidebars, ads, most-read lists.
2. What a page declares outright comes first: blocks marked
   ``data-slot="lead"``; a JSON-LD ``ItemList`` of a few items (its positions);
   the image map of an e-paper front page (its areas, in map order).
3. Then every article item (the largest element around a link that holds no
   other article) is put in a tier: *featured* (one of the first items of the
   page, in a block named like a lead block — ``hero``, ``slider``,
   ``carousel``, ``top-news``, ``first_box``, ``feature``, ``main-news``... —
   or with an ``h1``/``h2`` headline or a big image, and with an image,
   headline or teaser), *rich* (an image, an ``h1``-``h4`` headline or a teaser
   paragraph), *plain*. Within a tier, page order: what comes first in the main
   column is what the editors put on top.

A page with fewer than three article links, or whose best item is a plain link,
has no discernible lead: the result is empty rather than noise.

:func:`lead_links` is the older reader of explicit markers only (``data-slot``
and a few class names), kept as the baseline of ``bench/homepages/evaluate.py``;
the crawler's homepage job uses :func:`prominent_links` through
:mod:`khabar.pipeline.stories.lead_slots`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.listing_links import find_article_links
from khabar.pipeline.listing_page import (
    ListingPage,
    PageLink,
    ancestors,
    class_words,
    element_text,
    link_key,
    parse_listing,
    resolve_href,
)

__all__ = ["LEAD_CLASSES", "MAX_LEADS", "lead_links", "prominent_links", "rank_prominence"]

LEAD_CLASSES = frozenset({"lead", "top-news", "topnews", "main-news", "lead-news", "headline", "top-story"})
MAX_LEADS = 10
MIN_ARTICLE_LINKS = 3  # fewer article links than this: not a front page with a ranking
FEATURED_WINDOW = 10  # only the page's first items can be "featured"
ITEM_LIMIT = 8  # how far up from a link its item box is looked for
MAX_ITEMLIST = 12  # a longer JSON-LD ItemList is a listing, not the top slots
# Class/id words (see class_words) of blocks that hold the lead and the top slots.
FEATURED_WORDS = frozenset(
    "hero slider slideshow carousel swiper slides slide fslide fslides topnews topstory topstories firstbox "
    "firstnews newsfirst leadnews leadstory lead mainnews newsmain mainstory feature featured spotlight headstory "
    "bignews newsbig newstop".split()
)
# ... and of blocks whose links are not the editors' ranking.
EXCLUDED_WORDS = frozenset(
    "ticker newsticker marquee scroller sidebar ad ads adv advert advertise advertisement advertising tabligh "
    "popular mostviewed mostvisited mostread mostcommented related share sharing social".split()
)
EXCLUDED_TAGS = frozenset({"aside", "marquee"})
_SIZE_RE = re.compile(r"(\d{2,5})")
_STYLE_SIZE_RE = re.compile(r"(width|height)\s*:\s*(\d{2,5})px", re.I)
_BACKGROUND_IMAGE_RE = re.compile(r"background(?:-image)?\s*:[^;]*url\(", re.I)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass
class _Item:
    key: str
    url: str
    order: int
    tier: int  # 0 featured, 1 rich, 2 plain


def _excluded(link: PageLink) -> bool:
    if link.chrome:
        return True
    for node in ancestors(link.element):
        if node.tag in EXCLUDED_TAGS:
            return True
        if class_words(node) & EXCLUDED_WORDS:
            return True
    return False


def _featured_block(element) -> bool:
    for node in ancestors(element):
        if class_words(node) & FEATURED_WORDS:
            return True
    return False


def _number(value: str | None) -> int:
    match = _SIZE_RE.search(value or "")
    return int(match.group(1)) if match else 0


def _big_image(image) -> bool:
    sizes = {"width": _number(image.get("width")), "height": _number(image.get("height"))}
    for name, value in _STYLE_SIZE_RE.findall(image.get("style") or ""):
        sizes[name.lower()] = max(sizes[name.lower()], int(value))
    return sizes["width"] >= 300 or sizes["height"] >= 200 or bool(class_words(image) & {"big", "large"})


def _item_boxes(links: list[PageLink]) -> dict[int, object]:
    """For each article link (by page order): the largest ancestor holding no other article."""
    keys_under: dict[object, set[str]] = {}
    for link in links:
        for node in ancestors(link.element, ITEM_LIMIT):
            held = keys_under.setdefault(node, set())
            if len(held) < 2:
                held.add(link.key)
    boxes = {}
    for link in links:
        box = link.element
        for node in ancestors(link.element, ITEM_LIMIT):
            if len(keys_under.get(node, ())) > 1:
                break
            box = node
        boxes[link.order] = box
    return boxes


def _own_heading(link: PageLink) -> int:
    """Level of the headline the link is in or holds (9: none)."""
    for node in ancestors(link.element, 3):
        if node.tag in _HEADINGS:
            return _HEADINGS[node.tag]
    level = 9
    for visited, node in enumerate(link.element.iter()):
        if visited > 50:
            break
        if node.tag in _HEADINGS:
            level = min(level, _HEADINGS[node.tag])
    return level


def _item_features(box, text: str) -> tuple[bool, bool, bool]:
    """(has image, has big image, has teaser text) of an item box whose headline is ``text``."""
    image = big = False
    for visited, node in enumerate(box.iter()):
        if visited > 250:
            break
        if node.tag == "img":
            image = True
            big = big or _big_image(node)
        elif node.tag in ("picture", "video") or _BACKGROUND_IMAGE_RE.search(node.get("style") or ""):
            image = True  # also lazy sliders: <div style="background-image: url(...)">
        elif node.get("data-bg") or node.get("data-background"):
            image = True
    teaser = len(element_text(box, 600)) - len(text) >= 80
    return image, big, teaser


def _json_ld_item_list(page: ListingPage) -> list[str]:
    """URLs of the page's first JSON-LD ItemList, by position (empty when it is long)."""
    for script in page.root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > 200_000:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        for node in data if isinstance(data, list) else [data]:
            if not isinstance(node, dict) or node.get("@type") != "ItemList":
                continue
            elements = node.get("itemListElement")
            if not isinstance(elements, list) or len(elements) > MAX_ITEMLIST:
                continue
            ranked = []
            for index, element in enumerate(elements):
                if not isinstance(element, dict):
                    continue
                url = element.get("url") or element.get("@id")
                if not url and isinstance(element.get("item"), dict):
                    url = element["item"].get("url") or element["item"].get("@id")
                position = element.get("position")
                position = position if isinstance(position, int | float) else index + 1
                if isinstance(url, str):
                    ranked.append((position, index, url))
            return [url for _, _, url in sorted(ranked)]
    return []


def _image_map_links(page: ListingPage, article: set[str]) -> list[PageLink]:
    """The article areas of the first image map an image uses (an e-paper front page), in map order."""
    used = {(img.get("usemap") or "").lstrip("#").strip().lower() for img in page.root.iter("img") if img.get("usemap")}
    by_map: dict[object, list[PageLink]] = {}
    for link in page.links:
        if link.element.tag == "area" and link.key in article:
            parent = link.element.getparent()
            while parent is not None and parent.tag != "map":
                parent = parent.getparent()
            if parent is not None and (parent.get("name") or parent.get("id") or "").strip().lower() in used:
                by_map.setdefault(parent, []).append(link)
    for links in by_map.values():
        if len({link.key for link in links}) >= 2:
            return links
    return []


def rank_prominence(page: ListingPage, article_keys: set[str]) -> list[str]:
    """Article URLs of a parsed homepage, most prominent first (see the module docstring)."""
    if page.root is None or len(article_keys) < MIN_ARTICLE_LINKS:
        return []
    links = [link for link in page.links if link.key in article_keys]
    url_of: dict[str, str] = {}
    for link in links:
        url_of.setdefault(link.key, link.url)
    ranked: list[str] = []  # keys

    declared = [link.key for link in links if any(n.get("data-slot") == "lead" for n in ancestors(link.element))]
    declared += [link_key(u) for u in (resolve_href(u, page.base_url) for u in _json_ld_item_list(page)) if u]
    declared = [k for k in declared if k in article_keys]
    if len(set(declared)) < 2:
        declared = []
    declared += [link.key for link in _image_map_links(page, article_keys)]
    ranked.extend(dict.fromkeys(declared))

    candidates = [link for link in links if not _excluded(link) and link.element.tag == "a"]
    boxes = _item_boxes(candidates)
    headings: dict[int, int] = {}  # id(box) -> best heading level of its links
    for link in candidates:
        box_id = id(boxes[link.order])
        headings[box_id] = min(headings.get(box_id, 9), _own_heading(link))
    first_seen: dict[str, int] = {}
    items: dict[str, _Item] = {}
    for link in candidates:
        first_seen.setdefault(link.key, len(first_seen))
        if link.key in items and items[link.key].tier == 0:
            continue
        box = boxes[link.order]
        image, big, teaser = _item_features(box, link.text)
        heading = headings[id(box)]
        rich = image or heading <= 4 or teaser
        strong = heading <= 2 or big
        early = first_seen[link.key] < FEATURED_WINDOW
        featured = early and ((rich and _featured_block(link.element)) or (strong and (image or teaser)))
        tier = 0 if featured else 1 if rich else 2
        if link.key not in items or tier < items[link.key].tier:
            items[link.key] = _Item(link.key, link.url, link.order, tier)
    ordered = sorted(items.values(), key=lambda item: (item.tier, item.order))
    if not ranked and (not ordered or ordered[0].tier == 2):
        return []  # only plain lists: no discernible lead
    ranked.extend(item.key for item in ordered)
    return [url_of[key] for key in dict.fromkeys(ranked)]


def prominent_links(
    html: str | bytes,
    base_url: str,
    *,
    known_articles: Iterable[str] = (),
    known_other: Iterable[str] = (),
    hosts: Iterable[str] = (),
    limit: int = MAX_LEADS,
) -> list[str]:
    """The article links a homepage gives prominence to, most prominent first (at most ``limit``).

    The keyword arguments are those of :func:`khabar.pipeline.listing_links.find_article_links`.
    """
    page = parse_listing(html, base_url)
    found = find_article_links(page, known_articles=known_articles, known_other=known_other, hosts=hosts)
    return rank_prominence(page, found.keys)[: max(0, limit)]


def lead_links(html: str | bytes, base_url: str) -> list[str]:
    """Absolute http(s) URLs in blocks marked ``data-slot="lead"`` or with a lead class, page order, no repeats."""
    page = parse_listing(html, base_url)
    found: list[str] = []
    for link in page.links:
        if link.element.tag == "a" and is_http_url(link.url) and link.url not in found:
            for node in ancestors(link.element, 40):
                classes = set((node.get("class") or "").lower().split())
                if (node.get("data-slot") or "").lower() == "lead" or classes & LEAD_CLASSES:
                    found.append(link.url)
                    break
    return found[:MAX_LEADS]
