"""Fictional outlets of the offline news web and their publication schedule.

Data model (kept general so that a later change can let several outlets
publish their own versions of the same event):

* :class:`~khabar.newsweb.corpus.Article` — one real article = one *event*;
* :class:`Publication` — one outlet's item about an article, with its own
  title / lead / paragraphs, its own outlet-local numeric id and its
  publication offset from ``start()``.

:func:`build_schedule` is a pure function of (articles, outlets, seed, rate,
backlog, coverage). Every article gets one first publication (``version``
"original", its text as crawled); with ``coverage`` some are then republished
by other outlets in their own words (``khabar.newsweb.coverage``).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from khabar.newsweb.corpus import Article
from khabar.newsweb.coverage import CopyPlan, hard_negative_pairs, plan_coverage, rewrite

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
BACKLOG_SPAN = 4 * 3600.0  # backlog items are spread over the previous 4 hours


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


_SLUG_DROP = re.compile(r"[^\w\u200c\s-]+")


def title_slug(title: str, max_words: int = 8) -> str:
    """Persian URL slug: words of the title joined with '-' (not percent-encoded)."""
    words = _SLUG_DROP.sub(" ", title).replace("\u200c", "-").split()
    return "-".join(words[:max_words]).strip("-") or "news"


@dataclass(frozen=True)
class Publication:
    """One outlet's published item about one article (event)."""

    outlet: str  # outlet slug
    item_id: int  # outlet-local id used in URLs
    article: Article
    offset: float  # seconds relative to NewsWeb.start(); negative = backlog
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    category: str
    tags: tuple[str, ...] = field(default_factory=tuple)
    version: str = "original"  # or a coverage style: "verbatim", "credited", ...

    @property
    def article_id(self) -> str:
        return self.article.article_id

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def path(self, spec: OutletSpec) -> str:
        """Canonical path (unencoded; quote it for hrefs)."""
        return spec.url_pattern.format(id=self.item_id, slug=title_slug(self.title), cat=self.category)


def _assign(articles: list[Article], outlets: tuple[OutletSpec, ...], rng: random.Random) -> dict[str, list[Article]]:
    """Give each article to exactly one accepting outlet, keeping pools balanced."""
    pools: dict[str, list[Article]] = {o.slug: [] for o in outlets}
    order = sorted(articles, key=lambda a: a.article_id)
    rng.shuffle(order)
    for a in order:
        cands = [o for o in outlets if o.accepts(a)]
        if not cands:
            continue
        # Specialists get more of their topics; the load term keeps pools even.
        weights = [1.0 / (len(o.categories) * (1.0 + len(pools[o.slug]) / 20.0) ** 2) for o in cands]
        pools[rng.choices(cands, weights=weights)[0].slug].append(a)
    return pools


