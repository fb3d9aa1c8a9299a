"""Outlet catalogues: the built-in list of real outlets, and registering outlets as Sources and Feeds.

A catalogue (``khabar/sources/data/outlets.json``, or a file of the same shape) lists outlets::

    {"outlets": [{"slug", "name", "homepage", "weight", "kind": "agency|newspaper|news-site|sports|economy|tech|abroad",
                  "feeds": [{"url", "category": slug|null, "evidence": {"date": "YYYY-MM-DD", "kind", "ref"}}],
                  "news_sitemaps": [{"url", "evidence"}],          (optional)
                  "listing_pages": [{"url", "category"}],          (optional: section pages of a feedless outlet)
                  "evidence": {"date", "kind", "ref"}}]}           (for the homepage)

Everything but ``slug``, ``name`` and ``homepage`` may be left out. An outlet with nothing to
crawl is discovered from its homepage by the crawler (``crawler/discovery.py``).
``register_discovered`` stores what a discovery planned (``khabar sources add``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.listing_page import site_host
from khabar.sources.models import DEFAULT_CATEGORIES, OUTLET_KINDS, Category, Feed, Source, UrlChange

if TYPE_CHECKING:
    from khabar.pipeline.discovery import DiscoveryReport

BUILTIN_OUTLETS = Path(__file__).with_name("data") / "outlets.json"
CATEGORY_SLUGS = frozenset(slug for slug, _ in DEFAULT_CATEGORIES)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Evidence:
    """Why a URL is believed right: when it was seen working, how (a check, another project's list…), where."""

    date: str
    kind: str
    ref: str = ""


@dataclass
class FeedSpec:
    url: str
    category: str | None = None
    kind: str = "rss"  # "rss", "news_sitemap" or "listing" (Feed.kind)
    evidence: Evidence | None = None


@dataclass
class OutletSpec:
    slug: str
    name: str
    homepage: str = ""
    weight: float = 1.0
    feeds: list[FeedSpec] = field(default_factory=list)  # feeds, news sitemaps and listing pages, by kind
    kind: str = ""  # agency, newspaper, … (OUTLET_KINDS)
    evidence: Evidence | None = None


class CatalogError(ValueError):
    pass


def _evidence(data, where: str) -> Evidence | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not _DATE.match(str(data.get("date", ""))) or not data.get("kind"):
        raise CatalogError(f"{where}: evidence needs a date (YYYY-MM-DD) and a kind, got {data!r}")
    return Evidence(str(data["date"]), str(data["kind"]), str(data.get("ref", "")))


def _entry(data, kind: str, where: str) -> FeedSpec:
    if not isinstance(data, dict) or not is_http_url(str(data.get("url", ""))):
        raise CatalogError(f"{where}: an entry needs an http(s) url, got {data!r}")
    category = data.get("category")
    if category is not None and category not in CATEGORY_SLUGS:
        raise CatalogError(f"{where}: unknown category {category!r}; known: {', '.join(sorted(CATEGORY_SLUGS))}")
    return FeedSpec(data["url"], category, kind, _evidence(data.get("evidence"), where))


def parse_outlet(data: dict) -> OutletSpec:
    where = f"outlet {data.get('slug', '?')!r}" if isinstance(data, dict) else "outlet"
    if not isinstance(data, dict) or not data.get("slug") or not data.get("name"):
        raise CatalogError(f"{where}: slug and name are required")
    homepage = data.get("homepage", "")
    if homepage and not is_http_url(homepage):
        raise CatalogError(f"{where}: homepage is not an http(s) URL: {homepage!r}")
    kind = data.get("kind", "")
    if kind and kind not in dict(OUTLET_KINDS):
        raise CatalogError(f"{where}: unknown kind {kind!r}; known: {', '.join(k for k, _ in OUTLET_KINDS)}")
    entries = [
        _entry(item, entry_kind, f"{where}, {key}")
        for key, entry_kind in (("feeds", "rss"), ("news_sitemaps", "news_sitemap"), ("listing_pages", "listing"))
        for item in data.get(key) or []
    ]
    return OutletSpec(
        slug=data["slug"],
        name=data["name"],
        homepage=homepage,
        weight=float(data.get("weight", 1.0)),
        feeds=entries,
        kind=kind,
        evidence=_evidence(data.get("evidence"), where),
    )


def load_catalog(path: Path = BUILTIN_OUTLETS) -> list[OutletSpec]:
    """The outlets of a catalogue file; ``CatalogError`` (a ValueError) names the first bad entry."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    outlets = [parse_outlet(o) for o in data["outlets"]]
    slugs = [o.slug for o in outlets]
    if len(set(slugs)) != len(slugs):
        raise CatalogError(f"slugs repeated: {sorted({s for s in slugs if slugs.count(s) > 1})}")
    return outlets


@dataclass
class RegisterResult:
    sources: int = 0
    feeds: int = 0


def moved_away(url: str, what: str = "feed") -> bool:
    """The crawler moved this address (a feed healed, a domain followed): a catalogue's old URL stays retired."""
    return UrlChange.objects.filter(old_url=url, what=what).exists()


def register_outlets(outlets: list[OutletSpec], *, check_interval: int | None = None) -> RegisterResult:
    """Create or update Sources and Feeds for ``outlets``. Running it twice changes nothing.

    A feed or homepage the crawler has since moved (``UrlChange``) is not put back.
    """
    result = RegisterResult()
    categories = {c.slug: c for c in Category.objects.all()}
    with transaction.atomic():
        for outlet in outlets:
            defaults = {"name": outlet.name, "weight": outlet.weight, "kind": outlet.kind}
            if not moved_away(outlet.homepage, "homepage"):
                defaults["homepage"] = outlet.homepage
            source, created = Source.objects.update_or_create(
                slug=outlet.slug, defaults=defaults, create_defaults={**defaults, "homepage": outlet.homepage}
            )
            result.sources += created
            for spec in outlet.feeds:
                if moved_away(spec.url):
                    continue
                defaults = {"source": source, "category": categories.get(spec.category or ""), "kind": spec.kind}
                if check_interval is not None:
                    defaults["check_interval"] = check_interval
                _, created = Feed.objects.update_or_create(url=spec.url, defaults=defaults)
                result.feeds += created
    return result


def slug_for_host(host: str) -> str:
    return slugify(host.removeprefix("www.").replace(".", "-"))[:100] or "source"


def _check_category(category: str | None) -> None:
    if category and not Category.objects.filter(slug=category).exists():
        known = ", ".join(Category.objects.values_list("slug", flat=True))
        raise ValueError(f"unknown category {category!r}; known: {known}")


MAX_URL_LENGTH = 1000  # Feed.url, Source.homepage

_url_validator = URLValidator(schemes=["http", "https"])


def check_url(url: str) -> str:
    """``url`` if an operator may register it (Django's URLValidator, a real port, at most
    MAX_URL_LENGTH characters); else ``ValueError`` saying why."""
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"URL too long ({len(url):,} characters; at most {MAX_URL_LENGTH:,})")
    try:
        _url_validator(url)
        urlsplit(url).port  # noqa: B018 - raises ValueError on a port out of 0-65535
    except (ValidationError, ValueError):
        raise ValueError(f"not a valid http(s) URL: {url[:200]!r}") from None
    return url


