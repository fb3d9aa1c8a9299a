"""The reader's website: pages, Persian dates, comments, view counts, static files."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone as dt_timezone
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from khabar.news.models import Article, Category
from khabar.pipeline.persian import to_persian_digits
from khabar.site.models import Comment
from khabar.site.templatetags.persian import fa_digits, http_url, jalali, jalali_date
from khabar.sources.models import Source

ZWNJ = "\u200c"

LAVROV_TITLE = "لاوروف: ناتو ایده مشورت با مسکو را دفن کرد"
LAVROV_LEAD = "وزیر امور خارجه روسیه اعلام کرد که مدت‌هاست تبادل اطلاعات میان روسیه و مقر ناتو وجود ندارد."
LAVROV_P1 = (
    "به گزارش خبرگزاری مهر به نقل از اسپوتنیک، «سرگئی لاوروف» وزیر امور خارجه روسیه اعلام کرد که "
    "مدت‌هاست تبادل اطلاعات میان روسیه و مقر ناتو وجود ندارد."
)
LAVROV_P2 = "وی در این باره اظهار داشت که این ناتو بود که ایده مشورت با مسکو را «دفن» کرد."
LAVROV_URL = "https://www.mehrnews.com/news/5331234/لاوروف-ناتو-ایده-مشورت-با-مسکو-را-دفن-کرد"
LAVROV_TIME = datetime(2021, 10, 19, 12, 14, tzinfo=dt_timezone.utc)

YJC_LEADS = [
    "منابع آگاه می‌گویند که کاخ سفید دست‌کم برای دو ماه آینده بر اجرای قرنطینه و تحریم‌های نفتی ونزوئلا تمرکز می‌کند.",
    "یک منبع امنیتی می‌گوید ۷ نفر در پی انفجار در مسجدی در پایتخت شمال شرقی نیجریه جان خود را از دست دادند.",
    "انگلیس، فرانسه و شماری از متحدان شهرک‌سازی‌ها در کرانه باختری را محکوم کردند.",
]

NO_NEWS = "هنوز خبری جمع‌آوری نشده است"
DISCLAIMER = "تمامی اخبار به‌طور خودکار از منابع مختلف جمع‌آوری می‌شود و این سایت مسئولیتی در قبال محتوای اخبار ندارد"
COPYRIGHT = "کلیه حقوق محفوظ است"
TOP_LINK = "مشاهده مهم‌ترین خبرها در صدر رسانه‌ها"
COMMENT_PENDING = "نظر شما پس از تأیید نمایش داده می‌شود"
FOOTER_LINKS = {
    "site:home": "صفحه اصلی",
    "site:about": "درباره‌ما",
    "site:contact": "تماس‌با‌ما",
    "site:advertising": "تبلیغات",
    "site:privacy": "حفظ حریم شخصی",
}

_counter = iter(range(1, 10**6))


def make_source(name: str, slug: str | None = None) -> Source:
    return Source.objects.create(name=name, slug=slug or f"src-{next(_counter)}", homepage="https://example.ir/")


def make_article(source: Source, category: Category | None, **fields) -> Article:
    n = next(_counter)
    fields.setdefault("url", f"https://example.ir/news/{n}")
    fields.setdefault("title", f"خبر آزمایشی شماره {n}")
    fields.setdefault("published_at", timezone.now() - timedelta(minutes=n))
    return Article.objects.create(source=source, category=category, **fields)


@pytest.fixture
def world() -> Category:
    return Category.objects.get(slug="world")


@pytest.fixture
def mehr() -> Source:
    return make_source("خبرگزاری مهر", "mehr")


@pytest.fixture
def yjc() -> Source:
    return make_source("باشگاه خبرنگاران", "yjc")


@pytest.fixture
def lavrov(mehr, world) -> Article:
    return make_article(
        mehr,
        world,
        url=LAVROV_URL,
        title=LAVROV_TITLE,
        lead=LAVROV_LEAD,
        body_html=f"<p>{LAVROV_P1}</p><p>{LAVROV_P2}</p>",
        body_text=f"{LAVROV_P1}\n\n{LAVROV_P2}",
        published_at=LAVROV_TIME,
    )


@pytest.fixture
def yjc_world(yjc, world) -> list[Article]:
    return [
        make_article(yjc, world, title=f"تیتر باشگاه {i}", lead=lead, published_at=timezone.now() - timedelta(hours=i + 1))
        for i, lead in enumerate(YJC_LEADS)
    ]


def text_of(response) -> str:
    return response.content.decode()


class _Resources(HTMLParser):
    """Collects the URLs of stylesheets, scripts, preloads, images and links."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.other_links: list[tuple[str, str]] = []  # (rel, href) of every <link>
        self.canonical: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            rel = (a.get("rel") or "").lower()
            self.other_links.append((rel, a.get("href") or ""))
            if "stylesheet" in rel:
                self.stylesheets.append(a.get("href") or "")
            if rel == "canonical":
                self.canonical.append(a.get("href") or "")
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(response) -> _Resources:
    parser = _Resources()
    parser.feed(text_of(response))
    return parser


