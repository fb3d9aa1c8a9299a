"""Scoring article-link finding and prominence against annotated homepages (``expected.json``).

The truth is computed with the annotation's own counting rules (the README of
``../shared/data/homepages``), independently of Khabar's parser: every ``href`` of
``<a>``/``<area>`` seen by the standard library's tokenizer (so nothing inside
comments, nothing lost to a parser's tree repairs), HTML-unescaped and stripped,
resolved against ``page_base_url`` without the fragment (``javascript:`` links as
they are), kept when ``article_url_pattern`` matches, made distinct by
:func:`same_page_key`. Used by ``bench/homepages/evaluate.py`` and by the tests
(on the copies in ``tests/fixtures/homepages``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urljoin, urlsplit

from khabar.pipeline.listing_links import article_links
from khabar.pipeline.stories.front_pages import prominent_links

_JS_ID_RE = re.compile(r"^javascript:.*?\(\s*['\"]?(\d+)", re.I)
TOP_WINDOW = 6  # top slots are looked for in the first six prominent links


def same_page_key(url: str) -> str:
    """The annotation's sameness rule: host without www., decoded path without trailing /, query; JS: the id."""
    js = _JS_ID_RE.match(url.strip())
    if js:
        return f"js:{int(js.group(1))}"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{unquote_plus(parts.path).rstrip('/')}?{parts.query}"


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "area"):
            self.hrefs.extend(value for name, value in attrs if name == "href" and value is not None)

    handle_startendtag = handle_starttag


def true_article_keys(html: str, entry: dict) -> set[str]:
    parser = _Hrefs()
    parser.feed(html)
    parser.close()
    pattern = re.compile(entry["article_url_pattern"])
    keys = set()
    for href in parser.hrefs:
        href = href.strip()
        url = href if href.lower().startswith("javascript:") else urljoin(entry["page_base_url"], href).split("#")[0]
        if pattern.search(url):
            keys.add(same_page_key(url))
    return keys


@dataclass
class PageScore:
    domain: str
    true_links: int
    found_links: int
    recall: float
    precision: float
    has_lead: bool
    lead_first: bool  # the annotated lead printed first (or, without a lead, nothing printed)
    first_prominent: str
    top_slots: int
    top_hits: int  # annotated top slots among the first TOP_WINDOW prominent links


def score_page(html: str, entry: dict) -> PageScore:
    truth = true_article_keys(html, entry)
    found = {same_page_key(u) for u in article_links(html, entry["page_base_url"])}
    hits = len(found & truth)
    ranked = prominent_links(html, entry["page_base_url"])
    lead = entry.get("lead")
    if lead:
        lead_first = bool(ranked) and same_page_key(ranked[0]) == same_page_key(lead["url"])
    else:
        lead_first = not ranked
    window = {same_page_key(u) for u in ranked[:TOP_WINDOW]}
    slots = [same_page_key(s["url"]) for s in entry.get("top_slots") or []]
    return PageScore(
        domain=entry["domain"],
        true_links=len(truth),
        found_links=len(found),
        recall=hits / len(truth) if truth else 1.0,
        precision=hits / len(found) if found else 1.0,
        has_lead=bool(lead),
        lead_first=lead_first,
        first_prominent=ranked[0] if ranked else "",
        top_slots=len(slots),
        top_hits=sum(1 for s in slots if s in window),
    )
