"""Body HTML sanitizing (nh3) and HTML-to-text, shared by every step."""

from __future__ import annotations

import html as html_lib
import re

import nh3

from khabar.pipeline.http_urls import is_http_url

ALLOWED_TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "blockquote",
    "q",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sub",
    "sup",
    "span",
    "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}

_BLOCK_RE = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr|figure|figcaption|section|article)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]+>")
# The tags _BLOCK_RE turns into line breaks, the only ones html_to_text lets nh3 keep.
_TEXT_TAGS = {"p", "div", "br", "li", "blockquote", "tr", "figure", "figcaption", "section", "article"}
_TEXT_TAGS |= {f"h{level}" for level in range(1, 7)}
_DROPPED_CONTENT = {"script", "style", "noscript", "template"}
_SPACES_RE = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS_RE = re.compile(r"\n\s*\n+")


def sanitize_html(fragment: str, base_url: str | None = None, *, tags=None, attributes=None, **options) -> str:
    """Return ``fragment`` with only harmless markup left: no scripts, styles, events or frames.

    Links get ``rel="noopener noreferrer nofollow"``; only http(s) and mailto URLs survive.
    Relative ``href``/``src`` values (``/a``, ``../a``, ``?p=2``, ``//host/a``) are resolved
    against ``base_url``, the page the fragment comes from, so they still work on our site;
    without a usable http(s) ``base_url`` they are kept as written.
    ``tags``/``attributes`` narrow the allowed markup (the site shows less than is stored);
    other keyword ``options`` go to ``nh3.clean``.
    """
    if not fragment:
        return ""
    options = {
        "tags": ALLOWED_TAGS if tags is None else tags,
        "attributes": ALLOWED_ATTRIBUTES if attributes is None else attributes,
        "url_schemes": {"http", "https", "mailto"},
        "link_rel": "noopener noreferrer nofollow",
        "strip_comments": True,
        **options,
    }
    if is_http_url(base_url):
        try:
            return nh3.clean(fragment, url_relative=("rewrite_with_base", base_url.strip()), **options).strip()
        except ValueError:  # a base urlsplit accepts but the WHATWG parser does not ("http://a b/")
            pass
    return nh3.clean(fragment, **options).strip()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph per line. ZWNJs are kept."""
    if not fragment:
        return ""
    # html5ever (nh3) first: linear on any input, and what it writes back has only plain tags
    # (no attributes, no scripts, every text "<" escaped), which the patterns below read in one pass.
    text = nh3.clean(fragment, tags=_TEXT_TAGS, attributes={}, clean_content_tags=_DROPPED_CONTENT, strip_comments=True)
    text = _BLOCK_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    # The only entities html5ever writes in text ("&amp;" last); str.replace, not html.unescape,
    # whose call per entity is slow on a text of thousands of "<".
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0").replace("&amp;", "&")
    text = _SPACES_RE.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANKS_RE.sub("\n", "\n".join(line for line in lines if line)).strip()


def text_to_html(text: str) -> str:
    """Paragraph HTML for plain text (each line a paragraph), escaped."""
    return "".join(f"<p>{html_lib.escape(line)}</p>" for line in text.split("\n") if line.strip())