def has_persian(text: str) -> bool:
    return bool(re.search("[\u0600-\u06ff]", text))


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
    assert f"<p>{LAVROV_P1}</p>" in html and f"<p>{LAVROV_P2}</p>" in html
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
def test_article_image_and_uncategorized_article(client, mehr):
    article = make_article(mehr, None, image_url="https://img.example.ir/a.jpg")
    html = text_of(client.get(article.get_absolute_url()))
    assert 'src="https://img.example.ir/a.jpg"' in html
    assert "مهم‌ترین اخبار" not in html


@pytest.mark.django_db
def test_hidden_and_missing_articles_are_404(client, lavrov):
    Article.objects.filter(pk=lavrov.pk).update(hidden=True)
    assert client.get(f"/news/{lavrov.pk}/").status_code == 404
    assert client.post(f"/news/{lavrov.pk}/comment/", {"name": "علی", "text": "سلام"}).status_code == 404
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
    for name in ("khabar/site.css", "khabar/fonts/Vazirmatn-Regular.woff2", "khabar/fonts/Vazirmatn-Bold.woff2", "khabar/fonts/OFL.txt"):
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
            if rel != "canonical":
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
    goal = make_article(mehr, sport, title="پیروزی پرسپولیس در دربی", lead="پرسپولیس در دربی پیروز شد.", image_url="https://img.example.ir/g.jpg")
    html = text_of(client.get("/"))
    assert NO_NEWS not in html
    assert f'<a href="{sport.get_absolute_url()}">ورزشی</a>' in html
    assert goal.title in html and goal.lead in html
    assert 'src="https://img.example.ir/g.jpg" alt="" loading="lazy"' in html
    assert f'href="{goal.get_absolute_url()}"' in html
    assert "«باشگاه خبرنگاران»" in html
    assert jalali(goal.published_at) in html
    # newest first inside the world section: the newest YJC item precedes the 2021 Lavrov item
    world_section = html.split('id="section-world"', 1)[1].split("</section>", 1)[0]
    assert world_section.index("تیتر باشگاه 0") < world_section.index(LAVROV_TITLE)
    assert "پربازدیدها" in html and "پربحث‌ترین‌ها" in html and TOP_LINK in html


