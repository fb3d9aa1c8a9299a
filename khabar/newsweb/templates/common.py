"""Shared pieces of the outlet HTML templates: dates, <head>, boilerplate blocks."""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from khabar.newsweb.corpus import CATEGORIES
from khabar.newsweb.outlets import OutletSpec
from khabar.newsweb.schedule import Publication

TEHRAN = timezone(timedelta(hours=3, minutes=30), "IRST")  # no DST since 2022

JALALI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")  # Monday=0
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def fa_digits(text: str) -> str:
    return text.translate(_FA_DIGITS)


def gregorian_to_jalali(gy: int, gm: int, gd: int) -> tuple[int, int, int]:
    """Gregorian -> Jalali (Solar Hijri) date, arithmetic algorithm."""
    g_d_m = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
    gy2 = gy + 1 if gm > 2 else gy
    days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + g_d_m[gm - 1]
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def jalali_dateline(dt: datetime, style: int = 0, persian_digits: bool = True) -> str:
    """Visible Persian dateline in Tehran time, in one of three styles."""
    t = dt.astimezone(TEHRAN)
    jy, jm, jd = gregorian_to_jalali(t.year, t.month, t.day)
    hm = f"{t.hour:02d}:{t.minute:02d}"
    if style == 0:
        s = f"{WEEKDAYS[t.weekday()]} {jd} {JALALI_MONTHS[jm - 1]} {jy} - {hm}"
    elif style == 1:
        s = f"{jy}/{jm:02d}/{jd:02d} - {hm}"
    else:
        s = f"تاریخ انتشار: {jd} {JALALI_MONTHS[jm - 1]} {jy} ساعت {hm}"
    return fa_digits(s) if persian_digits else s


def iso(dt: datetime, tehran: bool = False) -> str:
    if tehran:
        return dt.astimezone(TEHRAN).isoformat(timespec="seconds")
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Link:
    title: str
    href: str  # absolute, percent-encoded
    category: str = ""
    lead: str = ""
    image: str = ""
    published: datetime | None = None


@dataclass
class PageContext:
    """Everything a template needs; built by the server from visible items only."""

    spec: OutletSpec
    base: str  # "http://127.0.1.10:8800"
    pub: Publication | None = None
    url: str = ""  # absolute canonical URL of the page
    image: str = ""  # absolute og:image URL
    published: datetime | None = None  # aware UTC
    related: list[Link] = field(default_factory=list)
    latest: list[Link] = field(default_factory=list)
    items: list[Link] = field(default_factory=list)  # home / section listing
    lead: list[Link] = field(default_factory=list)  # the homepage's lead slots (most prominent items)
    section: str | None = None  # category slug of a section page
    now: datetime | None = None  # server time of the request (aware UTC)
    advertised: tuple[tuple[str, str], ...] | None = None  # (category, feed URL) advertised; None: the outlet's own

    @property
    def cat_label(self) -> str:
        cat = self.pub.category if self.pub else self.section
        return CATEGORIES.get(cat or "", "")

    def dateline(self, dt: datetime | None = None) -> str:
        d = dt or self.published
        if d is None:
            return ""
        return jalali_dateline(d, self.spec.index % 3, self.spec.persian_digits)

    def section_url(self, cat: str) -> str:
        return self.base + self.spec.section_path(cat)

    def feed_url(self, cat: str) -> str:
        return self.base + self.spec.feed_path(cat)

    def advertised_feeds(self) -> list[tuple[str, str]]:
        """(category, URL) of the feeds the pages advertise (none for an outlet without feeds)."""
        if self.advertised is not None:
            return list(self.advertised)
        return [(c, self.feed_url(c)) for c in self.spec.categories]

    def feed_link(self, label: str = "خوراک") -> str:
        """The footer's link to the first advertised feed ("" when there is none)."""
        feeds = self.advertised_feeds()
        return f' <a href="{esc(feeds[0][1])}">{esc(label)}</a>' if feeds else ""


