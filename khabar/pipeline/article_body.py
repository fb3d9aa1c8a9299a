"""The article body as a tree: find it, clean it, turn it into sanitized HTML.

Helpers for :mod:`khabar.pipeline.extract`, working on lxml elements:

- :func:`rule_body` takes the body container a site rule names (with the rule's
  ``remove`` XPaths, boilerplate classes and non-content tags dropped);
  :func:`trafilatura_body` converts trafilatura's body to HTML otherwise;
- :func:`collapse_whitespace` removes source formatting (not inside ``<pre>``);
- :func:`drop_leading_repeats` drops the title or lead repeated at the top;
- :func:`fragment_html` makes links absolute and returns sanitized HTML.

Plain Python, no Django import.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable

import lxml.etree
import lxml.html
from trafilatura.htmlprocessing import convert_to_html

from khabar.pipeline.page_metadata import squash, xpath_values
from khabar.pipeline.persian import normalize_display
from khabar.pipeline.sanitize import sanitize_html
from khabar.pipeline.site_rules import SiteRule

__all__ = [
    "collapse_whitespace",
    "drop_leading_repeats",
    "fragment_html",
    "rule_body",
    "same_text",
    "trafilatura_body",
]

logger = logging.getLogger(__name__)

_WS_RE = re.compile(r"\s+")
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "svg",
    "object",
    "embed",
    "nav",
    "aside",
)

# Inside a rule's body container, blocks with these classes are never article text.
_BOILERPLATE_XPATH = "|".join(
    f".//*[contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{word}')]"
    for word in ("related", "readmore", "read-more", "comment", "share", "social", "advert", "banner")
)


def same_text(a: str, b: str) -> bool:
    """Equal as text a reader sees (display-normalized, spaces and end punctuation ignored)."""
    if not a or not b:
        return False
    strip = " .:؛;،,!؟?-–—|"
    return squash(normalize_display(a)).strip(strip) == squash(normalize_display(b)).strip(strip)


def collapse_whitespace(root) -> None:
    """Source formatting (newlines, indentation) is not text: collapse it, except in <pre>."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        inside_pre = element.tag == "pre" or any(a.tag == "pre" for a in element.iterancestors())
        if not inside_pre and element.text:
            element.text = _WS_RE.sub(" ", element.text)
        if element.tail and not (element.getparent() is not None and element.getparent().tag == "pre"):
            element.tail = _WS_RE.sub(" ", element.tail)


def _clean_body(element, remove: Iterable[str]) -> None:
    for expression in remove:
        for node in xpath_values(element, expression):
            if isinstance(node, lxml.etree._Element) and node is not element:
                node.drop_tree()
    for node in xpath_values(element, _BOILERPLATE_XPATH):
        if isinstance(node, lxml.etree._Element) and node is not element:
            node.drop_tree()
    for node in list(element.iter(*_DROP_TAGS)):
        if node is not element:
            node.drop_tree()
    for node in list(element.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        node.drop_tree()


_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "table",
    "blockquote",
    "figure",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "address",
    "details",
    "main",
}
_MAX_PREAMBLE_BLOCK = 150  # a kicker, dateline or breadcrumb before a repeated title is shorter than this


def _wrap_loose_text(root) -> None:
    """Put text and inline elements lying directly in ``root`` into <p> blocks."""
    children = [c for c in root if isinstance(c.tag, str)]
    loose = (root.text or "").strip() or any(c.tag not in _BLOCK_TAGS or (c.tail or "").strip() for c in children)
    if not loose:
        return
    text, root.text = root.text, None
    for child in list(root):
        root.remove(child)  # lxml moves the tail along with the element
    paragraph = None

    def current():
        nonlocal paragraph
        if paragraph is None:
            paragraph = lxml.html.Element("p")
            root.append(paragraph)
        return paragraph

    def add_text(value):
        if not value or not value.strip():
            return
        p = current()
        if len(p):
            p[-1].tail = (p[-1].tail or "") + value
        else:
            p.text = (p.text or "") + value

    add_text(text)
    for child in children:
        tail, child.tail = child.tail, None
        if child.tag in _BLOCK_TAGS:
            paragraph = None
            root.append(child)
        else:
            current().append(child)
        add_text(tail)


def drop_leading_repeats(root, repeats: list[str]) -> None:
    """Remove the title or lead repeated at the top of the body, with what precedes it.

    Only short blocks (kicker, dateline, breadcrumbs) and empty ones may precede the
    repeat; real content (a long paragraph, an image) stops the search.
    """
    repeats = [r for r in repeats if r]
    _wrap_loose_text(root)
    blocks = [c for c in root if isinstance(c.tag, str)]
    last = -1
    for index, block in enumerate(blocks[:8]):
        text = squash(block.text_content())
        has_image = block.tag == "img" or bool(block.xpath(".//img"))
        if not text and not has_image:
            continue
        if text and any(same_text(text, r) for r in repeats):
            last = index
            continue
        if has_image or len(text) > _MAX_PREAMBLE_BLOCK:
            break
    for block in blocks[: last + 1]:
        block.drop_tree()
    # Empty blocks left at the top are just noise.
    for block in [c for c in root if isinstance(c.tag, str)]:
        if squash(block.text_content()) or block.tag == "img" or block.xpath(".//img"):
            break
        block.drop_tree()


def fragment_html(root, base_url: str) -> str:
    """The body tree as sanitized HTML, its relative links resolved against the page's URL."""
    parts = [lxml.html.tostring(child, encoding="unicode") for child in root if isinstance(child.tag, str)]
    inner = (root.text or "") + "".join(parts)
    return sanitize_html(inner, base_url)


def rule_body(tree, rule: SiteRule):
    for expression in rule.body:
        for node in xpath_values(tree, expression):
            if isinstance(node, lxml.etree._Element):
                body = copy.deepcopy(node)
                body.tail = None
                _clean_body(body, rule.remove)
                if squash(body.text_content()):
                    return body
    return None


def trafilatura_body(doc):
    if doc is None or getattr(doc, "body", None) is None:
        return None
    try:
        html_tree = convert_to_html(copy.deepcopy(doc.body))
        body = html_tree[0]
        fragment = lxml.html.fragment_fromstring(lxml.etree.tostring(body, encoding="unicode"), create_parent="div")
    except Exception:  # noqa: BLE001 - fall back to the plain text
        logger.debug("could not convert trafilatura's body to HTML", exc_info=True)
        return None
    # fragment is <div><body>...</body></div> or <div>...</div> depending on lxml: unwrap <body>.
    inner = fragment[0] if len(fragment) == 1 and fragment[0].tag == "body" else fragment
    inner.tag = "div"
    return inner
