"""Every fault of the news web is survived: a clear recorded error, politeness kept, nothing lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rich.console import Console

from khabar.crawler.demo import register_newsweb
from khabar.crawler.feed_health import PAUSED
from khabar.crawler.hosts import forget_robots
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.pipeline.polling import RETRY_IN
from khabar.pipeline.search_keys import search_key
from khabar.sources.models import Feed, Host, RobotsFile

pytestmark = [pytest.mark.e2e]

# outlet -> (faults, expected error kind or None, words of the recorded error)
HOSTILE = {
    "ava": (["cloudflare"], "antibot", "Cloudflare challenge"),
    "nasim-sobh": (["500"], "http", "HTTP 500"),
    "peyk-iran": (["robots-disallow"], "robots", "disallowed by"),
    "varzesh-emrooz": (["429:300"], "http", "HTTP 429"),
    "sepehr": (["redirect-chain"], "redirect", "more than 5 redirects"),
    "eghtesad-pouya": (["reset"], "connect", "connection failed"),
    "jahan-nama": (["huge"], "too_large", "larger than"),
    "salamat-news": (["gzip-bomb:64"], "too_large", "larger than"),
    "shahr-khabar": (["invalid-xml"], "parse", "not a valid feed"),
    "farhang-emrooz": (["redirect-loop"], "redirect", "redirect loop"),
    "baran": (["arvancloud"], "antibot", "ArvanCloud"),
    "setareh-jonoob": (["access-denied"], "antibot", "Access denied"),
    "medal": (["timeout:7"], "timeout", "timed out"),
    "gol-online": (["slow:1.3"], None, ""),
    "danesh-no": ([], None, ""),
}


@pytest.fixture(scope="module")
def web():
    news = NewsWeb(seed=11, rate=0.0, port=0, backlog=3).start()
    yield news
    news.stop()


@pytest.fixture
def crawl_settings(settings, web):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 3.0  # margin for a loaded machine; "timeout:7" still times out
    settings.KHABAR_HOST_MIN_GAP = 0.05
    settings.KHABAR_SLOW_FEED_SECONDS = 1.0
    web.faults.clear()
    web.traffic.clear()
    yield settings
    web.faults.clear()


def feeds_of(slugs) -> list[Feed]:
    return list(Feed.objects.filter(source__slug__in=slugs).select_related("source"))


def truth(web, slugs=None) -> set[str]:
    return {canonical_url(item.url) for item in web.published() if slugs is None or item.outlet in slugs}


@pytest.mark.django_db
def test_every_fault_is_recorded_clearly_and_nothing_is_lost(web, crawl_settings):
    register_newsweb(web)
    for slug, (faults, _, _) in HOSTILE.items():
        web.faults.set(slug, faults)
    started = timezone.now()
    reports = refresh_feeds(feeds_of(HOSTILE))

    assert len(reports) == Feed.objects.count()
    for slug, (_, kind, words) in HOSTILE.items():
        for feed in Feed.objects.filter(source__slug=slug):
            if kind is None:
                assert feed.error_streak == 0 and not feed.last_error, (slug, feed.last_error)
                continue
            assert feed.status == "failing" and feed.error_kind == kind, (slug, feed.error_kind, feed.last_error)
            assert words in feed.last_error, (slug, feed.last_error)
            assert feed.next_check_reason.startswith(RETRY_IN) and kind in feed.next_check_reason
            assert feed.next_check_at > started
    assert {f.status for f in Feed.objects.filter(source__slug="gol-online")} == {"slow"}

    # Retry-After: the feed waits as asked, and so does every request to its host.
    for feed in Feed.objects.filter(source__slug="varzesh-emrooz"):
        assert feed.next_check_at - feed.last_checked_at >= timedelta(seconds=299)
        assert "سرور خواست پس از ۵٫۰ دقیقه دوباره تلاش شود" in feed.next_check_reason
    paused_host = Host.objects.get(name=next(o.host for o in web.outlets if o.slug == "varzesh-emrooz"))
    assert paused_host.next_allowed_at - timezone.now() > timedelta(seconds=250)

    # A host disallowing us in robots.txt saw nothing but its robots.txt.
    peyk = next(o for o in web.outlets if o.slug == "peyk-iran")
    assert {t.path for t in web.traffic.traces(peyk.host)} == {"/robots.txt"}

    # Politeness held under every fault: never more than two connections to one host.
    for outlet in web.outlets:
        assert web.traffic.max_in_flight(outlet.host) <= 2, outlet.slug

    # Only the outlets that answered stored anything, each item once.
    healthy = {"gol-online", "danesh-no"}
    assert set(Article.objects.values_list("url", flat=True)) == truth(web, healthy)

    # The faults end (and a day passes for robots.txt and the Retry-After pause): everything arrives once.
    web.faults.clear()
    RobotsFile.objects.all().delete()
    forget_robots()  # this process's fresh copies too: a day has passed
    Host.objects.update(next_allowed_at=timezone.now())
    reports = refresh_feeds(feeds_of(HOSTILE))
    assert not [r.error for r in reports if r.error]
    urls = list(Article.objects.values_list("url", flat=True))
    assert sorted(urls) == sorted(truth(web, set(HOSTILE)))
    assert all(f.status in ("ok", "slow") and f.error_streak == 0 for f in Feed.objects.all())


@pytest.mark.django_db
def test_wrong_and_legacy_charsets_and_bozo_feeds_give_correct_persian(web, crawl_settings):
    outlets = {
        "ava": "windows-1256",  # pages and feeds in windows-1256, labelled so (ava's feeds carry only leads)
        "baran": "wrong-charset",  # UTF-8 labelled windows-1256
        "nasim-sobh": "mislabelled-1256",  # windows-1256 labelled UTF-8 (full-text Atom)
        "varzesh-emrooz": "bozo-xml",  # a bare '&': recoverable
    }
    register_newsweb(web)
    for slug, fault in outlets.items():
        web.faults.set(slug, [fault])
    reports = refresh_feeds(feeds_of(outlets))
    assert not [r.error for r in reports if r.error]
    assert all(
        any("feed has errors but was read" in e for e in r.item_errors) for r in reports if r.source == "ورزش امروز"
    )
    expected = {canonical_url(item.url): item for item in web.published() if item.outlet in outlets}
    stored = {a.url: a for a in Article.objects.all()}
    assert set(stored) == set(expected)
    for url, article in stored.items():
        original = expected[url]
        assert search_key(article.title) == search_key(original.title), (article.title, original.title)
        assert search_key(" ".join(original.lead.split()[:6])) in search_key(article.lead + " " + article.body_text)
        persian = sum("\u0600" <= ch <= "\u06ff" for ch in article.title)
        assert persian / max(1, len(article.title.replace(" ", ""))) > 0.6, article.title  # no mojibake


@pytest.mark.django_db
def test_a_feed_failing_too_long_is_paused_and_shown_not_hidden(web, crawl_settings, capsys):
    from khabar.crawler.reports import print_sources
    from khabar.crawler.schedule import claim_due_feeds
    from khabar.crawler.status import feed_status_rows

    register_newsweb(web)
    web.faults.set("medal", ["500"])
    feed = Feed.objects.get(source__slug="medal")
    refresh_feeds([feed])
    feed.refresh_from_db()
    assert feed.status == "failing" and feed.paused_at is None
    Feed.objects.filter(pk=feed.pk).update(
        failing_since=timezone.now() - timedelta(days=3, minutes=1), next_check_at=timezone.now()
    )
    refresh_feeds(list(Feed.objects.filter(pk=feed.pk).select_related("source")))
    feed.refresh_from_db()
    assert feed.status == "paused" and feed.paused_at is not None and feed.next_check_reason.startswith(PAUSED)
    assert feed not in claim_due_feeds(now=timezone.now() + timedelta(days=30))

    rows = feed_status_rows()
    assert rows[0]["feed_id"] == feed.pk and rows[0]["status"] == "paused"  # problems first, never hidden
    assert rows[0]["error_kind"] == "http" and rows[0]["last_status"] == 500
    console = Console(record=True, width=400)
    print_sources(console)
    table = console.export_text()
    assert "متوقف" in table and "خطای HTTP 500" in table and feed.url in table and "۱ متوقف" in table
    from khabar.cli import main

    assert main(["sources", "status"]) == 0
    printed = capsys.readouterr().out
    assert "خوراک‌ها: سلامت و بررسی بعدی" in printed and "۱ متوقف" in printed

    feed.resume()
    feed.save()
    assert feed.status == "new" or feed.status == "ok"
    assert feed in claim_due_feeds()


def test_faults_are_named_on_the_command_line():
    from khabar.newsweb.faults import parse_fault_option
    from khabar.newsweb.server import main

    assert parse_fault_option("ava=slow:2,500@pages") == ("ava", ["slow:2", "500@pages"])
    with pytest.raises(SystemExit):
        main(["--fault", "ava=nonsense"])


@pytest.mark.django_db
def test_a_crawler_bug_is_recorded_as_internal_not_blamed_on_the_outlet(web, crawl_settings, monkeypatch, caplog):
    from khabar.crawler import hosts
    from khabar.crawler.reports import print_sources

    def broken_load_robots(origin):  # a bug (or a database failure) on our side of the fetch
        raise RuntimeError("robots cache row is corrupt")

    register_newsweb(web)
    monkeypatch.setattr(hosts, "load_robots", broken_load_robots)
    feed = Feed.objects.select_related("source").filter(source__slug="danesh-no").first()
    with caplog.at_level("ERROR", logger="khabar.fetch"):
        [report] = refresh_feeds([feed])
    feed.refresh_from_db()
    assert report.error_kind == feed.error_kind == "internal" and "robots cache row is corrupt" in feed.last_error
    assert any(r.exc_info for r in caplog.records if r.name == "khabar.fetch")  # the traceback is in the log
    assert web.traffic.traces(feed.host) == []  # robots.txt was never asked for: nothing was sent
    console = Console(record=True, width=400)
    print_sources(console)
    assert "۱ خوراک با خطای خود خزنده (internal) ناموفق شد" in console.export_text()
