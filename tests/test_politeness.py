"""Per-host limits hold for every worker together, as the news web's request log shows."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from khabar.crawler.demo import register_newsweb
from khabar.crawler.hosts import free_slot, reserve_slot
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.sources.models import Feed, Host, HostSlot

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
    assert not HostSlot.objects.exists()  # every slot given back


@pytest.mark.django_db
def test_slots_are_limited_spaced_expire_and_respect_pauses():
    def take(holder="a", gap=0.0):
        return reserve_slot("news.example", per_host=2, gap=gap, holder=holder, lease=60)

    first, second, third = take(), take(), take()
    assert first[0] and second[0] and third == (None, pytest.approx(0.05))  # two in flight at most
    assert abs(first[1] - time.time()) < 5  # granted now
    free_slot(first[0], "news.example", pause=0)
    assert take()[0]
    HostSlot.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # holders died mid-request
    slot, wait = take(gap=30)
    assert slot is None and 29 < wait <= 30  # the gap since the last request
    Host.objects.update(last_request_at=timezone.now() - timedelta(seconds=60))
    slot, _ = take(gap=30)
    assert slot
    free_slot(slot, "news.example", pause=120)  # Retry-After
    slot, wait = take()
    assert slot is None and 110 < wait <= 120
