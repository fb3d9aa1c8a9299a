"""Outlet, latest, text-only and contact pages; related items; feeds, sitemaps, robots.txt and link previews."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from sitekit import (
    DISCLAIMER,
    LAVROV_TITLE,
    LAVROV_URL,
    ZWNJ,
    has_persian,
    make_article,
    make_source,
    parse,
    section,
    text_of,
)

from khabar.pipeline.persian import display_digits as shown  # titles as readers see them
from khabar.site.models import ContactMessage
from khabar.sources.models import Category, Feed
from khabar.stories.models import Story

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


# --- outlet and latest pages -----------------------------------------------------------


@pytest.mark.django_db
def test_source_page_lists_latest_items_and_feed_health(client, mehr, world):
    now = timezone.now()
    Feed.objects.create(source=mehr, url="https://www.mehrnews.com/rss", last_success_at=now - timedelta(minutes=5))
    Feed.objects.create(
        source=mehr,
        url="https://www.mehrnews.com/rss/world",
        error_streak=3,
        last_error="HTTP 503 Service Unavailable",
        last_success_at=None,
    )
    other = make_source("ایسنا", "isna")
    mine = [make_article(mehr, world, title=f"خبر مهر {i}", published_at=now - timedelta(minutes=i)) for i in range(3)]
    make_article(other, world, title="خبر ایسنا")

    response = client.get("/source/mehr/")
    assert response.status_code == 200
    html = text_of(response)
    assert '<h1 class="page-title">«خبرگزاری مهر»</h1>' in html
    assert html.index(shown("خبر مهر 0")) < html.index(shown("خبر مهر 1")) < html.index(shown("خبر مهر 2"))
    assert "خبر ایسنا" not in html
    health = section(html, "خوراک‌های این رسانه")
    ok, failing = health.split('<li class="feed ')[1:3]
    assert ok.startswith("feed-ok") and "سالم" in ok and "آخرین دریافت موفق: <time" in ok
    assert failing.startswith("feed-failing") and "خطا (۳ بار پیاپی)" in failing
    assert "HTTP 503 Service Unavailable" in failing and "هنوز نه" in failing
    assert parse(response).canonical == ["http://testserver/source/mehr/"]
    assert client.get("/source/no-such-outlet/").status_code == 404
    # article pages and lists link the outlet page
    assert 'href="/source/mehr/"' in text_of(client.get(mine[0].get_absolute_url()))


@pytest.mark.django_db
def test_latest_page_paginates_all_categories(client, mehr, world):
    sport = Category.objects.get(slug="sports")
    start = timezone.now()
    for i in range(35):
        make_article(mehr, sport if i % 2 else world, title=f"تازه {i:02d}", published_at=start - timedelta(minutes=i))
    first = text_of(client.get("/latest/"))
    assert first.count('class="article-item"') == 30
    assert first.index(shown("تازه 00")) < first.index(shown("تازه 01")) and shown("تازه 30") not in first
    assert "صفحهٔ ۱ از ۲" in first and '<a class="pager-next" rel="next" href="?page=2">' in first
    second = text_of(client.get("/latest/?page=2"))
    assert second.count('class="article-item"') == 5 and shown("تازه 34") in second
    assert '<a href="/latest/"' in text_of(client.get("/"))  # linked from every page


@pytest.mark.django_db
def test_text_only_article_is_light(client, lavrov):
    response = client.get(f"/news/{lavrov.pk}/text/")
    assert response.status_code == 200
    html = text_of(response)
    assert LAVROV_TITLE in html and "به گزارش خبرگزاری مهر" in html
    assert '<link rel="stylesheet"' not in html and "<img" not in html and "woff2" not in html
    assert f'href="{LAVROV_URL}"' in html and DISCLAIMER in html
    assert len(response.content) < 6000
    assert f'href="/news/{lavrov.pk}/text/"' in text_of(client.get(lavrov.get_absolute_url()))


# --- related items --------------------------------------------------------------------------


@pytest.mark.django_db
def test_related_items_come_from_the_same_story(client, mehr, yjc, world):
    story = Story.objects.create(title="مذاکرات")
    main = make_article(mehr, world, title="خبر اصلی رویداد", story=story)
    same = make_article(yjc, Category.objects.get(slug="politics"), title="روایت دیگر همین رویداد", story=story)
    make_article(mehr, world, title="خبر دیگری در همین دسته")
    related = section(text_of(client.get(main.get_absolute_url())), "همین رویداد در رسانه‌های دیگر")
    assert same.title in related and "خبر دیگری در همین دسته" not in related


@pytest.mark.django_db
def test_related_items_fall_back_to_the_category(client, lavrov, yjc_world):
    related = section(text_of(client.get(lavrov.get_absolute_url())), "خبرهای مرتبط")
    assert all(shown(a.title) in related for a in yjc_world) and LAVROV_TITLE not in related


# --- contact form ------------------------------------------------------------------------


def _token(client: Client, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text_of(client.get(url))).group(1)


@pytest.mark.django_db
def test_contact_form_is_stored_with_csrf_and_thanks(admin_client):
    reader = Client(enforce_csrf_checks=True)
    data = {
        "name": "مینا",
        "email": "mina@example.com",
        "subject": "correction",
        "text": f"در خبر شمارهٔ ۱۲ نام وزیر{ZWNJ}ها اشتباه آمده است.",
    }
    assert reader.post("/contact/", data).status_code == 403  # no token
    response = reader.post("/contact/", {**data, "csrfmiddlewaretoken": _token(reader, "/contact/")})
    assert response.status_code == 302 and response["Location"] == "/contact/thanks/"
    message = ContactMessage.objects.get()
    assert (message.name, message.email, message.subject, message.handled) == (
        "مینا",
        "mina@example.com",
        "correction",
        False,
    )
    assert f"وزیر{ZWNJ}ها" in message.text
    thanks = reader.get("/contact/thanks/")
    assert thanks.status_code == 200 and "سپاس از پیام شما" in text_of(thanks)
    # visible in the admin
    listing = text_of(admin_client.get("/admin/site/contactmessage/"))
    assert "مینا" in listing and "mina@example.com" in listing
    admin_client.post("/admin/site/contactmessage/", {"action": "mark_handled", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.handled


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, error",
    [
        ({"name": "", "subject": "general", "text": "سلام"}, "لطفاً نام خود را بنویسید."),
        ({"name": "علی", "subject": "general", "text": "  "}, "لطفاً متن پیام را بنویسید."),
        ({"name": "علی", "email": "not-an-email", "subject": "general", "text": "سلام"}, "نشانی رایانامه درست نیست"),
        ({"name": "علی", "subject": "nonsense", "text": "سلام"}, "لطفاً موضوع پیام را انتخاب کنید."),
        ({"name": "علی", "subject": "general", "text": "ن" * 5001}, "متن پیام نباید بیش از ۵۰۰۰ نویسه باشد."),
    ],
)
def test_contact_form_validation_in_persian(client, data, error):
    response = client.post("/contact/", data)
    assert response.status_code == 400
    assert error in text_of(response)
    assert ContactMessage.objects.count() == 0


@pytest.mark.django_db
def test_contact_honeypot_and_rate_limit(client):
    data = {"name": "علی", "subject": "general", "text": "سلام"}
    assert client.post("/contact/", {**data, "website": "http://spam"}).status_code == 302
    assert ContactMessage.objects.count() == 0
    for _ in range(3):
        assert client.post("/contact/", data).status_code == 302
    limited = client.post("/contact/", data)
    assert limited.status_code == 429 and "چند دقیقهٔ دیگر" in text_of(limited)
    assert ContactMessage.objects.count() == 3


@pytest.mark.django_db
def test_privacy_page_tells_what_is_stored(client):
    html = text_of(client.get("/privacy/"))
    for fact in (
        "نشانی IP",
        "CSRF",
        "درهم‌ساز",
        "هر روز عوض می‌شود",
        "هرگز در پایگاه داده نوشته نمی‌شود",
        "فرم تماس",
        "مرورگر شما هنگام خواندن خبر به سایت رسانه‌ها وصل نمی‌شود",
        "ربات",
    ):
        assert fact in html, fact


# --- feeds ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rss_and_atom_of_home_category_and_top(client, lavrov, yjc_world, mehr):
    sport = make_article(mehr, Category.objects.get(slug="sports"), title="خبر ورزشی خوراک", lead="لید ورزشی")
    for url, present, absent in (
        ("/feeds/latest.rss", [sport.title, LAVROV_TITLE], []),
        ("/feeds/category/world.rss", [LAVROV_TITLE], [sport.title]),
        ("/feeds/top.rss", [sport.title], []),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
        channel = ET.fromstring(response.content).find("channel")
        assert has_persian(channel.findtext("title")) and channel.findtext("language") == "fa"
        titles = [item.findtext("title") for item in channel.findall("item")]
        assert all(t in titles for t in present) and not any(t in titles for t in absent), url
        item = next(i for i in channel.findall("item") if i.findtext("title") == titles[0])
        assert item.findtext("link").startswith("http://testserver/news/") and item.findtext("pubDate")
    sport_item = next(
        i
        for i in ET.fromstring(client.get("/feeds/latest.rss").content).iter("item")
        if i.findtext("title") == sport.title
    )
    assert sport_item.findtext("description") == "«خبرگزاری مهر»: لید ورزشی"
    assert sport_item.findtext("category") == "ورزشی"

    for url in ("/feeds/latest.atom", "/feeds/category/world.atom", "/feeds/top.atom"):
        feed = ET.fromstring(client.get(url).content)
        assert feed.tag == f"{ATOM}feed" and feed.findall(f"{ATOM}entry")
    assert client.get("/feeds/category/nothing.rss").status_code == 404
    # pages announce their feeds
    home = parse(client.get("/"))
    assert ("alternate", "/feeds/latest.rss") in home.other_links and (
        "alternate",
        "/feeds/latest.atom",
    ) in home.other_links
    assert ("alternate", "/feeds/category/world.rss") in parse(client.get("/category/world/")).other_links


# --- sitemaps and robots.txt ------------------------------------------------------------------


@pytest.mark.django_db
def test_sitemaps_and_robots(client, lavrov, yjc_world):
    hidden = make_article(yjc_world[0].source, yjc_world[0].category, title="پنهان", hidden=True)
    robots = text_of(client.get("/robots.txt"))
    assert (
        "Sitemap: http://testserver/sitemap.xml" in robots and "Sitemap: http://testserver/sitemap-news.xml" in robots
    )
    assert "Disallow: /admin/" in robots

    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert (
        "http://testserver/sitemap-articles.xml" in sections and "http://testserver/sitemap-categories.xml" in sections
    )
    articles = [loc.text for loc in ET.fromstring(client.get("/sitemap-articles.xml").content).iter(f"{SITEMAP}loc")]
    assert f"http://testserver/news/{lavrov.pk}/" in articles and f"http://testserver/news/{hidden.pk}/" not in articles
    pages = [loc.text for loc in ET.fromstring(client.get("/sitemap-pages.xml").content).iter(f"{SITEMAP}loc")]
    assert "http://testserver/about/" in pages and "http://testserver/latest/" in pages
    categories = text_of(client.get("/sitemap-categories.xml"))
    assert "http://testserver/category/world/" in categories
    assert "http://testserver/source/mehr/" in text_of(client.get("/sitemap-sources.xml"))


@pytest.mark.django_db
def test_news_sitemap_has_the_last_two_days(client, lavrov, yjc_world):
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    urls = root.findall(f"{SITEMAP}url")
    locs = [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert locs == [f"http://testserver/news/{a.pk}/" for a in yjc_world]  # Lavrov (2021) is too old
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}name") == "خبر"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}language") == "fa"
    assert news.findtext(f"{NEWS}title") == yjc_world[0].title
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:30$", news.findtext(f"{NEWS}publication_date"))


@pytest.mark.django_db
def test_site_url_setting_makes_absolute_urls(client, lavrov, settings):
    settings.KHABAR_SITE_URL = "https://khabar.example"
    assert "Sitemap: https://khabar.example/sitemap.xml" in text_of(client.get("/robots.txt"))
    assert f"https://khabar.example/news/{lavrov.pk}/" in text_of(client.get("/sitemap-articles.xml"))
    assert parse(client.get(lavrov.get_absolute_url())).canonical == [f"https://khabar.example/news/{lavrov.pk}/"]


# --- link previews and structured data -------------------------------------------------------------


@pytest.mark.django_db
def test_article_opengraph_twitter_and_news_article_json_ld(client, lavrov):
    lavrov.image_url = "https://img.example.ir/lavrov.jpg"
    lavrov.title = "لاوروف: </script><script>alert(1)</script>"
    lavrov.save()
    html = text_of(client.get(lavrov.get_absolute_url()))
    head = html.split("</head>", 1)[0]
    url = f"http://testserver/news/{lavrov.pk}/"
    assert f'<meta property="og:url" content="{url}">' in head
    assert '<meta property="og:type" content="article">' in head
    assert f'<meta property="og:image" content="http://testserver/img/{lavrov.pk}/">' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert '<meta property="article:published_time" content="2021-10-19T15:44:00+03:30">' in head
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1)
    assert "</script" not in raw  # the headline cannot end the element
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle" and data["isBasedOn"] == LAVROV_URL
    assert data["headline"] == lavrov.title and data["datePublished"] == "2021-10-19T15:44:00+03:30"
    assert data["mainEntityOfPage"]["@id"] == url and data["image"] == [f"http://testserver/img/{lavrov.pk}/"]
    assert data["sourceOrganization"]["name"] == "خبرگزاری مهر" and data["articleSection"] == f"بین{ZWNJ}الملل"


@pytest.mark.django_db
def test_list_pages_have_canonical_and_opengraph(client, lavrov):
    for url in ("/", "/latest/", "/category/world/", "/source/mehr/", "/about/"):
        html = text_of(client.get(url))
        page = parse(client.get(url))
        assert page.canonical == [f"http://testserver{url}"], url
        assert f'<meta property="og:url" content="http://testserver{url}">' in html, url
        assert '<meta name="twitter:card" content="summary">' in html, url
