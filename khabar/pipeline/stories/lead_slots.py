"""Which stored articles a homepage puts in its lead and top slots, slot by slot.

The homepage job reads each outlet's homepage and asks
:func:`khabar.pipeline.stories.front_pages.prominent_links` which article links
it gives prominence to, most prominent first. Those links are the page's, not
the crawler's: relative or on another host of the outlet (``m.``, an old
domain, ``http`` for ``https``), with tracking parameters, or an e-paper's
``JavaScript:ShowNews(99082)`` pseudo-link. :func:`stored_lead_slots` maps them
to the outlet's stored article URLs (which are ``canonical_url``-ed by the
pipeline), most certain way first:

1. the same canonical URL;
2. the same page whatever the scheme and ``www.`` (``link_key``);
3. the same path and query on another host of the outlet, when only one stored
   article has them and the path is not the site's root;
4. a ``ShowNews(ID)`` item link: the one stored article whose URL carries ID as a
   whole number (``/Newspaper/Item/99082``, ``?newsid=99082``).

A slot is the link's place in the prominence order: the lead is slot 1, the
top slots 2..n, even when a slot above is not a stored article (the sixth slot
stays the sixth). A page without a discernible lead gives no slot at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from khabar.pipeline.collect import canonical_url
from khabar.pipeline.listing_page import JS_ITEM_RE, link_key, site_host
from khabar.pipeline.stories.front_pages import prominent_links

__all__ = ["TOP_SLOTS", "LeadSlot", "StoredArticles", "stored_lead_slots"]

TOP_SLOTS = 6  # the lead and the five slots after it
_NUMBER_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class LeadSlot:
    slot: int  # 1 = the lead
    url: str  # the stored article's URL


def _path_key(url: str) -> str:
    key = link_key(url)
    host = site_host(url)
    return key[len(host) :] if key.startswith(host) else key


class StoredArticles:
    """The outlet's stored article URLs, indexed for the matching rules of the module docstring."""

    def __init__(self, urls: Iterable[str]):
        self.urls: list[str] = []
        self.exact: set[str] = set()
        self.by_key: dict[str, str] = {}
        by_path: dict[str, list[str]] = {}
        by_number: dict[int, list[str]] = {}
        for url in urls:
            if not isinstance(url, str) or not url:
                continue
            self.urls.append(url)
            self.exact.add(url)
            self.by_key.setdefault(link_key(url), url)
            by_path.setdefault(_path_key(url), []).append(url)
            try:
                parts = urlsplit(url)
            except ValueError:
                continue
            for number in {int(n) for n in _NUMBER_RE.findall(f"{parts.path}?{parts.query}") if len(n) <= 12}:
                by_number.setdefault(number, []).append(url)
        self.by_path = {k: v[0] for k, v in by_path.items() if len(v) == 1 and k not in ("?", "/?")}
        self.by_number = {k: v[0] for k, v in by_number.items() if len(v) == 1}

    @property
    def hosts(self) -> set[str]:
        return {site_host(u) for u in self.urls} - {""}

    def match(self, link: str) -> str | None:
        """The stored article ``link`` (a URL as the homepage gives it) points to, if any."""
        js = JS_ITEM_RE.match(link)
        if js:
            return self.by_number.get(int(js.group(2)))
        try:
            url = canonical_url(link)
        except ValueError:
            return None
        if url in self.exact:
            return url
        return self.by_key.get(link_key(url)) or self.by_path.get(_path_key(url))


def stored_lead_slots(
    html: str | bytes, base_url: str, stored: StoredArticles | Iterable[str], *, top: int = TOP_SLOTS
) -> list[LeadSlot]:
    """The stored articles in the homepage's lead and top slots (slot 1 = lead), one slot per article."""
    if not isinstance(stored, StoredArticles):
        stored = StoredArticles(stored)
    links = prominent_links(html, base_url, known_articles=stored.urls, hosts=stored.hosts, limit=top)
    slots: list[LeadSlot] = []
    seen: set[str] = set()
    for position, link in enumerate(links, 1):
        url = stored.match(link)
        if url and url not in seen:
            seen.add(url)
            slots.append(LeadSlot(position, url))
    return slots
