"""Readers' engagement: view counting («پربازدیدها») and comments («پربحث‌ترین‌ها»)."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from sitekit import COMMENT_PENDING, ZWNJ, has_persian, make_article, section, text_of

from khabar.news.models import Article
from khabar.site import view_counter
from khabar.site.forms import LINK_IN_NAME, TOO_MANY_LINKS
from khabar.site.models import ArticleDailyViews, Comment
from khabar.site.selectors import most_viewed

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}


def view(client, article: Article, **headers):
    """What a reader's browser sends once an article page is shown (the page script's beacon)."""
    return client.post(reverse("site:article_seen", args=[article.pk]), **headers)


def add_views(article: Article, day, count: int) -> None:
    ArticleDailyViews.objects.create(article=article, day=day, count=count)


# --- «پربازدیدها» -------------------------------------------------------------------


@pytest.mark.django_db
def test_most_viewed_ranks_by_views_of_the_last_24_hours(client, mehr, world):
    today = timezone.now().astimezone(dt_timezone.utc).date()
    popular = make_article(mehr, world, title="خبر پربازدید امروز")
    quiet = make_article(mehr, world, title="خبر کم‌بازدید امروز")
    old_hit = make_article(mehr, world, title="خبر پربازدید ده روز پیش")
    unseen = make_article(mehr, world, title="خبر بی‌بازدید")
    hidden = make_article(mehr, world, title="خبر پنهان پربازدید", hidden=True)
    add_views(popular, today, 50)
    add_views(quiet, today, 3)
    add_views(old_hit, today - timedelta(days=10), 900)
    add_views(hidden, today, 5000)

    viewed = section(text_of(client.get("/")), "پربازدیدها")
    assert viewed.index(popular.title) < viewed.index(quiet.title)
    for absent in (old_hit, unseen, hidden):
        assert absent.title not in viewed


def test_24_hour_window_weighs_yesterday_by_the_part_still_inside(db, mehr, world):
    now = datetime(2025, 11, 20, 6, 0, tzinfo=dt_timezone.utc)  # a quarter of today has passed
    today = now.date()
    yesterday_hit = make_article(mehr, world, title="پربازدید دیروز")
    today_hit = make_article(mehr, world, title="پربازدید امروز")
    add_views(yesterday_hit, today - timedelta(days=1), 100)  # 75 of them fall in the last 24 h
    add_views(today_hit, today, 80)
    assert [a.pk for a in most_viewed(now=now)] == [today_hit.pk, yesterday_hit.pk]
    assert [a.recent_views for a in most_viewed(now=now)] == [80, 75]
    # late in the day, yesterday's share shrinks further
    late = now.replace(hour=23)
    assert most_viewed(now=late)[1].recent_views == round(100 * (1 - 23 / 24))


def test_most_viewed_tops_up_from_the_last_7_days(db, mehr, world):
    now = timezone.now().astimezone(dt_timezone.utc)
    today = now.date()
    this_week = make_article(mehr, world, title="پربازدید هفته")
    too_old = make_article(mehr, world, title="پربازدید هشت روز پیش")
    fresh = make_article(mehr, world, title="پربازدید امروز")
    add_views(this_week, today - timedelta(days=3), 700)
    add_views(too_old, today - timedelta(days=8), 900)
    add_views(fresh, today, 2)
    # the 24-hour list comes first, then the week fills the box
    assert [a.pk for a in most_viewed(now=now)] == [fresh.pk, this_week.pk]


# --- counting views -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_view_is_buffered_then_flushed_in_one_batch(client, lavrov):
    with CaptureQueriesContext(connection) as queries:
        assert view(client, lavrov, **BROWSER).status_code == 204
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert view_counter.pending() == 1
    assert ArticleDailyViews.objects.count() == 0

    assert view_counter.flush() == 1
    today = timezone.now().date()
    assert ArticleDailyViews.objects.get(article=lavrov, day=today).count == 1
    lavrov.refresh_from_db()
    assert lavrov.view_count == 1
    assert view_counter.pending() == 0 and view_counter.flush() == 0


@pytest.mark.django_db
def test_one_view_per_visitor_per_article_per_half_hour(client, lavrov, mehr, world):
    other = make_article(mehr, world)
    for _ in range(3):
        view(client, lavrov, **BROWSER)
    view(client, other, **BROWSER)
    # another visitor: another address, or the same address with another browser
    view(client, lavrov, REMOTE_ADDR="10.1.2.3", **BROWSER)
    view(client, lavrov, HTTP_USER_AGENT="Mozilla/5.0 (Android 14) Chrome/131.0 Mobile")
    assert view_counter.flush() == 4
    counts = dict(ArticleDailyViews.objects.values_list("article_id", "count"))
    assert counts == {lavrov.pk: 3, other.pk: 1}


@pytest.mark.django_db
def test_no_address_or_browser_is_kept_in_the_database_or_the_cache(client, lavrov):
    # The cache in a table of its own (Django's database backend) so that every key and value can be read.
    with override_settings(CACHES={"default": {"BACKEND": DATABASE_CACHE, "LOCATION": "khabar_probe_cache"}}):
        call_command("createcachetable", verbosity=0)
        view(client, lavrov, REMOTE_ADDR="203.0.113.77", **BROWSER)
        view(client, lavrov, REMOTE_ADDR="203.0.113.77", **BROWSER)  # the same visitor again
        assert view_counter.flush() == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key, value FROM khabar_probe_cache")
            entries = [(key, base64.b64decode(value)) for key, value in cursor.fetchall()]
    assert any(":seen:" in key for key, _ in entries)  # the visitor is remembered...
    for key, value in entries:  # ...by a keyed hash only
        assert "203.0.113.77" not in key and "Firefox" not in key
        assert b"203.0.113.77" not in value and b"Firefox" not in value
    for model in (ArticleDailyViews, Comment):
        for row in model.objects.values():
            assert "203.0.113.77" not in str(row) and "Firefox" not in str(row)


@pytest.mark.django_db
def test_the_same_visitor_counts_again_after_half_an_hour(client, lavrov, monkeypatch):
    view(client, lavrov, REMOTE_ADDR="203.0.113.77", **BROWSER)
    assert view_counter.flush() == 1
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60)  # the cache's clock
    view(client, lavrov, REMOTE_ADDR="203.0.113.77", **BROWSER)
    assert view_counter.flush() == 0
    monkeypatch.setattr(time, "time", lambda: start + 31 * 60)
    view(client, lavrov, REMOTE_ADDR="203.0.113.77", **BROWSER)
    assert view_counter.flush() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; YandexSpider)"},
        {"HTTP_USER_AGENT": "SomeCrawler/1.0"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0"},
        {"HTTP_USER_AGENT": "python-httpx/0.28"},
        {"HTTP_USER_AGENT": ""},
        {**BROWSER, "HTTP_PURPOSE": "prefetch"},
        {**BROWSER, "HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {**BROWSER, "HTTP_X_MOZ": "prefetch"},
    ],
)
def test_bots_and_prefetches_are_not_counted(client, lavrov, headers):
    assert view(client, lavrov, **headers).status_code == 204
    assert view_counter.pending() == 0


@pytest.mark.django_db
def test_head_requests_and_comment_posts_are_not_views(client, lavrov):
    assert client.head(lavrov.get_absolute_url(), **BROWSER).status_code == 200
    client.post(reverse("site:comment", args=[lavrov.pk]), {"name": "علی", "text": "نظر"}, **BROWSER)
    assert view_counter.pending() == 0


@pytest.mark.django_db
def test_article_pages_count_nothing_the_beacon_does(client, lavrov):
    """Counting is off the page's path: serving (fresh or cached) does no per-reader work."""
    client.get(lavrov.get_absolute_url(), **BROWSER)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lavrov.get_absolute_url(), REMOTE_ADDR="10.9.9.9", **BROWSER)
    assert response.status_code == 200 and len(queries.captured_queries) == 0  # served from the page cache
    assert view_counter.pending() == 0
    assert f'data-view-beacon="/news/{lavrov.pk}/seen/"' in text_of(response)
    with CaptureQueriesContext(connection) as queries:
        view(client, lavrov, REMOTE_ADDR="10.9.9.9", **BROWSER)
    assert len(queries.captured_queries) == 0 and view_counter.pending() == 1
    assert client.get(reverse("site:article_seen", args=[lavrov.pk]), **BROWSER).status_code == 405