def head(ctx: PageContext, title: str, description: str = "", og_type: str = "website") -> str:
    s = ctx.spec
    parts = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f'<meta property="og:site_name" content="{esc(s.name)}">',
        f'<meta property="og:title" content="{esc(ctx.pub.title if ctx.pub else title)}">',
        f'<meta property="og:type" content="{og_type}">',
        f'<link rel="stylesheet" href="/static/css/{s.css}.css">',
        '<link rel="icon" href="/static/logo.png">',
    ]
    if description:
        parts.append(f'<meta name="description" content="{esc(description)}">')
        parts.append(f'<meta property="og:description" content="{esc(description)}">')
    if ctx.url:
        parts.append(f'<meta property="og:url" content="{esc(ctx.url)}">')
        parts.append(f'<link rel="canonical" href="{esc(ctx.url)}">')
    if ctx.image:
        parts.append(f'<meta property="og:image" content="{esc(ctx.image)}">')
    if ctx.pub and ctx.published and s.date_style == "meta":
        parts.append(f'<meta property="article:published_time" content="{iso(ctx.published, s.tehran_offset)}">')
        parts.append(f'<meta property="article:section" content="{esc(ctx.cat_label)}">')
    if ctx.pub and ctx.published and s.date_style == "jsonld":
        parts.append(json_ld(ctx))
    for cat, feed_url in ctx.advertised_feeds():
        kind = {"rss": "rss+xml", "atom": "atom+xml", "rdf": "rdf+xml"}[s.feed_format]
        parts.append(
            f'<link rel="alternate" type="application/{kind}" '
            f'title="{esc(s.name)} - {esc(CATEGORIES[cat])}" href="{esc(feed_url)}">'
        )
    if s.script:
        parts.append(
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
            f"gtag('js',new Date());gtag('config','KH-{s.index:03d}');</script>"
        )
    return "\n".join(parts)


def json_ld(ctx: PageContext) -> str:
    pub, s = ctx.pub, ctx.spec
    assert pub is not None and ctx.published is not None
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": pub.title,
        "description": pub.lead,
        "datePublished": iso(ctx.published, s.tehran_offset),
        "dateModified": iso(ctx.published, s.tehran_offset),
        "image": [ctx.image],
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.url},
        "articleSection": ctx.cat_label,
        "inLanguage": "fa-IR",
        "publisher": {
            "@type": "Organization",
            "name": s.name,
            "logo": {"@type": "ImageObject", "url": ctx.base + "/static/logo.png"},
        },
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def tags_html(ctx: PageContext, cls: str, label: str = "برچسب‌ها:") -> str:
    tags = list(ctx.pub.tags) if ctx.pub else []
    tags = tags or [ctx.cat_label]
    links = "".join(
        f'<a href="{esc(ctx.base)}/tag/{esc(quote(t.replace(" ", "_")))}" rel="tag">{esc(t)}</a>' for t in tags[:6]
    )
    return f'<div class="{cls}"><span>{label}</span>{links}</div>'


def page(ctx: PageContext, head_html: str, body_html: str, body_class: str = "") -> str:
    cls = f' class="{body_class}"' if body_class else ""
    return (
        f'<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n<head>\n{head_html}\n</head>\n'
        f"<body{cls}>\n{body_html}\n</body>\n</html>\n"
    )


