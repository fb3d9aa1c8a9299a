"""Fictional outlets of the offline news web: what each one is (``OutletSpec``) and the catalogue
(``OUTLETS``). What they publish, and when, is ``khabar.newsweb.schedule``."""

from __future__ import annotations

from dataclasses import dataclass

from khabar.newsweb.corpus import Article

ALL_CATEGORIES = (
    "politics",
    "economy",
    "society",
    "world",
    "sports",
    "culture",
    "science",
    "health",
    "incidents",
)
FARS, VARZESH3 = "farsnews", "varzesh3"


@dataclass(frozen=True)
class OutletSpec:
    """Static definition of a fictional outlet (no host/port: see server)."""

    index: int  # served on 127.0.1.(10 + index)
    slug: str
    name: str  # Persian
    tagline: str
    categories: tuple[str, ...]
    sources: tuple[str, ...]  # which corpora it publishes from
    layout: str  # template family, see templates.LAYOUTS
    url_pattern: str  # with {id}, {slug}, {cat}
    feed_format: str  # "rss" | "atom" | "rdf"
    full_text: bool  # feeds carry the whole body
    date_style: str  # "meta" | "jsonld" | "jalali" (visible dateline only)
    feed_image: str = "none"  # "enclosure" | "media" | "none"
    css: str = "news"  # class-name prefix used by the templates
    color: str = "#0a5c8a"
    persian_digits: bool = True
    ads: bool = False
    script: bool = False
    comments: int = 3
    utm: bool = False  # feed links carry ?utm_source=rss
    tehran_offset: bool = False  # feed/meta dates with +03:30 instead of UTC
    id_base: int = 100000

    @property
    def ip(self) -> str:
        return f"127.0.1.{10 + self.index}"

    @property
    def feed_prefix(self) -> str:
        return {"rss": "/rss/", "atom": "/atom/", "rdf": "/rdf/"}[self.feed_format]

    @property
    def feed_suffix(self) -> str:
        return ".rdf" if self.feed_format == "rdf" else ".xml"

    def feed_path(self, category: str) -> str:
        return f"{self.feed_prefix}{category}{self.feed_suffix}"

    def section_path(self, category: str) -> str:
        return f"/service/{category}" if self.index % 2 else f"/fa/{category}"

    def accepts(self, article: Article) -> bool:
        return article.category in self.categories and article.source in self.sources


def _o(
    index: int,
    slug: str,
    name: str,
    tagline: str,
    cats: str,
    layout: str,
    url: str,
    feed: str,
    full: bool,
    date: str,
    **kw,
) -> OutletSpec:
    sources = kw.pop("sources", (FARS,))
    return OutletSpec(
        index,
        slug,
        name,
        tagline,
        tuple(cats.split()),
        tuple(sources),
        layout,
        url,
        feed,
        full,
        date,
        id_base=(index + 1) * 1_000_000 + 37_000,
        **kw,
    )


