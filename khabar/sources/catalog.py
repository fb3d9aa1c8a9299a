"""Outlet catalogues: the built-in list of real outlets, and registering outlets as Sources and Feeds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.text import slugify

from khabar.pipeline.http_urls import is_http_url
from khabar.sources.models import Category, Feed, Source

BUILTIN_OUTLETS = Path(__file__).with_name("data") / "outlets.json"


@dataclass
class FeedSpec:
    url: str
    category: str | None = None


@dataclass
class OutletSpec:
    slug: str
    name: str
    homepage: str = ""
    weight: float = 1.0
    feeds: list[FeedSpec] = field(default_factory=list)


def load_catalog(path: Path = BUILTIN_OUTLETS) -> list[OutletSpec]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        OutletSpec(
            slug=o["slug"],
            name=o["name"],
            homepage=o.get("homepage", ""),
            weight=float(o.get("weight", 1.0)),
            feeds=[FeedSpec(f["url"], f.get("category")) for f in o.get("feeds", [])],
        )
        for o in data["outlets"]
    ]


@dataclass
class RegisterResult:
    sources: int = 0
    feeds: int = 0


def register_outlets(outlets: list[OutletSpec], *, check_interval: int | None = None) -> RegisterResult:
    """Create or update Sources and Feeds for ``outlets``. Running it twice changes nothing."""
    result = RegisterResult()
    categories = {c.slug: c for c in Category.objects.all()}
    with transaction.atomic():
        for outlet in outlets:
            source, created = Source.objects.update_or_create(
                slug=outlet.slug, defaults={"name": outlet.name, "homepage": outlet.homepage, "weight": outlet.weight}
            )
            result.sources += created
            for spec in outlet.feeds:
                defaults = {"source": source, "category": categories.get(spec.category or "")}
                if check_interval is not None:
                    defaults["check_interval"] = check_interval
                _, created = Feed.objects.update_or_create(url=spec.url, defaults=defaults)
                result.feeds += created
    return result


def add_feed(url: str, *, name: str | None = None, category: str | None = None) -> Feed:
    """Add one feed URL (``khabar sources add``); its Source is made from the host if new."""
    if not is_http_url(url):
        raise ValueError(f"not an http(s) URL: {url!r}")
    parts = urlsplit(url)
    if category and not Category.objects.filter(slug=category).exists():
        known = ", ".join(Category.objects.values_list("slug", flat=True))
        raise ValueError(f"unknown category {category!r}; known: {known}")
    host = parts.hostname or parts.netloc
    slug = slugify(host.removeprefix("www.").replace(".", "-"))[:100] or "source"
    source, _ = Source.objects.get_or_create(
        slug=slug, defaults={"name": name or host, "homepage": f"{parts.scheme}://{parts.netloc}/"}
    )
    feed, _ = Feed.objects.get_or_create(
        url=url,
        defaults={"source": source, "category": Category.objects.filter(slug=category).first() if category else None},
    )
    return feed