def build_schedule(
    articles: list[Article],
    outlets: tuple[OutletSpec, ...] = OUTLETS,
    seed: int = 1,
    rate: float = 6.0,
    backlog: int = 20,
    coverage: bool = True,
) -> list[Publication]:
    """Deterministic publication schedule, sorted by offset.

    Each outlet first publishes ``backlog`` items at offsets in (-BACKLOG_SPAN, -30 s];
    the rest are released at ``rate`` items per minute overall (Poisson
    process, copies included) from offset 1 s on, outlets picked in proportion
    to what they have left so that all run out at about the same time. With
    ``coverage``, other outlets republish some events minutes to hours after
    their first publication, and topically similar articles (hard negatives)
    are published close together.
    """
    rng = random.Random(seed)
    pools = _assign(articles, outlets, rng)
    plans: dict[str, list[CopyPlan]] = {}
    if coverage:
        first = {a.article_id: slug for slug, pool in pools.items() for a in pool}
        plans = plan_coverage(first, articles, {o.slug: o.categories for o in outlets}, seed)
        n_first = max(1, len(first))
        rate = rate * n_first / (n_first + sum(len(p) for p in plans.values()))
    timed: list[tuple[float, OutletSpec, Article]] = []
    for o in outlets:
        pool = pools[o.slug]
        n = min(backlog, len(pool))
        offs = sorted(-rng.uniform(30.0, BACKLOG_SPAN) for _ in range(n))
        timed.extend((round(t, 3), o, a) for t, a in zip(offs, pool[:n]))
        pools[o.slug] = pool[n:]
    mean_gap = 60.0 / rate if rate > 0 else float("inf")
    t = 1.0  # >= 1 s after start(), so nothing new is visible at the start instant
    remaining = {o.slug: o for o in outlets if pools[o.slug]}
    while remaining and rate > 0:
        t += rng.expovariate(1.0 / mean_gap)
        slugs = sorted(remaining)
        slug = rng.choices(slugs, weights=[len(pools[s]) for s in slugs])[0]
        timed.append((round(t, 3), remaining[slug], pools[slug].pop(0)))
        if not pools[slug]:
            del remaining[slug]
    if coverage:
        timed = _near_hard_negatives(timed, [a for _, _, a in timed])
    copies = _copies(timed, plans, {o.slug: o for o in outlets}, seed)
    if rate <= 0:  # a still web: nothing appears after start(), copies included
        copies = [c for c in copies if c[0] <= 0]
    timed.sort(key=lambda x: (x[0], x[1].index))
    merged = [(off, o, a, None) for off, o, a in timed] + copies
    merged.sort(key=lambda x: (x[0], x[1].index))

    pubs: list[Publication] = []
    next_id = {o.slug: o.id_base for o in outlets}
    for off, o, a, version in merged:
        next_id[o.slug] += rng.randint(1, 9)
        title, lead, paragraphs, style = (
            (a.title, a.lead, tuple(a.paragraphs), "original") if version is None else version
        )
        pubs.append(
            Publication(
                outlet=o.slug,
                item_id=next_id[o.slug],
                article=a,
                offset=off,
                title=title,
                lead=lead,
                paragraphs=paragraphs,
                category=a.category,
                tags=a.tags,
                version=style,
            )
        )
    return pubs


def _near_hard_negatives(
    timed: list[tuple[float, OutletSpec, Article]], articles: list[Article]
) -> list[tuple[float, OutletSpec, Article]]:
    """Move one article of each hard-negative pair next to the other in time.

    The moved article swaps its offset with the item of its own outlet published
    closest to its partner, so every outlet keeps its offsets (and its backlog).
    """
    timed = sorted(timed, key=lambda x: (x[0], x[1].index, x[2].article_id))
    where = {a.article_id: i for i, (_, _, a) in enumerate(timed)}
    for a_id, b_id in hard_negative_pairs(articles):
        if a_id not in where or b_id not in where:
            continue
        ia, ib = where[a_id], where[b_id]
        target = timed[ia][0]
        slug = timed[ib][1].slug
        same_outlet = [i for i, (_, o, _) in enumerate(timed) if o.slug == slug and i != ia]
        j = min(same_outlet, key=lambda i: (abs(timed[i][0] - target), i))
        if j == ib:
            continue
        (ob, o_b, art_b), (oj, o_j, art_j) = timed[ib], timed[j]
        timed[ib], timed[j] = (ob, o_b, art_j), (oj, o_j, art_b)
        where[art_j.article_id], where[art_b.article_id] = ib, j
    return timed


def _copies(
    timed: list[tuple[float, OutletSpec, Article]],
    plans: dict[str, list[CopyPlan]],
    specs: dict[str, OutletSpec],
    seed: int,
) -> list[tuple[float, OutletSpec, Article, tuple]]:
    """(offset, outlet, article, (title, lead, paragraphs, style)) of every planned copy."""
    out = []
    for off, first, a in sorted(timed, key=lambda x: x[2].article_id):
        for plan in plans.get(a.article_id, ()):
            rng = random.Random(f"copy-{seed}-{a.article_id}-{plan.outlet}")
            title, lead, paragraphs = rewrite(a, plan, specs[plan.outlet].name, first.name, rng)
            out.append((round(off + plan.delay, 3), specs[plan.outlet], a, (title, lead, paragraphs, plan.style)))
    return out
