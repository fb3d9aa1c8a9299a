"""Freshness benchmark: how long a new item takes from the news web to Khabar's database.

    .venv/bin/python bench/freshness/run.py --outlets 200 --rate 30 --minutes 10

1. The news web runs in a process of its own (``newsweb_process.py``) with
   ``--outlets`` generated outlets (``khabar.newsweb.many``: bursty, log-normal
   rates, a day of backlog), each on its own loopback address. New items start
   after ``--warmup`` seconds, the time the crawler gets to take in the backlog
   (not measured).
2. ``--processes`` real ``khabar worker`` processes crawl it with the default
   settings (1 s gap and 2 connections per host, adaptive polling), on a fresh
   SQLite database (or ``--database postgres://…``).
3. For every item published during the ``--minutes`` window: the lag from its
   publication to its row in the database (``Article.fetched_at``); items still
   missing ``--grace`` seconds after the window are reported as missing.
4. From the news web's own traffic log: requests per host per minute, connections
   at once per host, the smallest gap between two requests to a host, and
   wasted requests (a full answer to a feed that had not changed since the
   crawler's previous request to it), compared with fixed 5-minute polling.
5. Poll throughput on loopback, same run, same feeds: a bare httpx loop,
   Khabar's ``Fetcher`` (robots.txt, address guard, bounded decoding), and the
   whole ``refresh_feeds`` path (database politeness, conditional GET, health).
   Politeness gaps are set to 0 for this part only: it measures the machinery.

Results are printed as Markdown and written to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from khabar.newsweb.traffic import Trace, TrafficLog  # noqa: E402

KHABAR = [sys.executable, "-m", "khabar.cli"]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def create_database(url: str | None, workdir: Path) -> str:
    if not url:
        return f"sqlite:///{workdir / 'freshness.sqlite3'}"
    import psycopg

    base, name = url.rsplit("/", 1)
    name = f"{name}_freshness_{os.getpid()}"
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def start_workers(args, env: dict, workdir: Path) -> list[subprocess.Popen]:
    workers = []
    for number in range(args.processes):
        log = open(workdir / f"worker-{number}.log", "w")  # noqa: SIM115 - lives as long as the worker
        workers.append(
            subprocess.Popen(
                KHABAR + ["worker", "--allow-private", "--workers", str(args.threads), "--tick", "2"],
                env=env,
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGINT)
    for worker in workers:
        try:
            worker.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def traffic_figures(
    traffic: TrafficLog,
    feed_paths: dict[str, set[str]],
    start: float,
    end: float,
    minutes: float,
    gap: float,
    crawl_end: float,
    stored_at: dict[tuple[str, str], float] | None = None,
) -> dict:
    """Request counts in the window; politeness over the whole crawl (the throughput part excluded).

    ``stored_at``: when each item's page (host, path) was stored; a request for it after that is a
    re-check of its original (khabar.originals). Most items are stored from the feed's full text,
    so "a page asked for a second time" would miss every first re-check.
    """
    crawl = [t for t in traffic.traces() if t.started < crawl_end]
    kinds: Counter = Counter()
    per_host_minute: Counter = Counter()
    last_etag: dict[tuple[str, str], str] = {}
    wasted = 0
    stored_at = stored_at or {}
    for trace in sorted(crawl, key=lambda t: t.started):
        path = urlsplit(trace.path).path
        is_feed = path in feed_paths.get(trace.host, set())
        in_window = start <= trace.started < end
        is_recheck = not is_feed and trace.started > stored_at.get((trace.host, path), float("inf"))
        if is_feed:
            key = (trace.host, trace.path)
            if in_window and trace.status == 200 and trace.etag and last_etag.get(key) == trace.etag:
                wasted += 1  # a full answer although the feed had not changed since our last request
            if trace.etag:
                last_etag[key] = trace.etag
        if not in_window:
            continue
        kinds[
            "feed polls"
            if is_feed
            else "robots.txt"
            if path == "/robots.txt"
            else "homepages"
            if path == "/"
            else "pages"
        ] += 1
        kinds["304 answers"] += trace.status == 304
        kinds["page re-checks"] += is_recheck
        kinds["page re-checks answered 304"] += is_recheck and trace.status == 304
        per_host_minute[(trace.host, int((trace.started - start) // 60))] += 1
    by_host: dict[str, list[Trace]] = defaultdict(list)
    for trace in crawl:
        by_host[trace.host].append(trace)
    gaps, close = [], []
    for host, traces in by_host.items():
        traces.sort(key=lambda t: t.started)
        for a, b in zip(traces, traces[1:]):
            gaps.append(b.started - a.started)
            if b.started - a.started < 0.9 * gap:
                close.append((round(b.started - a.started, 3), host, a.path[:40], b.path[:40]))
    feeds = sum(len(paths) for paths in feed_paths.values())
    hours = minutes / 60
    return {
        "feed_polls_per_outlet_per_hour": kinds["feed polls"] / max(len(feed_paths), 1) / hours,
        "rechecks_per_outlet_per_hour": kinds["page re-checks"] / max(len(feed_paths), 1) / hours,
        "requests": sum(1 for t in crawl if start <= t.started < end),
        **kinds,
        "wasted": wasted,
        "fixed_5min_feed_polls": feeds * minutes / 5,
        "per_host_per_minute_max": max(per_host_minute.values(), default=0),
        "per_host_per_minute_mean": statistics.mean(per_host_minute.values()) if per_host_minute else 0,
        "max_connections_per_host": max((t.in_flight for t in crawl), default=0),
        "gaps": len(gaps),
        "smallest_gap": min(gaps, default=None),
        "gaps_under_90_percent": len(close),
        "closest_pairs": sorted(close)[:10],
    }


async def bare_httpx(urls: list[str], rounds: int) -> float:
    import httpx

    gates = defaultdict(lambda: asyncio.Semaphore(2))
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=512, max_keepalive_connections=128), timeout=20, trust_env=False
    ) as client:

        async def one(url: str) -> None:
            async with gates[urlsplit(url).netloc]:
                response = await client.get(url)
                response.raise_for_status()

        started = time.monotonic()
        for _ in range(rounds):
            await asyncio.gather(*(one(url) for url in urls))
        return len(urls) * rounds / (time.monotonic() - started)


async def khabar_fetcher(urls: list[str], rounds: int, parse: bool) -> float:
    from dataclasses import replace

    from khabar.crawler.egress import fetch_policy
    from khabar.pipeline.collect import FeedRequest, fetch_feed
    from khabar.pipeline.fetch import Fetcher

    async with Fetcher(replace(fetch_policy(), allow_private=True, min_gap=0.0)) as fetcher:
        await asyncio.gather(
            *(fetcher.robots_verdict(url) for url in urls)
        )  # robots.txt once per host, as in steady state
        started = time.monotonic()
        for _ in range(rounds):
            if parse:
                results = await asyncio.gather(*(fetch_feed(fetcher, FeedRequest(url)) for url in urls))
                assert not [r.error for r in results if r.error]
            else:
                results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
                assert not [r.error for r in results if r.error]
        return len(urls) * rounds / (time.monotonic() - started)


def khabar_refresh(rounds: int) -> float:
    from django.conf import settings

    from khabar.crawler.refresh import refresh_feeds
    from khabar.sources.models import Feed

    settings.KHABAR_HOST_MIN_GAP = 0.0
    feeds = list(Feed.objects.select_related("source"))
    started = time.monotonic()
    for _ in range(rounds):
        feeds = list(Feed.objects.select_related("source"))
        reports = refresh_feeds(feeds)
        assert not [r.error for r in reports if r.error]
    return len(feeds) * rounds / (time.monotonic() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--outlets", type=int, default=200)
    ap.add_argument("--rate", type=float, default=30.0, help="new items per minute, all outlets together")
    ap.add_argument("--minutes", type=float, default=10.0, help="measured window")
    ap.add_argument("--warmup", type=float, default=300.0, help="seconds to take in the backlog before new items")
    ap.add_argument("--grace", type=float, default=240.0, help="seconds after the window for its last items")
    ap.add_argument("--processes", type=int, default=2, help="khabar worker processes")
    ap.add_argument("--threads", type=int, default=4, help="task threads per worker process")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--database", help="a PostgreSQL URL (a fresh database is created next to it); default SQLite")
    ap.add_argument("--throughput-rounds", type=int, default=3, help="0: skip the poll throughput part")
    ap.add_argument("--gap", type=float, default=1.0, help="KHABAR_HOST_MIN_GAP of the workers")
    ap.add_argument("--out", default=str(ROOT / "bench" / "freshness" / "last-run.json"))
    ap.add_argument("--details", help="also write every item (published, stored) and request here (JSON)")
    args = ap.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="khabar-freshness-"))
    database = create_database(args.database, workdir)
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": database,
        "KHABAR_DATA_DIR": str(workdir),
        "KHABAR_HOST_MIN_GAP": str(args.gap),
        "KHABAR_ALLOW_PRIVATE_ADDRESSES": "1",
        "KHABAR_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(
        {
            k: env[k]
            for k in ("KHABAR_DATABASE_URL", "KHABAR_DATA_DIR", "KHABAR_ALLOW_PRIVATE_ADDRESSES", "KHABAR_LOG_LEVEL")
        }
    )
    newsweb = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("newsweb_process.py")),
            "--outlets",
            str(args.outlets),
            "--rate",
            str(args.rate),
            "--seed",
            str(args.seed),
            "--warmup",
            str(args.warmup),
            "--dir",
            str(workdir),
        ],
        stdout=open(workdir / "newsweb.log", "w"),
        stderr=subprocess.STDOUT,
    )  # noqa: SIM115
    while not (workdir / "ready.json").exists():
        if newsweb.poll() is not None:
            raise SystemExit((workdir / "newsweb.log").read_text())
        time.sleep(0.2)
    ready = json.loads((workdir / "ready.json").read_text(encoding="utf-8"))
    (workdir / "outlets.json").write_text(json.dumps({"outlets": ready["outlets"]}), encoding="utf-8")
    subprocess.run(KHABAR + ["sources", "load", str(workdir / "outlets.json")], env=env, cwd=workdir, check=True)
    feed_urls = [f["url"] for o in ready["outlets"] for f in o["feeds"]]
    feed_paths: dict[str, set[str]] = defaultdict(set)
    for url in feed_urls:
        feed_paths[urlsplit(url).netloc].add(urlsplit(url).path)
    print(
        f"{len(ready['outlets'])} outlets, {len(feed_urls)} feeds, {ready['backlog']} backlog items; "
        f"database {database}; logs in {workdir}",
        flush=True,
    )

    started_at = ready["started_at"]
    window_start = started_at + args.warmup
    window_end = window_start + args.minutes * 60
    workers = start_workers(args, env, workdir)
    try:
        while (now := time.time()) < window_end + args.grace:
            time.sleep(min(60.0, window_end + args.grace - now))
            print(f"  t={time.time() - started_at:5.0f} s", flush=True)
    finally:
        stop_workers(workers)
    crawl_end = time.time()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khabar.settings")
    django.setup()
    from khabar.news.models import Article
    from khabar.pipeline.collect import canonical_url

    stored = dict(Article.objects.values_list("url", "fetched_at"))
    rounds = args.throughput_rounds
    throughput = {}
    if rounds > 0:  # 0: lag and traffic only (e.g. bench/originals/run.py)
        print("measuring poll throughput…", flush=True)
        throughput = {
            "bare httpx GET loop": asyncio.run(bare_httpx(feed_urls, rounds)),
            "Khabar Fetcher.fetch": asyncio.run(khabar_fetcher(feed_urls, rounds, parse=False)),
            "Khabar fetch_feed (fetch + parse)": asyncio.run(khabar_fetcher(feed_urls, rounds, parse=True)),
            "Khabar refresh_feeds (DB politeness, conditional GET, health)": khabar_refresh(rounds),
        }
    newsweb.send_signal(signal.SIGTERM)
    newsweb.wait(120)
    report = json.loads((workdir / "newsweb.json").read_text(encoding="utf-8"))
    traffic = TrafficLog.of([Trace(*row) for row in report["traces"]])

    stored_at = {}
    for url, _published in report["items"]:
        if (fetched := stored.get(canonical_url(url))) is not None:
            stored_at[(urlsplit(url).netloc, urlsplit(url).path)] = fetched.timestamp()
    lags, missing = [], 0
    for url, published in report["items"]:
        if window_start <= published < window_end:
            fetched = stored.get(canonical_url(url))
            if fetched is None:
                missing += 1
            else:
                lags.append(fetched.timestamp() - published)
    if args.details:  # every item and request, for bench/originals/run.py
        Path(args.details).write_text(
            json.dumps(
                {
                    "window": [window_start, window_end, crawl_end],
                    "outlets": len(feed_paths),
                    "feed_paths": {host: sorted(paths) for host, paths in feed_paths.items()},
                    "items": [
                        [url, published, stored_at.get((urlsplit(url).netloc, urlsplit(url).path))]
                        for url, published in report["items"]
                    ],
                    "traces": report["traces"],
                }
            ),
            encoding="utf-8",
        )
    traffic = traffic_figures(
        traffic, feed_paths, window_start, window_end, args.minutes, args.gap, crawl_end, stored_at
    )

    result = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "load_average_at_end": os.getloadavg(),
        "outlets": args.outlets,
        "feeds": len(feed_urls),
        "rate_per_minute": args.rate,
        "minutes": args.minutes,
        "processes": args.processes,
        "threads": args.threads,
        "database": database.split(":")[0],
        "items_in_window": len(lags) + missing,
        "items_missing": missing,
        # Items not stored yet count as infinitely late in the percentiles (max is of the stored ones).
        "lag_p50": percentile(lags + [float("inf")] * missing, 0.5),
        "lag_p95": percentile(lags + [float("inf")] * missing, 0.95),
        "lag_max": max(lags, default=None),
        "lag_mean": statistics.mean(lags) if lags else None,
        "traffic": traffic,
        "polls_per_second": throughput,
    }
    Path(args.out).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    t = traffic
    print(f"""
