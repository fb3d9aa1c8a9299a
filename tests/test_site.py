"""The reader's website: article, home, category and top pages, Persian dates, static files."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from sitekit import (
    COPYRIGHT,
    DISCLAIMER,
    FOOTER_LINKS,
    LAVROV_LEAD,
    LAVROV_P1,
    LAVROV_P2,
    LAVROV_TIME,
    LAVROV_TITLE,
    LAVROV_URL,
    NO_NEWS,
    TOP_LINK,
    YJC_LEADS,
    ZWNJ,
    has_persian,
    make_article,
    parse,
    text_of,
)

from khabar.news.models import Article, ArticleImage
from khabar.pipeline.persian import display_digits as shown  # titles as readers see them
from khabar.pipeline.persian import to_persian_digits
from khabar.site.models import Comment
from khabar.site.templatetags.persian import fa_digits, http_url, jalali, jalali_date
from khabar.sources.models import Category

# --- filters ------------------------------------------------------------------


def test_filters():
    assert jalali(LAVROV_TIME) == "۱۵:۴۴ - ۲۷ مهر ۱۴۰۰"
    assert jalali_date(LAVROV_TIME) == "۲۷ مهر ۱۴۰۰"
    assert jalali(None) == "" and jalali_date(None) == ""
    assert fa_digits(11279483) == "۱۱۲۷۹۴۸۳"
    assert fa_digits("٣ و 4") == "۳ و ۴"
    assert http_url("https://www.mehrnews.com/x") == "https://www.mehrnews.com/x"
    assert http_url("javascript:alert(1)") == ""
    assert http_url("/relative") == ""


# --- article page -------------------------------------------------------------


@pytest.mark.django_db
def test_article_page_shows_reference_elements(client, lavrov, yjc_world, world):
    response = client.get(f"/news/{lavrov.pk}/")
    assert response.status_code == 200
    html = text_of(response)

    assert '<html lang="fa" dir="rtl">' in html
    assert 'name="viewport"' in html
    # category (linked), Jalali Tehran time, headline, lead, body
    assert f'href="{world.get_absolute_url()}"' in html
    assert f"بین{ZWNJ}الملل" in html
    assert '<time datetime="2021-10-19T15:44:00+03:30">۱۵:۴۴ - ۲۷ مهر ۱۴۰۰</time>' in html
    assert LAVROV_TITLE in html
    assert LAVROV_LEAD in html
    # body paragraphs take their direction from their own text (Persian and Latin mix)
    assert f'<p dir="auto">{LAVROV_P1}</p>' in html and f'<p dir="auto">{LAVROV_P2}</p>' in html
    # outlet credit linking the original, the site's own id in Persian digits
    assert re.search(r'<a href="' + re.escape(LAVROV_URL) + r'" rel="noopener nofollow">«خبرگزاری مهر»</a>', html)
    assert f"کد خبر: <span>{to_persian_digits(lavrov.pk)}</span>" in html
    # «مهم‌ترین اخبار بین‌الملل»: «outlet» + lead items
    assert f"مهم{ZWNJ}ترین اخبار بین{ZWNJ}الملل" in html
    box = html.split(f"مهم{ZWNJ}ترین اخبار بین{ZWNJ}الملل", 1)[1]
    for lead in YJC_LEADS:
        assert f"«باشگاه خبرنگاران»</span> {lead}" in box
    # sidebar lists and the top-stories link
    assert "پربازدیدها" in html
    assert f"پربحث{ZWNJ}ترین{ZWNJ}ها" in html
    assert f'<a href="{reverse("site:top")}">{TOP_LINK}</a>' in html
    # footer
    for name, label in FOOTER_LINKS.items():
        assert f'<a href="{reverse(name)}">{label}</a>' in html
    assert DISCLAIMER in html
    assert COPYRIGHT in html
    # head
    page = parse(response)
    assert page.title.strip().startswith(LAVROV_TITLE)
    assert page.canonical == [f"http://testserver/news/{lavrov.pk}/"]


@pytest.mark.django_db
def test_article_body_text_fallback_and_unsafe_urls(client, mehr, world):
    article = make_article(
        mehr, world, body_text="پاراگراف نخست خبر.\n\nپاراگراف دوم خبر.", image_url="javascript:alert(1)"
    )
    Article.objects.filter(pk=article.pk).update(url="javascript:alert(2)")
    html = text_of(client.get(article.get_absolute_url()))
    assert "<p>پاراگراف نخست خبر.</p>" in html and "<p>پاراگراف دوم خبر.</p>" in html
    assert "javascript:" not in html
    assert "«خبرگزاری مهر»" in html


@pytest.mark.django_db
def test_article_image_goes_through_the_same_origin_proxy(client, mehr):
    article = make_article(
        mehr,
        None,
        image_url="https://img.example.ir/a.jpg",
        body_html='<p>متن</p><figure><img src="https://img.example.ir/b.jpg"><figcaption>عکس</figcaption></figure>',
    )
    # The crawler stored its image (only a stored image is shown: khabar.crawler.article_images).
    ArticleImage.objects.create(article=article, url=article.image_url, content_type="image/jpeg", data=b"\xff\xd8\xff")
    html = text_of(client.get(article.get_absolute_url()))
    assert f'<img src="/img/{article.pk}/" alt="{article.title}"' in html
    assert "img.example.ir" not in html.split("</head>", 1)[1]  # neither the lead image nor body images
    assert '<figcaption dir="auto">عکس</figcaption>' in html
    assert "مهم‌ترین اخبار" not in html  # no category, no «important» box


@pytest.mark.django_db
def test_relative_links_of_a_stored_body_point_to_the_outlet(client, mehr):
    article = make_article(
        mehr, None, body_html='<p>متن <a href="/news/7">خبر مرتبط</a> <a href="javascript:alert(1)">بد</a></p>'
    )
    Article.objects.filter(pk=article.pk).update(url="https://www.mehrnews.com/news/6/x")
    html = text_of(client.get(article.get_absolute_url()))
    assert '<a href="https://www.mehrnews.com/news/7" rel="noopener noreferrer nofollow">خبر مرتبط</a>' in html
    assert "javascript:" not in html


@pytest.mark.django_db
def test_hidden_articles_are_gone_and_missing_ones_404(client, lavrov):
    Article.objects.filter(pk=lavrov.pk).update(hidden=True)
    assert client.get(f"/news/{lavrov.pk}/").status_code == 410  # taken down: gone, not missing
    assert client.get(f"/news/{lavrov.pk}/text/").status_code == 410
    assert client.post(f"/news/{lavrov.pk}/comment/", {"name": "علی", "text": "سلام"}).status_code == 410
    assert client.get("/news/999999/").status_code == 404
    assert Comment.objects.count() == 0
    # hidden articles are in no list either
    assert LAVROV_TITLE not in text_of(client.get("/"))
    assert LAVROV_TITLE not in text_of(client.get("/top/"))


# --- footer pages and static files ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["about", "contact", "advertising", "privacy"])
def test_footer_pages(client, name):
    response = client.get(reverse(f"site:{name}"))
    assert response.status_code == 200
    html = text_of(response)
    page = parse(response)
    assert has_persian(page.title)
    assert page.canonical == [f"http://testserver{reverse(f'site:{name}')}"]
    main = html.split('<main id="content" class="main">', 1)[1].split("</main>", 1)[0]
    assert len(re.findall("[\u0600-\u06ff]", main)) > 80  # real Persian text, not a stub
    assert DISCLAIMER in html and COPYRIGHT in html


@pytest.mark.django_db
def test_about_and_privacy_say_what_they_must(client):
    about = text_of(client.get("/about/"))
    assert "خودکار" in about and "منبع" in about
    privacy = text_of(client.get("/privacy/"))
    assert "IP" in privacy and "CSRF" in privacy and "نظر" in privacy


def test_font_and_stylesheet_are_local_static_files():
    for name in (
        "khabar/site.css",
        "khabar/fonts/Vazirmatn-Regular.woff2",
        "khabar/fonts/Vazirmatn-Bold.woff2",
        "khabar/fonts/OFL.txt",
    ):
        assert finders.find(name), name
    css = open(finders.find("khabar/site.css"), encoding="utf-8").read()
    assert "@font-face" in css and 'url("fonts/Vazirmatn-Regular.woff2")' in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css


@pytest.mark.django_db
def test_font_served_from_static_and_no_external_assets(client, lavrov):
    font = client.get("/static/khabar/fonts/Vazirmatn-Regular.woff2")
    assert font.status_code == 200
    body = b"".join(font.streaming_content) if font.streaming else font.content
    assert body[:4] == b"wOF2"
    css = client.get("/static/khabar/site.css")
    assert css.status_code == 200

    for url in ("/", f"/news/{lavrov.pk}/", "/category/world/", "/top/", "/about/"):
        page = parse(client.get(url))
        assert page.stylesheets == ["/static/khabar/site.css"], url
        for rel, href in page.other_links:
            if rel == "alternate":
                assert href.startswith("/feeds/"), (url, rel, href)  # same-origin RSS/Atom
            elif rel != "canonical":
                assert href.startswith("/static/"), (url, rel, href)
        for src in page.scripts:
            assert not re.match(r"(https?:)?//", src), (url, src)


# --- home ---------------------------------------------------------------------


@pytest.mark.django_db
def test_home_without_articles_says_no_news_yet(client):
    response = client.get("/")
    assert response.status_code == 200
    html = text_of(response)
    assert NO_NEWS in html
    assert "خزنده" in html
    assert '<html lang="fa" dir="rtl">' in html
    assert parse(response).canonical == ["http://testserver/"]
    # the navigation lists every category even before the first article
    for category in Category.objects.all():
        assert f'href="{category.get_absolute_url()}"' in html


@pytest.mark.django_db
def test_home_sections(client, lavrov, yjc_world, mehr):
    sport = Category.objects.get(slug="sports")
    goal = make_article(
        mehr,
        sport,
        title="پیروزی پرسپولیس در دربی",
        lead="پرسپولیس در دربی پیروز شد.",
        image_url="https://img.example.ir/g.jpg",
    )
    html = text_of(client.get("/"))
    assert NO_NEWS not in html
    assert f'<a href="{sport.get_absolute_url()}">ورزشی</a>' in html
    assert goal.title in html and goal.lead in html
    assert "img.example.ir" not in html and "<img" not in html  # list pages load no outlet images
    assert f'href="{goal.get_absolute_url()}"' in html
    assert "«باشگاه خبرنگاران»" in html
    assert jalali(goal.published_at) in html
    # newest first inside the world section: the newest YJC item precedes the 2021 Lavrov item
    world_section = html.split('id="section-world"', 1)[1].split("</section>", 1)[0]
    assert world_section.index(shown("تیتر باشگاه 0")) < world_section.index(LAVROV_TITLE)
    assert "پربازدیدها" in html and "پربحث‌ترین‌ها" in html and TOP_LINK in html


@pytest.mark.django_db
def test_home_shows_at_most_six_per_category(client, mehr, world):
    for i in range(9):
        make_article(mehr, world, title=f"خبر جهان {i:02d}", published_at=timezone.now() - timedelta(minutes=i))
    html = text_of(client.get("/"))
    section = html.split('id="section-world"', 1)[1].split("</section>", 1)[0]
    listed = re.findall(r"خبر جهان (\S\S)", section)
    assert listed == [shown(f"{i:02d}") for i in range(6)]


@pytest.mark.django_db
@pytest.mark.parametrize("age", [timedelta(minutes=5), timedelta(days=30)])
def test_home_query_count_is_bounded(client, django_assert_max_num_queries, mehr, yjc, age):
    sources = [mehr, yjc]
    for category in Category.objects.all():
        for i in range(12):
            article = make_article(
                sources[i % 2],
                category,
                lead="لید خبر",
                published_at=timezone.now() - age - timedelta(minutes=i),
                view_count=i,
            )
            if i % 3 == 0:
                Comment.objects.create(article=article, name="خواننده", text="نظر", approved=True)
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200
    assert text_of(response).count('class="category-section"') == Category.objects.count()


# --- category and top pages -------------------------------------------------------


@pytest.mark.django_db
def test_category_page_paginates(client, mehr, yjc, world):
    start = timezone.now()
    for i in range(65):
        make_article(
            yjc if i % 2 else mehr,
            world,
            title=f"خبر بین‌الملل {i:03d}",
            lead=f"لید خبر شماره {i}",
            published_at=start - timedelta(minutes=i),
        )
    make_article(mehr, Category.objects.get(slug="sports"), title="خبر ورزشی جدا")

    first = client.get("/category/world/")
    assert first.status_code == 200
    html = text_of(first)
    assert '<h1 class="page-title">بین‌الملل</h1>' in html
    assert html.count('class="article-item"') == 30
    assert shown("خبر بین‌الملل 000") in html and shown("خبر بین‌الملل 029") in html
    assert shown("خبر بین‌الملل 030") not in html
    assert "خبر ورزشی جدا" not in html
    assert "صفحهٔ ۱ از ۳" in html
    assert '<a href="?page=2">۲</a>' in html and '<a href="?page=3">۳</a>' in html
    assert parse(first).canonical == ["http://testserver/category/world/"]
    # «مهم‌ترین اخبار بین‌الملل» box: ten «outlet» + lead items
    box = html.split("مهم‌ترین اخبار بین‌الملل", 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r"«(خبرگزاری مهر|باشگاه خبرنگاران)»</span> لید خبر شماره", box)) == 10

    second = client.get("/category/world/?page=2")
    html2 = text_of(second)
    assert html2.count('class="article-item"') == 30
    assert shown("خبر بین‌الملل 030") in html2 and shown("خبر بین‌الملل 059") in html2
    assert "صفحهٔ ۲ از ۳" in html2
    assert parse(second).canonical == ["http://testserver/category/world/?page=2"]

    third = text_of(client.get("/category/world/?page=3"))
    assert third.count('class="article-item"') == 5
    # nonsense page numbers do not crash
    assert client.get("/category/world/?page=abc").status_code == 200
    assert client.get("/category/world/?page=999").status_code == 200


@pytest.mark.django_db
def test_unknown_category_is_404(client):
    response = client.get("/category/no-such-category/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_top_page_lists_latest_across_categories(client, lavrov, yjc_world, mehr):
    sport = make_article(
        mehr, Category.objects.get(slug="sports"), title="تازه‌ترین خبر ورزشی", published_at=timezone.now()
    )
    response = client.get(reverse("site:top"))
    assert response.status_code == 200
    html = text_of(response)
    assert html.index(sport.title) < html.index(shown(yjc_world[0].title)) < html.index(LAVROV_TITLE)
    assert has_persian(parse(response).title)
