"""A listing page (a homepage or a section page), parsed once: its links in page order, with their context.

The shared first step of :mod:`khabar.pipeline.listing_links` (which links are
articles) and :mod:`khabar.pipeline.stories.front_pages` (which of them the page
gives prominence to). Every ``<a href>`` and ``<area href>`` becomes a
:class:`PageLink`: its absolute URL without the fragment (a ``javascript:``
pseudo-link that opens an item by number, ``ShowNews(99082)``, is kept as
written), the key under which two links are the same page, its text, and whether
it sits in the site's chrome (navigation, menus, footer, breadcrumbs).

Hostile pages: the parse is lxml's (libxml2, linear); stray ``</html>``/``</body>``
end tags, after which libxml2 would drop the rest of the page (a CMS pasting a
whole document into a menu item does this), are removed first, as an HTML5 parser
would ignore them. Walks up the tree and through a link's text are capped, so the
work per link is bounded whatever the nesting. Never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from khabar.pipeline.decode import decode_html
from khabar.pipeline.http_urls import is_http_url

__all__ = [
    "ANCESTOR_LIMIT",
    "JS_ITEM_RE",
    "ListingPage",
    "PageLink",
    "ancestors",
    "class_tokens",
    "class_words",
    "element_text",
    "link_key",
    "parse_listing",
    "resolve_href",
    "site_host",
]

MAX_HREF = 4096  # longer hrefs are junk or an attack, never an article link
MAX_LINKS = 20_000  # a listing page with more links is cut there
MAX_TEXT = 400  # characters of a link's text that are read
ANCESTOR_LIMIT = 14  # how far up the tree a link's context is looked for
_STRAY_END_TAGS_RE = re.compile(r"</\s*(?:html|body)\s*>", re.I)
# A start tag this long may carry thousands of attributes, which libxml2 checks in quadratic time.
_LONG_TAG_RE = re.compile(r"<([A-Za-z][^\s<>/]{0,30})(\s[^<>]{4000,})>")
_ATTRIBUTE_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
MAX_ATTRIBUTES = 60
_USEFUL_ATTRIBUTES = frozenset({"href", "class", "id", "name", "src", "usemap", "alt", "title", "data-slot", "type"})
# ``javascript:ShowNews('99082');``: a script that opens one item by its number.
JS_ITEM_RE = re.compile(r"^javascript:\s*([A-Za-z_$][\w$.]{0,60})\s*\(\s*['\"]?(\d{1,12})['\"]?\s*\)\s*;?\s*$", re.I)
_WS_RE = re.compile(r"\s+")
_CLASS_PART_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Class or id tokens (lowercased, without separators) of the site's chrome.
_CHROME_PARTS = ("menu", "footer", "breadcrumb", "navbar", "navigation", "sitemap")
_CHROME_TAGS = frozenset({"nav", "footer"})


@dataclass(frozen=True)
class PageLink:
    url: str  # absolute, no fragment; a javascript: item link as written
    key: str  # two links with the same key are the same page (see link_key)
    text: str  # the link's text, else its title, else its image's alt
    order: int  # position among the page's links
    element: object = field(repr=False, compare=False)  # the lxml <a>/<area>
    chrome: bool = False  # inside navigation, a menu, the footer or breadcrumbs


@dataclass
class ListingPage:
    base_url: str
    host: str  # the page's host without "www."
    root: object | None  # the lxml document, None when nothing could be parsed
    links: list[PageLink]


def site_host(url: str) -> str:
    """Lower-case host of ``url`` without a leading ``www.`` (empty when there is none)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def link_key(url: str) -> str:
    """When two links are the same page: host without ``www.``, decoded path without a trailing
    ``/``, and query are equal; for a javascript: item link, the function and the number."""
    js = JS_ITEM_RE.match(url)
    if js:
        return f"js:{js.group(1).lower()}:{int(js.group(2))}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return f"{site_host(url)}{unquote_plus(parts.path).rstrip('/')}?{parts.query}"


def class_tokens(element) -> list[str]:
    """The element's class and id tokens, lowercased, with ``-``/``_`` removed (``top-news`` -> ``topnews``)."""
    get = getattr(element, "get", None)
    if get is None:
        return []
    raw = f"{get('class') or ''} {get('id') or ''}"[:1000]
    return [re.sub(r"[-_]", "", token) for token in raw.lower().split()]