OUTLETS: tuple[OutletSpec, ...] = (
    _o(
        0,
        "ava",
        "خبرگزاری آوا",
        "صدای بی‌واسطه خبر",
        " ".join(ALL_CATEGORIES),
        "divsoup",
        "/news/{id}/{slug}",
        "rss",
        False,
        "meta",
        feed_image="enclosure",
        css="ava",
        color="#b3122e",
        ads=True,
        script=True,
        comments=4,
    ),
    _o(
        1,
        "nasim-sobh",
        "روزنامه نسیم صبح",
        "روزنامه صبح ایران",
        "politics economy society culture world",
        "html5",
        "/fa/news/{id}",
        "atom",
        True,
        "jsonld",
        css="ns",
        color="#1d6f42",
        persian_digits=False,
        comments=2,
    ),
    _o(
        2,
        "peyk-iran",
        "پایگاه خبری پیک ایران",
        "پیک خبرهای ایران و جهان",
        "politics world society incidents",
        "table",
        "/fa/news/{id}/{slug}",
        "rss",
        False,
        "jalali",
        css="pk",
        color="#333366",
        ads=True,
        comments=5,
        utm=True,
    ),
    _o(
        3,
        "varzesh-emrooz",
        "ورزش امروز",
        "اخبار لحظه به لحظه ورزش",
        "sports",
        "sports",
        "/news/{id}/{slug}",
        "rss",
        True,
        "jsonld",
        sources=(VARZESH3,),
        feed_image="media",
        css="ve",
        color="#0b7a2a",
        script=True,
        comments=6,
    ),
    _o(
        4,
        "sepehr",
        "خبرگزاری سپهر",
        "خبرگزاری مستقل",
        "politics world economy science",
        "itemprop",
        "/fa/news/{id}",
        "atom",
        False,
        "meta",
        feed_image="enclosure",
        css="sp",
        color="#14365c",
        tehran_offset=True,
    ),
    _o(
        5,
        "eghtesad-pouya",
        "اقتصاد پویا",
        "پایگاه تحلیلی اقتصاد ایران",
        "economy politics society",
        "aspnet",
        "/news/{id}/{slug}",
        "rss",
        True,
        "jalali",
        css="ep",
        color="#7a4b00",
        ads=True,
        comments=2,
    ),
    _o(
        6,
        "jahan-nama",
        "جهان‌نما",
        "پنجره‌ای رو به جهان",
        "world politics culture",
        "magazine",
        "/{cat}/{id}/{slug}",
        "rss",
        False,
        "meta",
        feed_image="media",
        css="jn",
        color="#5a189a",
        ads=True,
        script=True,
        comments=3,
    ),
    _o(
        7,
        "salamat-news",
        "سلامت‌نیوز",
        "پایگاه خبری سلامت و دانش",
        "health science society",
        "html5",
        "/fa/news/{id}",
        "rdf",
        False,
        "jsonld",
        css="sn",
        color="#00838f",
        comments=3,
    ),
    _o(
        8,
        "gol-online",
        "گل آنلاین",
        "ورزش در یک نگاه",
        "sports",
        "sports",
        "/fa/news/{id}/{slug}",
        "atom",
        True,
        "meta",
        sources=(VARZESH3, FARS),
        css="gl",
        color="#e65100",
        ads=True,
        comments=5,
        tehran_offset=True,
    ),
    _o(
        9,
        "shahr-khabar",
        "شهر خبر",
        "خبرهای شهر و مردم",
        "society incidents health economy",
        "divsoup",
        "/news/{id}/{slug}",
        "rss",
        True,
        "jalali",
        css="shk",
        color="#37474f",
        comments=4,
    ),
    _o(
        10,
        "farhang-emrooz",
        "فرهنگ امروز",
        "ماهنامه فرهنگ و اندیشه",
        "culture science society",
        "itemprop",
        "/fa/news/{id}",
        "rss",
        False,
        "jsonld",
        feed_image="enclosure",
        css="fe",
        color="#6d4c41",
        persian_digits=False,
        comments=2,
    ),
    _o(
        11,
        "baran",
        "روزنامه باران",
        "روزنامه سراسری صبح",
        "politics economy world sports culture",
        "magazine",
        "/news/{id}/{slug}",
        "atom",
        False,
        "jsonld",
        sources=(FARS, VARZESH3),
        css="brn",
        color="#1565c0",
        script=True,
        comments=3,
    ),
    _o(
        12,
        "setareh-jonoob",
        "ستاره جنوب",
        "پایگاه خبری جنوب کشور",
        "society incidents economy culture",
        "table",
        "/fa/news/{id}",
        "rss",
        True,
        "meta",
        css="sj",
        color="#bf360c",
        comments=2,
        tehran_offset=True,
    ),
    _o(
        13,
        "medal",
        "پایگاه خبری مدال",
        "همه چیز درباره قهرمانان",
        "sports",
        "aspnet",
        "/news/{id}",
        "rss",
        False,
        "jalali",
        sources=(VARZESH3,),
        feed_image="enclosure",
        css="md",
        color="#c9a227",
        ads=True,
        comments=4,
    ),
    _o(
        14,
        "danesh-no",
        "دانش نو",
        "خبرهای علم، فناوری و سلامت",
        "science health culture",
        "divsoup",
        "/fa/news/{id}/{slug}",
        "atom",
        True,
        "meta",
        css="dn",
        color="#2e7d32",
        script=True,
        comments=1,
        persian_digits=False,
    ),
)
OUTLETS_BY_SLUG = {o.slug: o for o in OUTLETS}
