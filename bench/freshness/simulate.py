"""Freshness vs requests of the adaptive polling policy, in virtual time (seconds to run).

Runs Khabar's own ``pipeline.polling.next_poll`` against the news web's generated
bursty schedule (``khabar.newsweb.many``) without any network: each feed is
polled when its plan says, an item's lag is the time from its publication to the
first poll after it. Fetch and processing delays are not modelled (the real
benchmark, ``run.py``, measures them). Use it to see the trade-off behind the
polling scale (``KHABAR_POLL_SCALE``) and how it depends on how skewed feeds' rates are:

    .venv/bin/python bench/freshness/simulate.py --constants 250 300 350 400 --siblings 0 90 --sigmas 1.0 1.5
"""

from __future__ import annotations

import argparse
import heapq
import os
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import khabar.newsweb.many as many  # noqa: E402
from khabar.newsweb.corpus import load_articles  # noqa: E402
from khabar.pipeline import polling  # noqa: E402

T0 = datetime(2025, 6, 9, 9, 0, tzinfo=timezone.utc)


def simulate(outlets: int, rate: float, minutes: float, seed: int, scale: float) -> dict:
    specs = many.generated_outlets(outlets)
    window = minutes * 60
    schedule = many.bursty_schedule(
        load_articles(), specs, seed=seed, rate=rate, first_new_after=0.0, duration=window + 4000
    )
    items: dict[tuple[str, str], list[datetime]] = {}
    for pub in schedule:
        items.setdefault((pub.outlet, pub.category), []).append(T0 + timedelta(seconds=pub.offset))
    feeds_on_host = {s.slug: len(s.categories) for s in specs}
    end = T0 + timedelta(seconds=window)
    rng = random.Random(seed)
    state: dict[tuple[str, str], dict] = {}
    queue: list = []
    for spec in specs:
        for category in spec.categories:
            times = sorted(items.get((spec.slug, category), []))
            known = [t for t in times if t <= T0]
            first = polling.next_poll(known, T0, feeds_on_host=feeds_on_host[spec.slug], scale=scale, rng=rng).seconds
            due = T0 + timedelta(seconds=rng.uniform(0, first))  # steady state: somewhere in its interval
            state[(spec.slug, category)] = {
                "known": known,
                "pending": [t for t in times if t > T0],
                "due": due,
                "version": 0,
            }
            heapq.heappush(queue, (due, spec.slug, category, 0))
    polls, lags = 0, []
    while queue:
        t, slug, category, version = heapq.heappop(queue)
        feed = state[(slug, category)]
        if version != feed["version"] or (t > end and not any(x <= end for x in feed["pending"])):
            continue
        polls += t <= end
        found = [x for x in feed["pending"] if x <= t]
        lags += [(t - x).total_seconds() for x in found if x <= end]
        feed["pending"] = feed["pending"][len(found) :]
        feed["known"] += found
        plan = polling.next_poll(feed["known"], t, feeds_on_host=feeds_on_host[slug], scale=scale, rng=rng)
        moves = [(category, t + timedelta(seconds=plan.seconds))]
        if found and polling.outlet_is_active(found, t):  # the edge's check_siblings_soon
            soon = t + timedelta(seconds=polling.SIBLING_CHECK_AFTER)
            moves += [
                (c, soon) for (s, c), other in state.items() if s == slug and c != category and other["due"] > soon
            ]
        for moved, due in moves:
            other = state[(slug, moved)]
            other["due"], other["version"] = due, other["version"] + 1
            heapq.heappush(queue, (due, slug, moved, other["version"]))
    lags.sort()
    feeds = sum(len(s.categories) for s in specs)
    pick = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))] if lags else 0.0  # noqa: E731
    return {
        "feeds": feeds,
        "items": len(lags),
        "p50": pick(0.5),
        "p95": pick(0.95),
        "max": lags[-1] if lags else 0.0,
        "polls": polls,
        "fixed_5min_polls": feeds * window / 300,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khabar.settings")
    from django.conf import settings  # the shipped KHABAR_POLL_SCALE is the default constant

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--outlets", type=int, default=200)
    ap.add_argument("--rate", type=float, default=30.0, help="items per minute, all outlets together")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--constants", type=float, nargs="+", default=[settings.KHABAR_POLL_SCALE])
    ap.add_argument(
        "--siblings",
        type=float,
        nargs="+",
        default=[polling.SIBLING_CHECK_AFTER],
        help="seconds before an active outlet's other feeds are checked (0: never)",
    )
    ap.add_argument(
        "--sigmas",
        type=float,
        nargs="+",
        default=[many.OUTLET_SIGMA],
        help="log-normal spread of outlets' rates and of categories' shares (both)",
    )
    args = ap.parse_args()
    print("| sigma | poll scale | siblings after | items | lag p50 | lag p95 | lag max | feed polls | vs fixed 5 min |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for sigma in args.sigmas:
        many.OUTLET_SIGMA = many.CATEGORY_SIGMA = sigma
        for constant in args.constants:
            for siblings in args.siblings:
                polling.SIBLING_CHECK_AFTER = siblings or 1e9
                runs = [simulate(args.outlets, args.rate, args.minutes, seed, constant) for seed in args.seeds]
                mean = {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}
                print(
                    f"| {sigma:g} | {constant:g} | {f'{siblings:g} s' if siblings else 'never'} | {mean['items']:.0f} | "
                    f"{mean['p50']:.0f} s | {mean['p95']:.0f} s | {mean['max']:.0f} s | {mean['polls']:.0f} | "
                    f"{mean['polls'] / mean['fixed_5min_polls']:.2f}× |"
                )


if __name__ == "__main__":
    main()
