"""Self-healing against the news web's cases: moved feeds and a moved domain are followed and recorded,
failures are told apart ("wrong URL" from "unreachable from here"), a paused outlet is rediscovered."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.utils import timezone
from rich.console import Console

from khabar.crawler.demo import register_newsweb
from khabar.crawler.discovery import claim_due_discoveries, due_discoveries, rediscover_sources
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.pipeline.health import FAILURE_CLASSES, failure_class
from khabar.sources.catalog import FeedSpec, OutletSpec, register_outlets
from khabar.sources.models import Feed, Source, UrlChange

pytestmark = [pytest.mark.e2e]
MOVES = ("sepehr", "peyk-iran", "baran")  # feed-moved, feed-html, feed-301 (set per test)


@pytest.fixture(scope="module")
def web():
    news = NewsWeb(seed=9, rate=0.0, port=0, backlog=5, cases={"eghtesad-pouya": "domain-moved"}).start()
    yield news
    news.stop()


@pytest.fixture
def crawl(settings, web):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 2.0
    settings.KHABAR_HOST_MIN_GAP = 0.01
    for slug in MOVES:
        web.cases.set(slug, None)
    web.faults.clear()
    yield settings
    for slug in MOVES:
        web.cases.set(slug, None)
    web.faults.clear()


def outlet(web, slug):
    return next(o for o in web.outlets if o.slug == slug)


def feeds_of(*slugs) -> list[Feed]:
    return list(Feed.objects.filter(source__slug__in=slugs).select_related("source"))


def truth(web, slug) -> set[str]:
    return {canonical_url(item.url) for item in web.published() if item.outlet == slug}


def status_text() -> str:
    from khabar.crawler.reports import print_sources

    console = Console(width=400, record=True)
    print_sources(console)
    return console.export_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "case", "old_answer"),
    [("sepehr", "feed-moved", "HTTP 404"), ("peyk-iran", "feed-html", "not a feed")],
)
def test_a_feed_gone_wrong_is_replaced_by_rediscovery_and_recorded(web, crawl, slug, case, old_answer):
    register_newsweb(web)
    refresh_feeds(feeds_of(slug))
    stored = Article.objects.count()
    assert stored == len(truth(web, slug))
    old = {f.url: f.category.slug for f in feeds_of(slug)}

    web.cases.set(slug, case)  # the outlet's CMS moved its feeds; its pages advertise the new ones
    reports = refresh_feeds(feeds_of(slug))
    assert all(old_answer.lower() in r.error.lower() for r in reports)
    assert {f.failure_class for f in feeds_of(slug)} == {"wrong_url"}
    source = Source.objects.get(slug=slug)
    assert source.discovery_requested_at is not None
    assert source.pk in claim_due_discoveries()  # the scheduler queues its rediscovery
    assert not due_discoveries().filter(pk=source.pk).exists()  # once

    notes = rediscover_sources([source.pk])[source.pk]
    assert len(notes) == len(old) and all("replaced by" in note for note in notes)
    healed = {f.url: f for f in feeds_of(slug)}
    assert all("/feeds/" in url for url in healed)
    # Each feed replaced by the one of its own category; each change recorded with its reason.
    assert {f.category.slug for f in healed.values()} == set(old.values())
    assert all(url.endswith(f"/feeds/{f.category.slug}.xml") for url, f in healed.items())
    changes = UrlChange.objects.filter(source=source, what="feed")
    assert {c.old_url for c in changes} == set(old) and {c.new_url for c in changes} == set(healed)
    assert all("rediscovered" in c.reason for c in changes)
    assert all(f.next_check_at <= timezone.now() and not f.error_streak for f in healed.values())

    reports = refresh_feeds(feeds_of(slug))
    assert not [r.error for r in reports if r.error]
    assert Article.objects.count() == stored  # the same articles: nothing stored twice
    text = status_text()
    assert "نشانی‌هایی که خزنده عوض کرد" in text and next(iter(healed)) in text

    # The catalogue still lists the old addresses: loading it again does not bring them back.
    outlets = [OutletSpec(slug=slug, name="x", homepage=outlet(web, slug).homepage, feeds=[FeedSpec(u) for u in old])]
    assert register_outlets(outlets).feeds == 0 and {f.url for f in feeds_of(slug)} == set(healed)


@pytest.mark.django_db
def test_a_feed_answering_301_moves_at_once(web, crawl):
    register_newsweb(web)
    web.cases.set("baran", "feed-301")
    old = {f.url for f in feeds_of("baran")}
    reports = refresh_feeds(feeds_of("baran"))
    assert not [r.error for r in reports if r.error]
    assert all("/feeds/" in f.url for f in feeds_of("baran"))
    changes = UrlChange.objects.filter(source__slug="baran")
    assert {c.old_url for c in changes} == old and all("moved permanently (HTTP 301)" == c.reason for c in changes)
    assert set(Article.objects.values_list("url", flat=True)) == truth(web, "baran")
    assert not Source.objects.get(slug="baran").discovery_requested_at  # same host: nothing more to follow


@pytest.mark.django_db
def test_an_outlet_whose_domain_moved_is_followed_and_nothing_is_stored_twice(web, crawl):
    moved = outlet(web, "eghtesad-pouya")
    assert moved.moved_to and moved.moved_to != moved.homepage
    register_newsweb(web)
    source = Source.objects.get(slug="eghtesad-pouya")
    # Two articles were stored before the move, under the old host.
    old_host, new_host = moved.homepage.split("/")[2], moved.moved_to.split("/")[2]
    earlier = sorted(truth(web, "eghtesad-pouya"))[:2]
    for url in earlier:
        Article.objects.create(
            source=source, url=url.replace(new_host, old_host), title="پیش از جابه‌جایی", published_at=timezone.now()
        )

    reports = refresh_feeds(feeds_of("eghtesad-pouya"))
    assert not [r.error for r in reports if r.error]
    assert all(f.host == new_host for f in feeds_of("eghtesad-pouya"))
    stored = set(Article.objects.filter(source=source).values_list("url", flat=True))
    assert stored == (truth(web, "eghtesad-pouya") - set(earlier)) | {u.replace(new_host, old_host) for u in earlier}

    source.refresh_from_db()
    assert source.discovery_requested_at  # the feeds went to another host: the homepage is followed too
    rediscover_sources(claim_due_discoveries())
    source.refresh_from_db()
    assert source.homepage == moved.moved_to
    homepage_change = UrlChange.objects.get(source=source, what="homepage")
    assert (homepage_change.old_url, homepage_change.new_url) == (moved.homepage, moved.moved_to)
    # A catalogue still naming the old homepage does not undo the move.
    register_outlets([OutletSpec(slug="eghtesad-pouya", name="اقتصاد پویا", homepage=moved.homepage)])
    source.refresh_from_db()
    assert source.homepage == moved.moved_to


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_error_classes_tell_a_wrong_url_from_an_unreachable_host(web, crawl):
    register_newsweb(web)
    home = outlet(web, "ava").homepage.rstrip("/")
    source = Source.objects.create(name="خراب", slug="broken", homepage=home + "/")
    cases = {
        home + "/no-such-feed.xml": "wrong_url",  # 404
        home + "/": "wrong_url",  # an HTML page where a feed should be
        f"http://127.0.0.1:{dead_port()}/rss": "unreachable",  # nothing of the host answers, robots.txt neither
    }
    for url in cases:
        Feed.objects.create(source=source, url=url)
    web.faults.set("medal", ["reset@feeds"])  # the feed is reset, but the host answers its robots.txt
    web.faults.set("nasim-sobh", ["500"])
    web.faults.set("danesh-no", ["cloudflare@feeds"])
    refresh_feeds(list(Feed.objects.filter(source__slug__in=["broken", "medal", "nasim-sobh", "danesh-no"])))
    for url, expected in cases.items():
        assert Feed.objects.get(url=url).failure_class == expected, url
    assert {f.failure_class for f in feeds_of("medal")} == {"network"}
    assert {f.failure_class for f in feeds_of("nasim-sobh")} == {"server"}
    assert {f.failure_class for f in feeds_of("danesh-no")} == {"refused"}
    text = status_text()
    classes = ("wrong_url", "unreachable", "network", "server", "refused")  # the diagnosis column, in Persian
    for label in (*(FAILURE_CLASSES[c][1] for c in classes), "از اینجا دسترس‌ناپذیر است"):
        assert label in text, label


@pytest.mark.django_db
def test_a_paused_outlet_is_retried_by_rediscovery_not_only_at_its_old_address(web, crawl):
    register_newsweb(web)
    web.cases.set("sepehr", "feed-moved")
    source = Source.objects.get(slug="sepehr")
    long_ago = timezone.now() - timedelta(days=5)
    Feed.objects.filter(source=source).update(
        paused_at=long_ago, failing_since=long_ago, error_streak=40, failure_class="wrong_url"
    )
    Source.objects.filter(pk=source.pk).update(discovered_at=long_ago)
    assert not Feed.objects.crawlable().filter(source=source).exists()
    assert source.pk in claim_due_discoveries()  # nothing crawlable: rediscovered (daily)
    rediscover_sources([source.pk])
    feeds = feeds_of("sepehr")
    assert all(f.paused_at is None and "/feeds/" in f.url for f in feeds)
    reports = refresh_feeds(feeds)
    assert not [r.error for r in reports if r.error]
    assert set(Article.objects.values_list("url", flat=True)) == truth(web, "sepehr")


def test_failure_classes():
    assert failure_class("http", 404, host_unreachable=False) == "wrong_url"
    assert failure_class("http", 410, host_unreachable=False) == "wrong_url"
    assert failure_class("parse", 200, html_answer=True, host_unreachable=False) == "wrong_url"
    assert failure_class("parse", 200, host_unreachable=False) == "broken"
    assert failure_class("timeout", None, host_unreachable=True) == "unreachable"
    assert failure_class("connect", None, host_unreachable=False) == "network"
    assert failure_class("http", 503, host_unreachable=False) == "server"
    assert failure_class("http", 0, host_unreachable=False) == "server"  # host paused after a Retry-After
    assert failure_class("antibot", 403, host_unreachable=False) == "refused"
    assert failure_class("internal", None, host_unreachable=True) == "internal"


@pytest.mark.django_db
def test_a_paused_feed_that_works_again_is_resumed_by_rediscovery(web, crawl):
    register_newsweb(web)
    source = Source.objects.get(slug="danesh-no")
    long_ago = timezone.now() - timedelta(days=5)
    Feed.objects.filter(source=source).update(
        paused_at=long_ago, failing_since=long_ago, error_streak=9, failure_class="server"
    )
    Source.objects.filter(pk=source.pk).update(discovered_at=long_ago)
    assert source.pk in claim_due_discoveries()
    notes = rediscover_sources([source.pk])[source.pk]
    assert all("works again" in note for note in notes)
    assert not Feed.objects.filter(source=source, paused_at__isnull=False).exists()
    assert not UrlChange.objects.exists()  # nothing moved