def paragraphs_html(pub: Publication, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{c}>{esc(p)}</p>" for p in pub.paragraphs)


_COMMENTERS = (
    "علی",
    "مریم",
    "ناشناس",
    "رضا از مشهد",
    "زهرا",
    "حسین",
    "یک شهروند",
    "محمد از تبریز",
    "فاطمه",
    "سعید",
    "کاربر مهمان",
    "نرگس از شیراز",
)
_COMMENTS = (
    "خبر خوبی بود، ممنون از گزارش‌تان.",
    "کاش به جزئیات بیشتری می‌پرداختید.",
    "این موضوع سال‌هاست که مطرح است و هنوز نتیجه‌ای نگرفته‌ایم.",
    "لطفاً پیگیری کنید و نتیجه را اطلاع دهید.",
    "با نظر نویسنده موافق نیستم، واقعیت چیز دیگری است.",
    "عالی بود! دست مریزاد.",
    "چرا هیچ‌کس پاسخگو نیست؟",
    "خدا قوت به همه دست‌اندرکاران.",
    "امیدوارم این بار واقعاً عمل کنند نه فقط حرف.",
    "تیتر با متن خبر همخوانی ندارد.",
    "ممنون از سایت خوبتون، همیشه دنبال‌کننده شما هستم.",
    "این خبر را دیروز هم خوانده بودم.",
)


def fake_comments(pub: Publication, n: int) -> list[tuple[str, str, int]]:
    """(name, text, likes) triples, deterministic per item."""
    rng = random.Random(pub.item_id)
    k = rng.randint(max(0, n - 1), n)
    return [(rng.choice(_COMMENTERS), rng.choice(_COMMENTS), rng.randint(0, 40)) for _ in range(k)]


def share_links(ctx: PageContext, cls: str) -> str:
    u = ctx.url
    nets = (
        ("telegram", "تلگرام", "https://t.me/share/url?url="),
        ("whatsapp", "واتس‌اپ", "https://wa.me/?text="),
        ("x", "ایکس", "https://x.com/intent/tweet?url="),
        ("eitaa", "ایتا", "https://eitaa.com/share/url?url="),
    )
    items = "".join(
        f'<a class="{cls}-{k}" href="{esc(p + u)}" rel="nofollow" target="_blank">{esc(lbl)}</a>' for k, lbl, p in nets
    )
    return f'<div class="{cls}"><span>اشتراک‌گذاری:</span>{items}<button class="{cls}-copy">کپی لینک</button></div>'


def ad_block(ctx: PageContext, slot: int) -> str:
    if not ctx.spec.ads:
        return ""
    return (
        f'<div class="ads ad-slot-{slot}"><a href="/ads/click?slot={slot}" rel="sponsored">'
        f'<img src="/static/banner.png" alt="تبلیغات" width="468" height="60"></a>'
        f'<span class="ad-label">آگهی</span></div>'
    )


def link_list(links: list[Link], ul_cls: str, ctx: PageContext | None = None, tag: str = "ul") -> str:
    """A plain list of links; with ``ctx`` each item also shows its dateline."""
    rows = []
    for lk in links:
        date = f' <span class="time">{esc(ctx.dateline(lk.published))}</span>' if ctx else ""
        rows.append(f'<li><a href="{esc(lk.href)}">{esc(lk.title)}</a>{date}</li>')
    return f'<{tag} class="{ul_cls}">' + "".join(rows) + f"</{tag}>"


def nav_items(ctx: PageContext) -> list[tuple[str, str]]:
    """(label, href) pairs of an outlet's main menu."""
    items = [("صفحه نخست", ctx.base + "/")]
    items += [(CATEGORIES[c], ctx.section_url(c)) for c in ctx.spec.categories]
    items.append(("تماس با ما", ctx.base + "/contact"))
    return items


def lead_section(ctx: PageContext) -> str:
    """The homepage's lead slots: ``<section class="lead" data-slot="lead">``, one link per slot."""
    if not ctx.lead:
        return ""
    c = ctx.spec.css
    rows = "".join(
        f'<div class="{c}-lead-item" data-slot="lead"><h2><a href="{esc(lk.href)}">{esc(lk.title)}</a></h2>'
        f"<p>{esc(lk.lead)}</p></div>"
        for lk in ctx.lead
    )
    return f'<section class="lead {c}-top-news" data-slot="lead">{rows}</section>\n'