| figure | value |
| --- | --- |
| items published in the {args.minutes:g}-minute window | {result["items_in_window"]} ({missing} not stored {args.grace:.0f} s after it) |
| lag p50 / p95 / max of those stored (missing ones count as infinitely late) | {result["lag_p50"]:.0f} s / {result["lag_p95"]:.0f} s / {result["lag_max"]:.0f} s |
| requests in the window (feed polls / pages / homepages / robots.txt) | {t["requests"]} ({t.get("feed polls", 0)} / {t.get("pages", 0)} / {t.get("homepages", 0)} / {t.get("robots.txt", 0)}) |
| feed polls answered 304 | {t.get("304 answers", 0)} |
| per outlet per hour: feed polls / page re-checks (originals) | {t["feed_polls_per_outlet_per_hour"]:.1f} / {t["rechecks_per_outlet_per_hour"]:.1f} |
| fixed 5-minute polling, feed polls alone | {t["fixed_5min_feed_polls"]:.0f} |
| wasted requests (full answers to unchanged feeds) | {t["wasted"]} |
| requests per host per minute: max / mean | {t["per_host_per_minute_max"]} / {t["per_host_per_minute_mean"]:.1f} |
| connections at once to one host, max | {t["max_connections_per_host"]} |
| gaps between two requests to one host: smallest / under 90 % of the {args.gap:g} s gap | {t["smallest_gap"]:.3f} s / {t["gaps_under_90_percent"]} of {t["gaps"]} |""")
    print("\n| poll path (same feeds, loopback, gap 0) | feed polls per second |\n| --- | --- |")
    for name, value in throughput.items():
        print(f"| {name} | {value:.0f} |")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