def class_words(element) -> set[str]:
    """The words of the element's class and id tokens, and every run of up to three adjacent words joined.

    ``primary-hero-wrap`` gives hero (not ``vizhe_routitr``, which merely contains the
    letters), ``topNewsContainer`` and ``top_news`` give topnews, ``marquee1`` marquee.
    """
    get = getattr(element, "get", None)
    if get is None:
        return set()
    words: set[str] = set()
    for token in f"{get('class') or ''} {get('id') or ''}"[:1000].split()[:20]:
        parts = [p.lower() for p in _CLASS_PART_RE.findall(token)][:8]
        for start in range(len(parts)):
            for end in range(start + 1, min(start + 3, len(parts)) + 1):
                words.add("".join(parts[start:end]))
    return words


def ancestors(element, limit: int = ANCESTOR_LIMIT):
    """Up to ``limit`` ancestors of ``element``, nearest first, below ``<body>``."""
    node = element.getparent()
    while node is not None and limit > 0:
        if node.tag == "body" or node.getparent() is None:  # the page's classes are no context
            return
        yield node
        node = node.getparent()
        limit -= 1


def element_text(element, limit: int = MAX_TEXT) -> str:
    """Whitespace-squashed text of ``element``, reading at most about ``limit`` characters."""
    pieces: list[str] = []
    size = 0
    for visited, node in enumerate(element.iter()):
        if visited > 300 or size > limit:
            break
        inner = node is not element
        if node.text and not (inner and node.tag in ("script", "style")):
            pieces.append(node.text)
            size += len(node.text)
        if inner and node.tail:
            pieces.append(node.tail)
            size += len(node.tail)
    return _WS_RE.sub(" ", "".join(pieces)).strip()[:limit]


def _is_chrome(element) -> bool:
    for node in ancestors(element):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _CHROME_TAGS:
            return True
        if tag == "header" and not any(a.tag in ("article", "main") for a in ancestors(node, 6)):
            return True
        for token in class_tokens(node):
            if token == "nav" or token.endswith("nav") or any(part in token for part in _CHROME_PARTS):
                return True
    return False


def _link_text(element) -> str:
    text = element_text(element) if element.tag == "a" else ""
    if not text:
        text = (element.get("title") or element.get("alt") or "").strip()
    if not text and element.tag == "a":
        for image in element.iter("img"):
            text = (image.get("alt") or image.get("title") or "").strip()
            break
    return _WS_RE.sub(" ", text)[:MAX_TEXT]


def resolve_href(href: str, base: str) -> str:
    """``href`` as a link of a page at ``base``: absolute http(s) without fragment, a javascript: item link, or ""."""
    href = unescape(href).strip()
    if not href or len(href) > MAX_HREF:
        return ""
    if href[:11].lower() == "javascript:":
        return href if JS_ITEM_RE.match(href) else ""
    try:
        url = urljoin(base, href)
    except ValueError:
        return ""
    if not is_http_url(url):
        return ""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _tame_long_tag(match: re.Match) -> str:
    kept = []
    for number, attribute in enumerate(_ATTRIBUTE_RE.finditer(match.group(2))):
        if number < MAX_ATTRIBUTES or attribute.group(1).lower() in _USEFUL_ATTRIBUTES:
            kept.append(attribute.group(0))
    return f"<{match.group(1)} {' '.join(kept)}>"


def _parse(text: str):
    text = _LONG_TAG_RE.sub(_tame_long_tag, _STRAY_END_TAGS_RE.sub("", text))
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError, TypeError):
        return None


def parse_listing(html: str | bytes, base_url: str) -> ListingPage:
    """Parse a listing page once. ``html`` may be bytes (decoded like every fetched page) or text."""
    text = decode_html(html) if isinstance(html, bytes) else (html or "")
    base_url = (base_url or "").strip()
    root = _parse(text)
    page = ListingPage(base_url=base_url, host=site_host(base_url), root=root, links=[])
    if root is None:
        return page
    base = base_url
    for element in root.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            resolved = resolve_href(href, base_url)
            base = resolved or base
        break
    for element in root.iter("a", "area"):
        href = element.get("href")
        if href is None:
            continue
        url = resolve_href(href, base)
        if not url:
            continue
        page.links.append(
            PageLink(
                url=url,
                key=link_key(url),
                text=_link_text(element),
                order=len(page.links),
                element=element,
                chrome=_is_chrome(element),
            )
        )
        if len(page.links) >= MAX_LINKS:
            break
    return page
