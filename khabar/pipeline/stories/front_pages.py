"""Which articles an outlet puts in the lead slots of its homepage.

Homepages mark their most prominent items in several ways; this reads the
explicit ones: any element with ``data-slot="lead"``, or whose class list has
one of the usual names of a lead block (``lead``, ``top-news``, ``main-news``,
``headline``…). The links inside such a block, in page order, are the outlet's
lead items. Plain data in and out (HTML text in, absolute URLs out).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from khabar.pipeline.http_urls import is_http_url

LEAD_CLASSES = frozenset({"lead", "top-news", "topnews", "main-news", "lead-news", "headline", "top-story"})
MAX_LEADS = 10
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _LeadParser(HTMLParser):
    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.stack: list[tuple[str, bool]] = []  # (tag, opens a lead block)
        self.depth_in_lead = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and self.depth_in_lead and a.get("href"):
            self.links.append(urljoin(self.base_url, a["href"]))
        if tag in _VOID:
            return
        classes = set((a.get("class") or "").lower().split())
        opens = a.get("data-slot", "").lower() == "lead" or bool(classes & LEAD_CLASSES)
        self.stack.append((tag, opens))
        self.depth_in_lead += opens

    def handle_endtag(self, tag):
        # Close up to the matching tag (tolerates unclosed elements).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, opens in self.stack[i:]:
                    self.depth_in_lead -= opens
                del self.stack[i:]
                return


def lead_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the homepage's lead items, in page order, without repeats (at most MAX_LEADS)."""
    parser = _LeadParser(base_url)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken page has no readable lead block
        return []
    seen: list[str] = []
    for url in parser.links:
        if is_http_url(url) and url not in seen:
            seen.append(url)
    return seen[:MAX_LEADS]