def add_feed(url: str, *, name: str | None = None, category: str | None = None) -> Feed:
    """Add one feed URL as it is, without discovery; its Source is made from the host if new."""
    check_url(url)
    parts = urlsplit(url)
    _check_category(category)
    host = parts.hostname or parts.netloc
    source, _ = Source.objects.get_or_create(
        slug=slug_for_host(host), defaults={"name": name or host, "homepage": f"{parts.scheme}://{parts.netloc}/"}
    )
    feed, _ = Feed.objects.get_or_create(
        url=url,
        defaults={"source": source, "category": Category.objects.filter(slug=category).first() if category else None},
    )
    return feed


def source_for_site(homepage: str) -> Source | None:
    """The registered outlet whose homepage is on the same site (``www.`` aside)."""
    host = site_host(homepage)
    for source in Source.objects.exclude(homepage=""):
        if site_host(source.homepage) == host:
            return source
    return None


def register_discovered(
    report: DiscoveryReport, *, name: str | None = None, category: str | None = None
) -> tuple[Source, list[Feed]]:
    """Store what a discovery plans to crawl (``khabar sources add``): the outlet and its new feeds.

    The outlet is the registered one of the same site if there is one, else a new Source named
    ``name`` (default: the site's own name). ``category`` applies to every planned entry.
    Returns the source and the feeds created (those already registered are left as they are).
    """
    if report.error:
        raise ValueError(f"nothing to register: {report.url} could not be read ({report.error})")
    if not report.plan:
        raise ValueError(f"nothing to register: no feed, news sitemap or article links found at {report.url}")
    _check_category(category)
    categories = {c.slug: c for c in Category.objects.all()}
    homepage = report.homepage or report.url
    created: list[Feed] = []
    with transaction.atomic():
        source = source_for_site(homepage)
        if source is None:
            host = site_host(homepage)
            slug = slug_for_host(host)
            source = Source.objects.filter(slug=slug).first() or Source.objects.create(
                slug=slug, name=(name or report.site_name or host)[:200], homepage=homepage
            )
        for entry in report.plan:
            feed, is_new = Feed.objects.get_or_create(
                url=entry.url,
                defaults={
                    "source": source,
                    "kind": entry.kind,
                    "category": categories.get(category or entry.category or ""),
                },
            )
            if is_new:
                created.append(feed)
        source.discovered_at = timezone.now()
        source.discovery_note = (
            f"discovered: {len(report.plan)} to crawl ({', '.join(sorted({e.kind for e in report.plan}))})"
        )
        source.save(update_fields=["discovered_at", "discovery_note"])
    return source, created
