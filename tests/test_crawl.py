"""Crawling the offline news web: every published article stored exactly once, errors recorded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from khabar.crawler.demo import register_newsweb
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.pipeline.persian import to_persian_digits as fa
from khabar.pipeline.search_keys import search_key
from khabar.sources.models import Feed, Source


@pytest.fixture
def allow_private(settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 10.0  # nothing here times out on purpose: room for a loaded machine
    settings.KHABAR_HOST_MIN_GAP = 0.02  # politeness itself is tested in test_politeness.py


@pytest.fixture(scope="module")
def newsweb():
    web = NewsWeb(seed=7, rate=0.0, port=0, backlog=4).start()
    yield web
    web.stop()


def all_feeds():
    return list(Feed.objects.select_related("source"))


@pytest.mark.django_db
def test_crawl_stores_each_published_article_exactly_once(newsweb, allow_private):
    register_newsweb(newsweb)
    truth = {canonical_url(item.url) for item in newsweb.published()}
    assert len({item.outlet for item in newsweb.published()}) >= 12

    reports = refresh_feeds(all_feeds())
    assert not [r.error for r in reports if r.error]
    stored = set(Article.objects.values_list("url", flat=True))
    problems = [(r.feed_url, r.deferred, r.item_errors) for r in reports if r.deferred or r.item_errors]
    assert stored == truth, problems
    assert sum(r.new for r in reports) == len(truth)

    # Again, however often: nothing new, nothing duplicated, nothing lost.
    for _ in range(2):
        reports = refresh_feeds(all_feeds())
        assert sum(r.new for r in reports) == 0
        assert Article.objects.count() == len(truth)

    # The stored text is the article's, without the page's boilerplate.
    by_url = {canonical_url(p.url): p for p in newsweb.published()}
    sample = Article.objects.order_by("id")[:20]
    for article in sample:
        original = by_url[article.url]
        opening = " ".join(original.body.split()[:8])
        assert article.source.slug == original.outlet
        assert article.title and article.lead and article.body_text
        # Compared folded: the stored text has its letters unified and lost ZWNJs repaired.
        assert search_key(opening) in search_key(article.lead + " " + article.body_text)
        assert "ي" not in article.title and "ك" not in article.body_text


@pytest.mark.django_db
def test_bad_feeds_get_a_recorded_error_and_change_nothing_else(newsweb, allow_private):
    register_newsweb(newsweb)
    good = all_feeds()
    refresh_feeds(good)
    before = Article.objects.count()
    home = newsweb.outlets[0].homepage.rstrip("/")
    source = Source.objects.create(name="رسانهٔ خراب", slug="broken")
    bad = {
        home + "/no-such-feed.xml": "HTTP 404",
        home + "/": "not",  # an HTML page, not a feed
        "http://127.0.0.1:9/rss": "connection failed",
        home + "/images/1.png": "not",  # not a feed at all
    }
    for url in bad:
        Feed.objects.create(source=source, url=url)
    reports = refresh_feeds(all_feeds())
    errors = {r.feed_url: r.error for r in reports if r.error}
    assert set(errors) == set(bad)
    for url, words in bad.items():
        feed = Feed.objects.get(url=url)
        assert words.lower() in feed.last_error.lower()
        assert feed.error_streak == 1 and feed.next_check_at > feed.last_checked_at
    assert Article.objects.count() == before
    assert all(f.error_streak == 0 for f in Feed.objects.exclude(source=source))


@pytest.mark.django_db
def test_private_addresses_refused_by_default(newsweb, settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = False
    register_newsweb(newsweb)
    reports = refresh_feeds(all_feeds()[:3])
    assert all(r.error and "non-public" in r.error for r in reports)
    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections, as in production
def test_due_feeds_run_through_the_task_queue(newsweb, allow_private):
    from django_tasks_db.models import DBTaskResult

    from khabar.crawler.schedule import enqueue_due_feeds
    from khabar.crawler.task_worker import TaskWorker

    register_newsweb(newsweb)
    queued = enqueue_due_feeds()
    assert 0 < queued
    while more := enqueue_due_feeds():  # at most a few feeds per host per tick
        queued += more
    assert queued == Feed.objects.count()  # every feed claimed exactly once
    assert enqueue_due_feeds() == 0
    TaskWorker("test-worker", ["crawl"], interval=0, until_empty=True).run()
    results = list(DBTaskResult.objects.all())
    assert 1 < len(results) < queued  # feeds travel in batches of several hosts
    assert {r.status for r in results} == {"SUCCESSFUL"}
    assert sum(r.return_value["feeds"] for r in results) == queued
    assert not any(r.return_value["failed"] for r in results)
    truth = {canonical_url(item.url) for item in newsweb.published()}
    assert set(Article.objects.values_list("url", flat=True)) == truth


@pytest.mark.django_db
def test_crawl_once_command_prints_a_summary_and_is_idempotent(newsweb, allow_private, capsys):
    from khabar.cli import main

    register_newsweb(newsweb)
    assert main(["crawl", "--once", "--allow-private"]) == 0
    first = capsys.readouterr().out
    total = len(newsweb.published())
    assert "گزارش خزش" in first and f"{fa(total)} خبر تازه" in first
    assert "خبرگزاری آوا" in first  # one row per source
    assert Article.objects.count() == total

    # Nothing is due any more, unless the first crawl outlasted the shortest poll interval (a loaded
    # machine): then the feeds due again are re-polled and bring nothing new.
    assert main(["crawl", "--once", "--allow-private"]) == 0
    again = capsys.readouterr().out
    assert "هیچ خوراکی موعد بررسی ندارد" in again or "۰ خبر تازه، ۰ خوراک ناموفق" in again, again
    assert Article.objects.count() == total
    assert main(["crawl", "--once", "--all", "--allow-private"]) == 0
    assert "۰ خبر تازه" in capsys.readouterr().out
    assert Article.objects.count() == total


def count_from_another_connection(article_ids: list[int]) -> int:
    """What another worker sees: a query on a fresh connection, in another thread."""

    def count() -> int:
        try:
            return Article.objects.filter(pk__in=article_ids).count()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(count).result()


@pytest.mark.django_db(transaction=True)  # rows committed for real, so another connection can see them
def test_new_articles_are_announced_once_after_storage(newsweb, allow_private):
    from khabar.news.signals import articles_stored

    announced: list[int] = []
    visible: list[tuple[int, int]] = []  # (announced, seen committed by another connection), per signal

    def receiver(sender, article_ids, **kwargs):
        visible.append((len(article_ids), count_from_another_connection(article_ids)))
        announced.extend(article_ids)

    def failing(sender, article_ids, **kwargs):
        raise RuntimeError("a broken step after storage")

    articles_stored.connect(receiver)
    articles_stored.connect(failing)
    try:
        register_newsweb(newsweb)
        refresh_feeds(all_feeds())
        refresh_feeds(all_feeds())
    finally:
        articles_stored.disconnect(receiver)
        articles_stored.disconnect(failing)
    assert sorted(announced) == sorted(Article.objects.values_list("id", flat=True))
    assert visible and all(seen == count for count, seen in visible)  # committed before the signal
