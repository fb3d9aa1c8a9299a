"""The console's sources list and outlet page: health, filters, polls, actions, and bounded queries at scale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from consolekit import make_user, signed_in
from django.urls import reverse
from django.utils import timezone
from sitekit import make_article, make_source, text_of

from khabar.console.models import AuditEntry
from khabar.crawler.feed_health import log_check
from khabar.news.models import Article
from khabar.pipeline.records import FeedRefresh, FetchResult
from khabar.sources.models import Feed, FeedCheck, Source, UrlChange


@pytest.fixture
def staff_client(db):
    return signed_in(make_user("operator", staff=True))


@pytest.fixture
def outlets(world):
    now = timezone.now()
    healthy = make_source("خبرگزاری سالم", "healthy")
    Feed.objects.create(source=healthy, url="https://healthy.example/rss", last_success_at=now, last_fetch_seconds=0.4)
    for hours in range(0, 48, 2):  # publishes every two hours
        make_article(healthy, world, fetched_at=now - timedelta(hours=hours), published_at=now - timedelta(hours=hours))
    failing = make_source("روزنامهٔ خطادار", "failing")
    Feed.objects.create(
        source=failing,
        url="https://failing.example/feed.xml",
        error_streak=4,
        error_kind="http",
        failure_class="wrong_url",
        last_error="HTTP 404 Not Found",
        last_error_at=now,
        failing_since=now - timedelta(hours=9),
    )
    paused = make_source("پایگاه متوقف", "paused")
    Feed.objects.create(source=paused, url="https://paused.example/rss", paused_at=now, error_streak=40)
    quiet = make_source("رسانهٔ ساکت", "quiet")
    Feed.objects.create(source=quiet, url="https://quiet.example/rss", last_success_at=now)
    for hours in range(30, 30 + 24 * 5, 3):  # every three hours, until 30 hours ago
        make_article(quiet, world, fetched_at=now - timedelta(hours=hours), published_at=now - timedelta(hours=hours))
    return {"healthy": healthy, "failing": failing, "paused": paused, "quiet": quiet}


def names_listed(html: str, outlets) -> set[str]:
    return {key for key, source in outlets.items() if source.name in html}


@pytest.mark.django_db
def test_sources_list_shows_badges_and_sparklines(staff_client, outlets):
    html = text_of(staff_client.get(reverse("console:sources")))
    assert names_listed(html, outlets) == set(outlets)
    assert 'class="badge badge-failing">خطادار' in html and 'class="badge badge-paused">متوقف' in html
    assert 'class="badge badge-quiet">ساکت' in html
    assert html.count('class="chart sparkline"') == 4
    assert html.index("پایگاه متوقف") < html.index("روزنامهٔ خطادار") < html.index("خبرگزاری سالم")  # problems first


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, expected",
    [
        ({"show": "failing"}, {"failing"}),
        ({"show": "paused"}, {"paused"}),
        ({"show": "quiet"}, {"quiet"}),
        ({"q": "روزنامه"}, {"failing"}),
    ],
)
def test_sources_list_filters(staff_client, outlets, params, expected):
    html = text_of(staff_client.get(reverse("console:sources"), params))
    assert names_listed(html, outlets) == expected


@pytest.mark.django_db
def test_failing_outlets_page_shows_its_error_polls_and_url_changes(staff_client, outlets):
    feed = outlets["failing"].feeds.get()
    log_check(
        feed,
        FeedRefresh(feed.url, fetch=FetchResult(feed.url, status=200, content=b"x" * 2048, elapsed=1.5)),
        3,
        timezone.now(),
    )
    refresh = FeedRefresh(
        feed.url, fetch=FetchResult(feed.url, status=404, elapsed=0.2), error="HTTP 404 Not Found", error_kind="http"
    )
    log_check(feed, refresh, 0, timezone.now())
    UrlChange.objects.create(
        source=outlets["failing"],
        feed=feed,
        old_url="https://failing.example/old.xml",
        new_url=feed.url,
        reason="301 from the old address",
    )
    html = text_of(staff_client.get(reverse("console:source", args=["failing"])))
    assert "نشانی نادرست" in html and "HTTP 404 Not Found" in html  # the error class in Persian, and the message
    assert "(خطای HTTP)" in html  # the error kind in the words of `khabar sources status`
    assert "https://failing.example/old.xml" in html  # the URL change
    polls = html[html.index("آخرین بررسی‌ها") :]
    assert "<td>۴۰۴" in polls and "<td>۲۰۰" in polls  # the polls table, newest first
    assert polls.index("<td>۴۰۴") < polls.index("<td>۲۰۰")
    assert "<polyline" in html  # the response-time chart


@pytest.mark.django_db
def test_only_the_last_polls_of_a_feed_are_kept(outlets):
    feed = outlets["healthy"].feeds.get()
    now = timezone.now()
    for i in range(FeedCheck.KEEP + 7):
        log_check(feed, FeedRefresh(feed.url, fetch=FetchResult(feed.url, status=200, elapsed=0.1)), i, now)
    kept = FeedCheck.objects.filter(feed=feed)
    assert kept.count() == FeedCheck.KEEP
    assert min(kept.values_list("new_items", flat=True)) == 7  # the oldest went first


@pytest.mark.django_db
def test_pause_resume_check_and_edit_are_done_and_audited(staff_client, outlets, world):
    slug = "healthy"
    feed = outlets[slug].feeds.get()
    staff_client.post(reverse("console:source_pause", args=[slug]), {"reason": "تعمیر سایت رسانه"})
    assert not Feed.objects.crawlable().filter(pk=feed.pk).exists()  # neither checked nor rediscovered
    assert 'badge-paused">متوقف' in text_of(staff_client.get(reverse("console:source", args=[slug])))
    Feed.objects.filter(pk=feed.pk).update(paused_at=timezone.now())  # and paused after failing for days
    staff_client.post(reverse("console:source_resume", args=[slug]))
    feed.refresh_from_db()
    assert feed.paused_at is None and Feed.objects.crawlable().filter(pk=feed.pk).exists()
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now() + timedelta(hours=3))
    staff_client.post(reverse("console:source_check", args=[slug]))
    feed.refresh_from_db()
    assert feed.next_check_at <= timezone.now() and "گرداننده" in feed.next_check_reason
    staff_client.post(reverse("console:source_edit", args=[slug]), {"weight": "2.5", "category": world.pk})
    feed.refresh_from_db()
    assert Source.objects.get(slug=slug).weight == 2.5 and feed.category == world
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["source_pause", "source_resume", "source_check", "source_edit"]
    assert AuditEntry.objects.get(action="source_pause").reason == "تعمیر سایت رسانه"
    response = staff_client.post(reverse("console:source_edit", args=[slug]), {"weight": "-3"})
    assert Source.objects.get(slug=slug).weight == 2.5 and response.status_code == 302


@pytest.mark.django_db
@pytest.mark.slow
def test_console_pages_keep_bounded_queries_with_500_outlets_and_100000_articles(
    staff_client, world, django_assert_max_num_queries
):
    now = timezone.now()
    sources = Source.objects.bulk_create(
        [Source(name=f"رسانهٔ {i}", slug=f"outlet-{i}", homepage=f"https://o{i}.example/") for i in range(500)]
    )
    feeds = Feed.objects.bulk_create(
        [
            Feed(source=s, url=f"https://o{i}.example/rss", host=f"o{i}.example", error_streak=i % 7 == 0)
            for i, s in enumerate(sources)
        ]
    )
    FeedCheck.objects.bulk_create(
        [FeedCheck(feed=feeds[0], checked_at=now - timedelta(minutes=i), status=200, seconds=0.3) for i in range(50)]
    )
    Article.objects.bulk_create(
        (
            Article(
                source=sources[i % 500],
                feed=feeds[i % 500],
                category=world,
                url=f"https://o{i % 500}.example/news/{i}",
                title=f"خبر {i}",
                published_at=now - timedelta(minutes=i // 5),
                fetched_at=now - timedelta(minutes=i // 5),
            )
            for i in range(100_000)
        ),
        batch_size=5000,
    )
    pages = [
        reverse("console:overview"),
        reverse("console:sources"),
        reverse("console:sources") + "?show=failing",
        reverse("console:sources") + "?q=رسانه",
        reverse("console:source", args=["outlet-0"]),
        reverse("console:audit"),
        reverse("console:takedowns"),
        reverse("console:comments"),
        reverse("console:inbox"),
    ]
    for page in pages:
        with django_assert_max_num_queries(15):
            assert staff_client.get(page).status_code == 200, page
