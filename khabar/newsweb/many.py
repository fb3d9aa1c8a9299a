"""Many outlets: ``NewsWeb(outlets=200)`` for the freshness benchmark.

Outlet *i* reuses the layout, feed format and categories of built-in outlet
``i % 15`` under its own slug (``ava-17``) on its own loopback address
``127.0.(2 + i // 250).(1 + i % 250)``. Articles of the corpus are reused by
several outlets (each under its own URL).

The schedule is bursty, like real newsrooms:

* each outlet's rate is log-normal (``OUTLET_SIGMA``: a few busy agencies, many
  small sites); all outlets together publish ``rate`` items per minute;
* within an outlet, categories get log-normal shares (``CATEGORY_SIGMA``: a busy
  politics feed, a science feed with a few items a day, some feeds idle);
* items come in bursts: burst starts are a Poisson process, a burst has a
  geometric number of items (mean ``MEAN_BURST``) spread over two minutes;
* the backlog is the same process run over the previous day, at most
  ``MAX_BACKLOG`` items per outlet, so a crawler sees each feed's own rhythm;
* new items start ``first_new_after`` seconds after ``start()`` (a warm-up in
  which a crawler can take in the backlog).
"""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict

from khabar.newsweb.corpus import Article
from khabar.newsweb.outlets import OUTLETS, OutletSpec
from khabar.newsweb.schedule import Publication

OUTLET_SIGMA = 1.5  # log-normal spread of outlets' rates: the busiest publish ~400× more than the quietest
CATEGORY_SIGMA = 1.5  # log-normal spread of categories' shares within an outlet (politics vs science)
MEAN_BURST = 1.6
BURST_SPREAD = 120.0  # seconds over which one burst's items appear
BACKLOG_HOURS = 24.0
MAX_BACKLOG = 40


@dataclasses.dataclass(frozen=True)
class GeneratedOutletSpec(OutletSpec):
    @property
    def ip(self) -> str:
        return f"127.0.{2 + self.index // 250}.{1 + self.index % 250}"


def generated_outlets(count: int) -> tuple[GeneratedOutletSpec, ...]:
    specs = []
    for i in range(count):
        base = OUTLETS[i % len(OUTLETS)]
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        fields.update(index=i, slug=f"{base.slug}-{i}", name=f"{base.name} {i}", id_base=(i + 1) * 1_000_000 + 37_000)
        specs.append(GeneratedOutletSpec(**fields))
    return tuple(specs)


def _burst_times(rng: random.Random, per_hour: float, start: float, end: float) -> list[float]:
    """Item offsets in [start, end) from bursts at ``per_hour / MEAN_BURST`` per hour."""
    if per_hour <= 0:
        return []
    burst_gap = 3600.0 * MEAN_BURST / per_hour
    times, t = [], start
    while True:
        t += rng.expovariate(1.0 / burst_gap)
        if t >= end:
            return sorted(x for x in times if x < end)
        size = 1
        while rng.random() > 1.0 / MEAN_BURST:
            size += 1
        times.extend(t + rng.uniform(0, BURST_SPREAD) if k else t for k in range(size))


def bursty_schedule(
    articles: list[Article],
    specs: tuple[OutletSpec, ...],
    *,
    seed: int = 1,
    rate: float = 30.0,
    first_new_after: float = 1.0,
    duration: float = 2 * 3600.0,
) -> list[Publication]:
    """Deterministic schedule (sorted by offset) of ``specs`` publishing ``rate`` items per minute together."""
    rng = random.Random(seed)
    weights = [rng.lognormvariate(0.0, OUTLET_SIGMA) for _ in specs]
    total = sum(weights) or 1.0
    timed: list[tuple[float, OutletSpec, Article]] = []
    for spec, weight in zip(specs, weights):
        per_hour = rate * 60.0 * weight / total
        pools: dict[str, list[Article]] = defaultdict(list)
        for article in sorted(articles, key=lambda a: a.article_id):
            if spec.accepts(article):
                pools[article.category].append(article)
        categories = [c for c in spec.categories if pools[c]]
        if not categories:
            continue
        for pool in pools.values():
            rng.shuffle(pool)
        shares = [rng.lognormvariate(0.0, CATEGORY_SIGMA) for _ in categories]
        backlog = _burst_times(rng, per_hour, -BACKLOG_HOURS * 3600, -30.0)[-MAX_BACKLOG:]
        fresh = _burst_times(rng, per_hour, first_new_after, first_new_after + duration)
        used: dict[str, int] = defaultdict(int)
        for offset in backlog + fresh:
            category = rng.choices(categories, weights=shares)[0]
            pool = pools[category]
            timed.append((round(offset, 3), spec, pool[used[category] % len(pool)]))
            used[category] += 1
    timed.sort(key=lambda x: (x[0], x[1].index))
    pubs: list[Publication] = []
    next_id = {spec.slug: spec.id_base for spec in specs}
    for offset, spec, article in timed:
        next_id[spec.slug] += rng.randint(1, 9)
        pubs.append(
            Publication(
                outlet=spec.slug,
                item_id=next_id[spec.slug],
                article=article,
                offset=offset,
                title=article.title,
                lead=article.lead,
                paragraphs=tuple(article.paragraphs),
                category=article.category,
                tags=article.tags,
            )
        )
    return pubs