@pytest.mark.django_db
def test_flush_on_threshold(client, lavrov, settings):
    settings.KHABAR_VIEWS_FLUSH_THRESHOLD = 3
    for i in range(3):
        view(client, lavrov, REMOTE_ADDR=f"10.0.0.{i}", **BROWSER)
    assert view_counter.pending() == 0  # the third view wrote all three
    assert ArticleDailyViews.objects.get(article=lavrov).count == 3


@pytest.mark.django_db(transaction=True)
def test_periodic_flush_from_the_background_thread(client, mehr, world, settings):
    import time

    article = make_article(mehr, world)
    settings.KHABAR_VIEWS_FLUSH_SECONDS = 0.2
    view(client, article, **BROWSER)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not ArticleDailyViews.objects.filter(article=article).exists():
        time.sleep(0.05)
    settings.KHABAR_VIEWS_FLUSH_SECONDS = 0  # the thread stops at its next wake-up
    assert ArticleDailyViews.objects.get(article=article).count == 1


def test_flush_keeps_a_week_and_adds_to_existing_rows(db, lavrov):
    today = timezone.now().date()
    add_views(lavrov, today, 5)
    add_views(lavrov, today - timedelta(days=9), 1)  # older than the window: pruned
    view_counter._buffer._pruned_day = None
    view_counter._buffer.add(lavrov.pk, today)
    view_counter._buffer.add(lavrov.pk, today)
    assert view_counter.flush() == 2
    assert list(ArticleDailyViews.objects.values_list("day", "count")) == [(today, 7)]


