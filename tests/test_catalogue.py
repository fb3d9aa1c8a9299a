"""The shipped catalogue of real outlets (``khabar/sources/data/outlets.json``): well-formed, evidenced, loadable.

Every URL in it (homepage, feed, news sitemap) must carry dated evidence with a public reference,
and ``docs/sources.md`` must show the same evidence, outlet by outlet.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from khabar.cli import main
from khabar.pipeline.persian import to_persian_digits as fa
from khabar.sources.catalog import BUILTIN_OUTLETS
from khabar.sources.models import DEFAULT_CATEGORIES, Feed, Source

CATALOGUE = json.loads(BUILTIN_OUTLETS.read_text(encoding="utf-8"))
OUTLETS = CATALOGUE["outlets"]
KINDS = {"agency", "newspaper", "news-site", "sports", "economy", "tech", "abroad"}
CATEGORY_SLUGS = {slug for slug, _ in DEFAULT_CATEGORIES}
DOCS = Path(__file__).resolve().parents[1] / "docs" / "sources.md"
EVIDENCE_SECTION = "## The built-in catalogue: evidence"
PERSIAN_LETTER = re.compile("[\u0622-\u063a\u0641-\u0642\u0644-\u0648\u067e\u0686\u0698\u06a9\u06af\u06cc]")


def evidenced_urls():
    """(outlet slug, role, url, evidence) for every URL of the catalogue."""
    for outlet in OUTLETS:
        yield outlet["slug"], "homepage", outlet["homepage"], outlet.get("evidence")
        for feed in outlet.get("feeds", []):
            yield outlet["slug"], "feed", feed["url"], feed.get("evidence")
        for sitemap in outlet.get("news_sitemaps", []):
            yield outlet["slug"], "news sitemap", sitemap["url"], sitemap.get("evidence")


def test_the_catalogue_has_at_least_50_outlets_of_every_kind():
    assert len(OUTLETS) >= 50
    kinds = [outlet.get("kind") for outlet in OUTLETS]
    assert set(kinds) <= KINDS, set(kinds) - KINDS
    assert set(kinds) == KINDS, f"no outlet of kind {KINDS - set(kinds)}"


def test_slugs_and_urls_are_unique():
    slugs = [outlet["slug"] for outlet in OUTLETS]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    urls = [url for _, _, url, _ in evidenced_urls()]
    assert len(urls) == len(set(urls)), sorted(url for url in urls if urls.count(url) > 1)
    homepage_hosts = [urlsplit(outlet["homepage"]).hostname for outlet in OUTLETS]
    assert len(homepage_hosts) == len(set(homepage_hosts))


@pytest.mark.parametrize(("slug", "role", "url"), [(s, r, u) for s, r, u, _ in evidenced_urls()])
def test_every_url_is_a_web_address_with_a_host(slug, role, url):
    URLValidator(schemes=["http", "https"])(url)
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.hostname, (slug, role, url)
    assert url == url.strip() and " " not in url


def test_the_url_check_refuses_what_is_not_a_web_address():
    # The check above must be able to fail: these are refused.
    for bad in ("javascript:alert(1)", "ftp://isna.ir/rss", "https://", "www.isna.ir/rss", "https://isna ir/rss"):
        with pytest.raises(ValidationError):
            URLValidator(schemes=["http", "https"])(bad)


@pytest.mark.parametrize(("slug", "role", "url", "evidence"), list(evidenced_urls()))
def test_every_url_has_dated_evidence_with_a_reference(slug, role, url, evidence):
    assert isinstance(evidence, dict), f"{slug} {role} {url}: no evidence"
    date = dt.date.fromisoformat(evidence.get("date", ""))
    assert dt.date(2000, 1, 1) <= date <= dt.date.today(), (slug, role, date)
    assert evidence.get("kind", "").strip(), (slug, role, "evidence without a kind")
    assert len(evidence.get("ref", "").strip()) >= 10, (slug, role, "evidence without a reference")


def test_categories_are_known_slugs():
    for outlet in OUTLETS:
        for entry in [*outlet.get("feeds", []), *outlet.get("listing_pages", [])]:
            assert entry.get("category") is None or entry["category"] in CATEGORY_SLUGS, (outlet["slug"], entry)


def test_names_are_persian_without_arabic_letter_forms():
    for outlet in OUTLETS:
        name = outlet["name"]
        assert PERSIAN_LETTER.search(name), name
        assert not re.search("[A-Za-z\u064a\u0643\u0649]", name), name  # Latin, Arabic yeh/kaf/alef maksura
        assert name == " ".join(name.split()), name


def test_weights_are_positive_and_bounded():
    assert all(0 < float(outlet["weight"]) <= 2 for outlet in OUTLETS)


def test_the_docs_show_the_evidence_of_every_outlet():
    docs = DOCS.read_text(encoding="utf-8")
    assert EVIDENCE_SECTION in docs
    section = docs.split(EVIDENCE_SECTION, 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip().strip("`"): line for line in section.splitlines() if line.startswith("| `")}
    assert set(rows) == {outlet["slug"] for outlet in OUTLETS}
    for outlet in OUTLETS:
        row = rows[outlet["slug"]]
        for _, _, url, evidence in (item for item in evidenced_urls() if item[0] == outlet["slug"]):
            assert url in row, (outlet["slug"], url)
            assert evidence["date"] in row, (outlet["slug"], url, evidence["date"])


@pytest.mark.django_db
def test_sources_load_registers_every_outlet_and_feed(capsys):
    assert main(["sources", "load"]) == 0
    feeds = sum(len(outlet.get("feeds", [])) for outlet in OUTLETS)
    assert f"{fa(len(OUTLETS))} منبع تازه، {fa(feeds)} خوراک تازه." in capsys.readouterr().out
    assert Source.objects.count() == len(OUTLETS)
    assert Feed.objects.count() == feeds
    for outlet in OUTLETS:
        source = Source.objects.get(slug=outlet["slug"])
        assert (source.name, source.homepage) == (outlet["name"], outlet["homepage"])
        feeds = {feed.url: feed for feed in Feed.objects.filter(source=source).select_related("category")}
        assert set(feeds) == {feed["url"] for feed in outlet.get("feeds", [])}
        for spec in outlet.get("feeds", []):
            category = feeds[spec["url"]].category
            assert (category.slug if category else None) == spec["category"]
    assert main(["sources", "load"]) == 0  # loading twice changes nothing
    assert "۰ منبع تازه، ۰ خوراک تازه" in capsys.readouterr().out
