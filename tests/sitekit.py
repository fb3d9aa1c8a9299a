"""Shared data and helpers of the site, search and browser tests (imported by tests/test_site*.py etc.)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from html.parser import HTMLParser

from django.utils import timezone

from khabar.news.models import Article
from khabar.sources.models import Category, Source

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
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def make_source(name: str, slug: str | None = None) -> Source:
    return Source.objects.create(name=name, slug=slug or f"src-{next(_counter)}", homepage="https://example.ir/")


def make_article(source: Source, category: Category | None, **fields) -> Article:
    n = next(_counter)
    fields.setdefault("url", f"https://example.ir/news/{n}")
    fields.setdefault("title", f"خبر آزمایشی شماره {n}".translate(_PERSIAN_DIGITS))  # as readers see it
    fields.setdefault("published_at", timezone.now() - timedelta(minutes=n))
    return Article.objects.create(source=source, category=category, **fields)


def ensure_categories() -> None:
    """The default categories (a migration creates them; a transactional test's flush removes them)."""
    from khabar.sources.models import DEFAULT_CATEGORIES

    for order, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


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


def section(html: str, marker: str) -> str:
    """The HTML from ``marker`` to the end of its <section>."""
    return html.split(marker, 1)[1].split("</section>", 1)[0]