@pytest.mark.django_db
def test_home_shows_at_most_six_per_category(client, mehr, world):
    for i in range(9):
        make_article(mehr, world, title=f"خبر جهان {i:02d}", published_at=timezone.now() - timedelta(minutes=i))
    html = text_of(client.get("/"))
    section = html.split('id="section-world"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r"خبر جهان (\d\d)", section)
    assert shown == ["00", "01", "02", "03", "04", "05"]


@pytest.mark.django_db
@pytest.mark.parametrize("age", [timedelta(minutes=5), timedelta(days=30)])
def test_home_query_count_is_bounded(client, django_assert_max_num_queries, mehr, yjc, age):
    sources = [mehr, yjc]
    for category in Category.objects.all():
        for i in range(12):
            article = make_article(sources[i % 2], category, lead="لید خبر", published_at=timezone.now() - age - timedelta(minutes=i), view_count=i)
            if i % 3 == 0:
                Comment.objects.create(article=article, name="خواننده", text="نظر", approved=True)
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200
    assert text_of(response).count('class="category-section"') == Category.objects.count()


# --- sidebar lists --------------------------------------------------------------


@pytest.mark.django_db
def test_most_viewed_and_most_discussed(client, mehr, world):
    now = timezone.now()
    popular = make_article(mehr, world, title="خبر پربازدید امروز", published_at=now - timedelta(hours=2), view_count=50)
    quiet = make_article(mehr, world, title="خبر کم‌بازدید امروز", published_at=now - timedelta(hours=3), view_count=3)
    make_article(mehr, world, title="خبر قدیمی پربازدید", published_at=now - timedelta(days=10), view_count=900)
    make_article(mehr, world, title="خبر بی‌بازدید", published_at=now - timedelta(hours=1), view_count=0)
    discussed = make_article(mehr, world, title="خبر پربحث", published_at=now - timedelta(days=2))
    for i in range(3):
        Comment.objects.create(article=discussed, name=f"خواننده {i}", text="نظر", approved=True)
    pending = make_article(mehr, world, title="خبر با نظر تأییدنشده", published_at=now - timedelta(days=1))
    for i in range(5):
        Comment.objects.create(article=pending, name="کسی", text="نظر", approved=False)
    stale = make_article(mehr, world, title="خبر با نظر قدیمی", published_at=now - timedelta(days=20))
    Comment.objects.create(article=stale, name="کسی", text="نظر", approved=True, created_at=now - timedelta(days=9))

    html = text_of(client.get("/"))
    viewed = html.split("پربازدیدها", 1)[1].split("</section>", 1)[0]
    assert viewed.index(popular.title) < viewed.index(quiet.title)
    assert "خبر قدیمی پربازدید" not in viewed
    assert "خبر بی‌بازدید" not in viewed
    talked = html.split("پربحث‌ترین‌ها", 1)[1].split("</section>", 1)[0]
    assert discussed.title in talked and "۳ نظر" in talked
    assert pending.title not in talked and stale.title not in talked


@pytest.mark.django_db
def test_most_viewed_falls_back_to_last_week(client, mehr, world):
    article = make_article(mehr, world, title="خبر پربازدید هفته", published_at=timezone.now() - timedelta(days=3), view_count=7)
    html = text_of(client.get("/"))
    assert article.title in html.split("پربازدیدها", 1)[1].split("</section>", 1)[0]


# --- category and top pages -------------------------------------------------------


@pytest.mark.django_db
def test_category_page_paginates(client, mehr, yjc, world):
    start = timezone.now()
    for i in range(65):
        make_article(yjc if i % 2 else mehr, world, title=f"خبر بین‌الملل {i:03d}", lead=f"لید خبر شماره {i}", published_at=start - timedelta(minutes=i))
    make_article(mehr, Category.objects.get(slug="sports"), title="خبر ورزشی جدا")

    first = client.get("/category/world/")
    assert first.status_code == 200
    html = text_of(first)
    assert '<h1 class="page-title">بین‌الملل</h1>' in html
    assert html.count('class="article-item"') == 30
    assert "خبر بین‌الملل 000" in html and "خبر بین‌الملل 029" in html and "خبر بین‌الملل 030" not in html
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
    assert "خبر بین‌الملل 030" in html2 and "خبر بین‌الملل 059" in html2
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
    sport = make_article(mehr, Category.objects.get(slug="sports"), title="تازه‌ترین خبر ورزشی", published_at=timezone.now())
    response = client.get(reverse("site:top"))
    assert response.status_code == 200
    html = text_of(response)
    assert html.index(sport.title) < html.index(yjc_world[0].title) < html.index(LAVROV_TITLE)
    assert has_persian(parse(response).title)


# --- view counts ------------------------------------------------------------------


@pytest.mark.django_db
def test_view_count_increments_once_per_human_request(client, lavrov):
    with CaptureQueriesContext(connection) as queries:
        client.get(lavrov.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) Firefox/120.0")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "view_count" in updates[0]
    lavrov.refresh_from_db()
    assert lavrov.view_count == 1
    client.get(lavrov.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    lavrov.refresh_from_db()
    assert lavrov.view_count == 2

    for headers in (
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; YandexSpider)"},
        {"HTTP_USER_AGENT": "SomeCrawler/1.0"},
        {"HTTP_USER_AGENT": "Mozilla/5.0", "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": "Mozilla/5.0", "HTTP_SEC_PURPOSE": "prefetch;prerender"},
    ):
        assert client.get(lavrov.get_absolute_url(), **headers).status_code == 200
    lavrov.refresh_from_db()
    assert lavrov.view_count == 2
    # a comment POST is not a view either
    client.post(f"/news/{lavrov.pk}/comment/", {"name": "علی", "text": "نظر"})
    lavrov.refresh_from_db()
    assert lavrov.view_count == 2


# --- comments ---------------------------------------------------------------------


@pytest.mark.django_db
def test_comment_without_csrf_token_is_rejected(lavrov):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/news/{lavrov.pk}/comment/", {"name": "علی", "text": "نظر بدون توکن"})
    assert response.status_code == 403
    assert "CSRF" in text_of(response) and has_persian(text_of(response))
    assert Comment.objects.count() == 0


def _csrf_post(client: Client, article: Article, data: dict):
    page = text_of(client.get(article.get_absolute_url()))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
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

    Comment.objects.filter(pk=comment.pk).update(approved=True)
    shown = text_of(strict.get(lavrov.get_absolute_url()))
    assert "این تحلیل" in shown and "مریم" in shown
    assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
    assert COMMENT_PENDING not in shown
    # an approved comment counts for «پربحث‌ترین‌ها»
    talked = shown.split("پربحث‌ترین‌ها", 1)[1].split("</section>", 1)[0]
    assert "۱ نظر" in talked


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
    response = client.post(reverse("site:comment", args=[lavrov.pk]), {"name": "بات", "text": "تبلیغ", "website": "http://spam.example"})
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
