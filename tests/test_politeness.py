"""Per-host limits hold for every worker together, as the news web's request log shows."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta
from functools import partial

import pytest
from asgiref.sync import async_to_sync
from django.db import connections
from django.utils import timezone

from khabar.crawler.demo import register_newsweb
from khabar.crawler.hosts import (
    HELD_HOST_RETRY,
    DatabaseRobotsCache,
    GrantReturn,
    forget_robots,
    give_back_hosts,
    keep_books,
    pause_host,
    save_robots,
    take_host,
)
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.pipeline.robots import ROBOTS_TTL, RobotsRecord
from khabar.sources.models import Feed, Host, HostSlot, RobotsFile

pytestmark = [pytest.mark.e2e]
GAP = 0.4


@pytest.fixture(scope="module")
def web():
    news = NewsWeb(seed=5, rate=0.0, port=0, backlog=3).start()
    yield news
    news.stop()


@pytest.fixture
def polite(settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 3.0
    settings.KHABAR_HOST_MIN_GAP = GAP
    settings.KHABAR_PER_HOST_CONNECTIONS = 2
    return settings


@pytest.mark.django_db(transaction=True)
def test_three_workers_together_keep_two_connections_and_the_gap_per_host(web, polite):
    slugs = ("peyk-iran",)  # 4 feeds with leads only: every item needs its page too
    register_newsweb(web)
    Feed.objects.exclude(source__slug__in=slugs).delete()
    web.traffic.clear()
    errors: list[BaseException] = []

    def worker():  # a worker of its own: its own database connection, as another process would have
        try:
            refresh_feeds(list(Feed.objects.select_related("source")))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors

    expected = {canonical_url(i.url) for i in web.published() if i.outlet in slugs}
    assert sorted(Article.objects.values_list("url", flat=True)) == sorted(expected)  # three workers, each once
    for outlet in (o for o in web.outlets if o.slug in slugs):
        traces = web.traffic.traces(outlet.host)
        starts = sorted(t.started for t in traces)
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert len(traces) > 5
        assert web.traffic.max_in_flight(outlet.host) <= 2, outlet.slug
        assert min(gaps) >= GAP - 0.15, (outlet.slug, min(gaps))  # arrival times jitter on a busy test machine
        assert statistics.median(gaps) >= GAP - 0.02, outlet.slug
        assert Host.objects.get(name=outlet.host).requests == len(traces)  # every worker counted in one place
    assert not HostSlot.objects.exists()  # every grant given back


@pytest.mark.django_db
def test_a_host_is_granted_to_one_crawl_at_a_time_spaced_expiring_and_paused():
    def take(holder="a", gap=0.0):
        return take_host("news.example", gap=gap, holder=holder, hold=10, lease=60)

    first, other = take(), take("b")
    assert first[0] and other == (None, HELD_HOST_RETRY)  # held by crawl "a": "b" waits
    assert take() == first  # "a" renews its own grant
    sent = timezone.now()
    give_back_hosts([GrantReturn("news.example", first[0], requests=3, last_sent=sent)])
    host = Host.objects.get(name="news.example")
    assert (host.requests, host.last_request_at) == (3, sent)  # counted when given back, not per request
    slot, wait = take("b", gap=30)
    assert slot is None and 29 < wait <= 30  # the gap since "a"'s last request
    Host.objects.update(last_request_at=timezone.now() - timedelta(seconds=60))
    slot, _ = take("b", gap=30)
    assert slot
    HostSlot.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # "b" died holding it
    Host.objects.update(last_request_at=None)
    slot, _ = take("c")
    assert slot and list(HostSlot.objects.values_list("holder", flat=True)) == ["c"]
    give_back_hosts([GrantReturn("news.example", slot, requests=1, last_sent=None)])
    pause_host("news.example", 120)  # Retry-After
    slot, wait = take()
    assert slot is None and 110 < wait <= 120
    assert Host.objects.get(name="news.example").requests == 4


@pytest.mark.django_db
def test_a_fresh_robots_record_is_read_from_the_database_once_per_process(django_assert_num_queries):
    origin = "https://news.example"
    save_robots(origin, RobotsRecord(200, "User-agent: *\nDisallow: /a", time.time()))
    forget_robots()  # as in another process, or after a restart
    cache = DatabaseRobotsCache()
    with django_assert_num_queries(1):
        first, again = async_to_sync(cache.load)(origin), async_to_sync(cache.load)(origin)
    assert first == again and first.text.endswith("/a")

    # Saving writes through; a record no longer fresh is read again (another worker may have a newer one).
    save_robots(origin, RobotsRecord(200, "User-agent: *\nDisallow: /b", time.time() - ROBOTS_TTL - 1))
    RobotsFile.objects.filter(origin=origin).update(text="User-agent: *\nDisallow: /c", fetched_at=timezone.now())
    with django_assert_num_queries(1):
        assert async_to_sync(cache.load)(origin).text.endswith("/c")
        assert async_to_sync(cache.load)(origin).text.endswith("/c")


@pytest.mark.django_db
def test_grants_on_many_hosts_are_kept_in_a_fixed_number_of_queries(django_assert_num_queries):
    names = [f"n{i}.example" for i in range(12)]
    books = partial(keep_books, holder="a", hold=10, lease=60)
    granted = books([(name, 0.0) for name in names], [])  # hosts never seen: created first, then granted
    assert all(grant and wait == 0 for grant, wait in granted) and Host.objects.count() == 12
    sent = timezone.now()
    returns = [GrantReturn(name, grant, requests=2, last_sent=sent) for name, (grant, _) in zip(names, granted)]
    # a savepoint (the test's transaction); lock the hosts; give back: delete the grants, one UPDATE executed
    # for all hosts; read the grants, insert the new one, write its host's time; release the savepoint
    with django_assert_num_queries(8):
        again = books([(names[0], 30.0), (names[1], 0.0)], returns)
    assert again[0][0] is None and 29 < again[0][1] <= 30  # given back and asked again at once: the gap holds
    assert again[1][0] and list(HostSlot.objects.values_list("host__name", flat=True)) == [names[1]]
    assert set(Host.objects.values_list("requests", flat=True)) == {2}
    assert Host.objects.get(name=names[5]).last_request_at == sent
    assert books([(names[1], 0.0)], [])[0] == again[1]  # renewed
    assert keep_books([(names[1], 0.0)], [], holder="b", hold=10, lease=60)[0] == (None, HELD_HOST_RETRY)
