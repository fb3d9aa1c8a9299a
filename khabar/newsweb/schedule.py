"""The offline news web's publication schedule: which outlet publishes what, and when.

Data model (kept general so that a later change can let several outlets
publish their own versions of the same event):

* :class:`~khabar.newsweb.corpus.Article` — one real article = one *event*;
* :class:`Publication` — one outlet's item about an article, with its own
  title / lead / paragraphs, its own outlet-local numeric id and its
  publication offset from ``start()``.

:func:`build_schedule` is a pure function of (articles, outlets, seed, rate,
backlog, coverage). Every article gets one first publication (``version``
"original", its text as crawled); with ``coverage`` some are then republished
by other outlets in their own words (``khabar.newsweb.coverage``). The outlets
are ``khabar.newsweb.outlets``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from khabar.newsweb.corpus import Article
from khabar.newsweb.coverage import CopyPlan, hard_negative_pairs, plan_coverage, rewrite
from khabar.newsweb.outlets import OUTLETS, OutletSpec

BACKLOG_SPAN = 4 * 3600.0  # backlog items are spread over the previous 4 hours

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