def test_views_of_deleted_articles_are_dropped(db, lavrov):
    view_counter._buffer.add(lavrov.pk + 1000, timezone.now().date())
    assert view_counter.flush() == 0


# --- comments ---------------------------------------------------------------------


@pytest.mark.django_db
def test_comment_without_csrf_token_is_rejected(lavrov):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/news/{lavrov.pk}/comment/", {"name": "علی", "text": "نظر بدون توکن"})
    assert response.status_code == 403
    assert "CSRF" in text_of(response) and has_persian(text_of(response))
    assert Comment.objects.count() == 0


def _csrf_post(client: Client, article: Article, data: dict):
    assert 'data-csrf="/csrf/"' in text_of(client.get(article.get_absolute_url()))
    token = client.get("/csrf/").json()["token"]  # as the page script fetches it
    return client.post(reverse("site:comment", args=[article.pk]), {**data, "csrfmiddlewaretoken": token})


@pytest.mark.django_db
def test_comment_is_stored_unapproved_then_shown_when_approved(lavrov):
    strict = Client(enforce_csrf_checks=True)
    text = f"این تحلیل به{ZWNJ}نظرم دقیق است.\n<script>alert('x')</script>"
    response = _csrf_post(strict, lavrov, {"name": "مریم", "text": text})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/news/{lavrov.pk}/")

    comment = Comment.objects.get()
    assert comment.article == lavrov and comment.name == "مریم" and comment.approved is False
    assert f"به{ZWNJ}نظرم" in comment.text

    after = text_of(strict.get(response["Location"]))
    assert COMMENT_PENDING in after
    assert "این تحلیل" not in after

    comment.approved = True
    comment.save()  # a moderator's approval refreshes the cached page
    shown = text_of(strict.get(lavrov.get_absolute_url()))
    assert "این تحلیل" in shown and "مریم" in shown
    assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
    assert COMMENT_PENDING not in shown
    # an approved comment counts for «پربحث‌ترین‌ها»
    assert "۱ نظر" in section(shown, "پربحث‌ترین‌ها")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "text": "نظر"}, "لطفاً نام خود را بنویسید."),
        ({"name": "   ", "text": "نظر"}, "لطفاً نام خود را بنویسید."),
        ({"name": "علی", "text": ""}, "لطفاً متن نظر را بنویسید."),
        ({"name": "ع" * 81, "text": "نظر"}, "نام نباید بیش از ۸۰ نویسه باشد."),
        ({"name": "علی", "text": "ن" * 2001}, "متن نظر نباید بیش از ۲۰۰۰ نویسه باشد."),
    ],
)
def test_invalid_comment_shows_persian_errors(client, lavrov, data, message):
    response = client.post(reverse("site:comment", args=[lavrov.pk]), data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_comment_limits_accept_maximum_length(client, lavrov):
    response = client.post(reverse("site:comment", args=[lavrov.pk]), {"name": "ع" * 80, "text": "ن" * 2000})
    assert response.status_code == 302
    assert Comment.objects.filter(approved=False).count() == 1


@pytest.mark.django_db
def test_comment_honeypot_is_not_stored(client, lavrov):
    response = client.post(
        reverse("site:comment", args=[lavrov.pk]), {"name": "بات", "text": "تبلیغ", "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_comment_admin_actions(admin_client, lavrov):
    comment = Comment.objects.create(article=lavrov, name="رضا", text="نظر")
    response = admin_client.post("/admin/site/comment/", {"action": "approve", "_selected_action": [comment.pk]})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.approved
    admin_client.post("/admin/site/comment/", {"action": "unapprove", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert not comment.approved
    assert admin_client.get("/admin/site/comment/?approved__exact=0").status_code == 200


# --- comment limits and moderation ------------------------------------------------------


def post_comment(client, article, text="نظر خوبی است", name="سارا", **extra):
    return client.post(reverse("site:comment", args=[article.pk]), {"name": name, "text": text}, **extra)


@pytest.mark.django_db
def test_three_comments_per_visitor_per_ten_minutes(client, lavrov):
    for i in range(3):
        assert post_comment(client, lavrov, text=f"نظر شمارهٔ {i}").status_code == 302
    blocked = post_comment(client, lavrov, text="نظر چهارم")
    assert blocked.status_code == 429
    assert "چند دقیقهٔ دیگر دوباره تلاش کنید" in text_of(blocked)
    assert Comment.objects.count() == 3
    # another visitor is not affected
    assert post_comment(client, lavrov, text="از جای دیگر", REMOTE_ADDR="198.51.100.8").status_code == 302
    assert Comment.objects.count() == 4


@pytest.mark.django_db
def test_the_rate_limit_forgets_after_ten_minutes(rf, lavrov):
    from khabar.site.visitors import within_rate

    request = rf.post("/", REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT="Mozilla/5.0")
    assert all(within_rate(request, "comment", 3, 600, now=1000.0 + i) for i in range(3))
    assert not within_rate(request, "comment", 3, 600, now=1500.0)
    assert within_rate(request, "comment", 3, 600, now=1000.0 + 601)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, accepted",
    [
        ("منبع خبر: https://www.irna.ir/news/1", True),
        ("ببینید www.example.com و http://spam.example/x", False),
        ("دو پیوند: spam.ir و spam2.com", False),
        ("سه پیوند https://a.ir https://b.ir https://c.ir", False),
        ("عدد ۱۲.۵ درصد و ساعت 10.30 پیوند نیست.", True),
    ],
)
def test_at_most_one_link_per_comment(client, lavrov, text, accepted):
    response = post_comment(client, lavrov, text=text)
    assert (response.status_code == 302) is accepted
    if not accepted:
        assert response.status_code == 400 and TOO_MANY_LINKS in text_of(response)
    assert Comment.objects.count() == int(accepted)


@pytest.mark.django_db
def test_no_link_in_the_name(client, lavrov):
    response = post_comment(client, lavrov, name="buy-now.com")
    assert response.status_code == 400 and LINK_IN_NAME in text_of(response)


@pytest.mark.django_db
def test_a_link_in_an_approved_comment_is_plain_text(client, lavrov):
    Comment.objects.create(article=lavrov, name="رضا", text="ببینید https://example.ir/x <b>مهم</b>", approved=True)
    html = text_of(client.get(lavrov.get_absolute_url()))
    shown = html.split('class="comment-text"', 1)[1].split("</div>", 1)[0]
    assert "https://example.ir/x" in shown and "<a " not in shown
    assert "&lt;b&gt;مهم&lt;/b&gt;" in shown


@pytest.mark.django_db
def test_without_moderation_comments_appear_at_once(client, lavrov, settings):
    settings.KHABAR_COMMENTS_MODERATED = False
    client.get(lavrov.get_absolute_url())  # cached before the comment
    response = post_comment(client, lavrov, text="بدون نیاز به تأیید")
    assert Comment.objects.get().approved is True
    after = text_of(client.get(response["Location"]))
    assert "نظر شما منتشر شد" in after and COMMENT_PENDING not in after
    assert "بدون نیاز به تأیید" in after  # the cached page was refreshed
    assert "۱ نظر" in section(after, "پربحث‌ترین‌ها")


@pytest.mark.django_db
def test_moderation_is_on_by_default(client, lavrov):
    post_comment(client, lavrov)
    assert Comment.objects.get().approved is False
    assert "نظرها پس از بررسی و تأیید منتشر می‌شوند" in text_of(client.get(lavrov.get_absolute_url()))


@pytest.mark.django_db
def test_approving_in_the_admin_refreshes_cached_pages(admin_client, client, lavrov):
    comment = Comment.objects.create(article=lavrov, name="نگار", text="نظری برای تأیید")
    assert "نظری برای تأیید" not in text_of(client.get(lavrov.get_absolute_url()))
    admin_client.post("/admin/site/comment/", {"action": "approve", "_selected_action": [comment.pk]})
    assert "نظری برای تأیید" in text_of(client.get(lavrov.get_absolute_url()))
