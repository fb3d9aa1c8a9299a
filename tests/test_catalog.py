"""The outlet catalogue: its schema (feeds, news sitemaps, listing pages, evidence), registration, errors."""

from __future__ import annotations

import json

import pytest

from khabar.sources.catalog import CatalogError, load_catalog, register_outlets
from khabar.sources.models import Feed, Source

EVIDENCE = {"date": "2026-01-15", "kind": "feed-check", "ref": "https://example.org/check"}
OUTLETS = {
    "outlets": [
        {
            "slug": "sample-agency",
            "name": "خبرگزاری نمونه",
            "homepage": "https://www.sample.ir/",
            "weight": 1.4,
            "kind": "agency",
            "feeds": [
                {"url": "https://www.sample.ir/rss", "category": None, "evidence": EVIDENCE},
                {"url": "https://www.sample.ir/rss/tp/8", "category": "world", "evidence": EVIDENCE},
            ],
            "news_sitemaps": [{"url": "https://www.sample.ir/sitemap-news.xml", "evidence": EVIDENCE}],
            "evidence": EVIDENCE,
        },
        {
            "slug": "paper",
            "name": "روزنامهٔ بی‌خوراک",
            "homepage": "https://paper.example/",
            "kind": "newspaper",
            "feeds": [],
            "listing_pages": [{"url": "https://paper.example/politics", "category": "politics"}],
        },
        {"slug": "bare", "name": "فقط صفحهٔ اصلی", "homepage": "https://bare.example/"},
    ]
}


def write(tmp_path, data) -> str:
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_schema_is_read_with_every_kind_of_entry(tmp_path):
    agency, paper, bare = load_catalog(write(tmp_path, OUTLETS))
    assert (agency.kind, agency.weight, agency.evidence.date) == ("agency", 1.4, "2026-01-15")
    assert [(f.kind, f.category) for f in agency.feeds] == [("rss", None), ("rss", "world"), ("news_sitemap", None)]
    assert agency.feeds[0].evidence.ref == "https://example.org/check"
    assert [(f.kind, f.url, f.category) for f in paper.feeds] == [
        ("listing", "https://paper.example/politics", "politics")
    ]
    assert bare.feeds == [] and bare.kind == "" and bare.evidence is None


def test_the_built_in_catalogue_loads():
    outlets = load_catalog()
    assert outlets and all(o.homepage for o in outlets)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda o: o.update(kind="blog"), "unknown kind"),
        (lambda o: o["feeds"][0].update(category="weather"), "unknown category"),
        (lambda o: o["feeds"][0].update(url="ftp://x/rss"), "http(s) url"),
        (lambda o: o["feeds"][0].update(evidence={"date": "15/01/2026", "kind": "x"}), "YYYY-MM-DD"),
        (lambda o: o.update(homepage="www.sample.ir"), "homepage"),
        (lambda o: o.pop("name"), "slug and name"),
    ],
)
def test_a_bad_entry_is_named_in_a_clear_error(tmp_path, change, words):
    data = json.loads(json.dumps(OUTLETS))
    change(data["outlets"][0])
    with pytest.raises(CatalogError, match="sample-agency|outlet") as error:
        load_catalog(write(tmp_path, data))
    assert words in str(error.value)


def test_repeated_slugs_are_refused(tmp_path):
    data = {"outlets": [OUTLETS["outlets"][2], OUTLETS["outlets"][2]]}
    with pytest.raises(CatalogError, match="repeated"):
        load_catalog(write(tmp_path, data))


@pytest.mark.django_db
def test_registering_stores_kinds_and_changes_nothing_the_second_time(tmp_path):
    outlets = load_catalog(write(tmp_path, OUTLETS))
    first = register_outlets(outlets)
    assert (first.sources, first.feeds) == (3, 4)
    assert register_outlets(outlets).feeds == 0
    assert Source.objects.get(slug="paper").kind == "newspaper"
    kinds = dict(Feed.objects.values_list("url", "kind"))
    assert kinds["https://www.sample.ir/sitemap-news.xml"] == "news_sitemap"
    assert kinds["https://paper.example/politics"] == "listing"
    # An outlet with nothing listed is left to discovery from its homepage.
    from khabar.crawler.discovery import due_discoveries

    assert list(due_discoveries().values_list("slug", flat=True)) == ["bare"]
