"""Feed polls per second through the crawler's whole path, against a bare httpx loop in the same run.

    .venv/bin/python bench/bridge/run.py                 # SQLite in a temporary folder
    .venv/bin/python bench/bridge/run.py --database postgres://postgres@127.0.0.1:5432/khabar

What changes between the measured paths is how much database work each poll does, and
how the asyncio crawl reaches the database (the bridge between the event loop and
Django's synchronous ORM: ``refresh.py``). The offline news web runs in a process of
its own (its default 15 outlets, a small backlog, no new items), so every poll after
the first round is a conditional GET answered 304.

* ``bare httpx``: one ``httpx.AsyncClient``, 2 requests at once per host (the baseline);
* ``Fetcher.fetch``: Khabar's fetcher (robots.txt, address guard, bounded decoding,
  politeness kept in memory), no database;
* ``refresh_feeds``: the production path of a task: database politeness (two
  transactions per request), "which items are new", health and next-check bookkeeping.

Politeness gaps are 0: this measures the machinery, not the waits. The three are run
in turn ``--repeats`` times and the median of each is reported, with its ratio to the
bare httpx loop of the same run: polls per second (wall clock), and CPU time of this
process per poll (the news web runs elsewhere), which a busy shared machine disturbs less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def start_newsweb(port: int) -> tuple[subprocess.Popen, list[str]]:
    """The news web in its own process; returns it and its feed URLs."""
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "khabar.newsweb.server",
            "--rate",
            "0",
            "--backlog",
            "5",
            "--quiet",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    feeds = []
    for line in web.stdout:
        if "items published" in line:
            return web, feeds
        if line.startswith("    "):
            feeds.append(line.split()[-1])
    raise SystemExit("the news web did not start")


def measured(run) -> tuple[float, float]:
    """(polls per second, CPU milliseconds of this process per poll) of ``run()``, which returns its polls."""
    wall, cpu = time.monotonic(), time.process_time()
    polls = run()
    return polls / (time.monotonic() - wall), (time.process_time() - cpu) * 1000 / polls


async def bare_httpx(urls: list[str], rounds: int) -> int:
    import httpx

    gates = defaultdict(lambda: asyncio.Semaphore(2))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=512), timeout=20, trust_env=False) as client:

        async def one(url: str) -> None:
            async with gates[urlsplit(url).netloc]:
                (await client.get(url)).raise_for_status()

        for _ in range(rounds):
            await asyncio.gather(*(one(url) for url in urls))
        return len(urls) * rounds


async def khabar_fetcher(urls: list[str], rounds: int) -> int:
    from dataclasses import replace

    from khabar.crawler.egress import fetch_policy
    from khabar.pipeline.fetch import Fetcher

    async with Fetcher(replace(fetch_policy(), min_gap=0.0)) as fetcher:
        for _ in range(rounds):
            results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
            assert not [r.error for r in results if r.error]
        return len(urls) * rounds


def khabar_refresh(rounds: int) -> int:
    from khabar.crawler.refresh import refresh_feeds
    from khabar.sources.models import Feed

    polls = 0
    for _ in range(rounds):
        feeds = list(Feed.objects.select_related("source"))
        reports = refresh_feeds(feeds)
        assert not [r.error for r in reports if r.error], [r.error for r in reports if r.error][:3]
        polls += len(reports)
    return polls


def setup_database(database: str | None, workdir: Path) -> None:
    os.environ["KHABAR_DATA_DIR"] = str(workdir)
    os.environ["KHABAR_ALLOW_PRIVATE_ADDRESSES"] = "1"
    os.environ["KHABAR_HOST_MIN_GAP"] = "0"
    os.environ["KHABAR_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "khabar.settings"
    if database:
        import psycopg

        base, name = database.rsplit("/", 1)
        name = f"{name}_bridge_{os.getpid()}"
        with psycopg.connect(base + "/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["KHABAR_DATABASE_URL"] = f"{base}/{name}"
    else:
        os.environ["KHABAR_DATABASE_URL"] = f"sqlite:///{workdir / 'bridge.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def drop_database(database: str | None) -> None:
    if not database:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    base, _ = database.rsplit("/", 1)
    name = os.environ["KHABAR_DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=10, help="polls of every feed per measurement")
    ap.add_argument("--repeats", type=int, default=3, help="measurements of each path, in turn; the median counts")
    ap.add_argument("--port", type=int, default=18811, help="port of the news web's outlets")
    ap.add_argument("--database", help="a PostgreSQL URL (a fresh database is created next to it); default SQLite")
    ap.add_argument("--json", type=Path, help="also write every measurement and the medians to this file")
    args = ap.parse_args()

    web, urls = start_newsweb(args.port)
    with tempfile.TemporaryDirectory(prefix="khabar-bridge-") as tmp:
        setup_database(args.database, Path(tmp))
        try:
            from khabar.sources.catalog import FeedSpec, OutletSpec, register_outlets

            register_outlets([OutletSpec(f"o{i}", f"outlet {i}", feeds=[FeedSpec(url)]) for i, url in enumerate(urls)])
            khabar_refresh(1)  # takes in the backlog: pages fetched and stored (not measured)
            figures: dict[str, list[tuple[float, float]]] = defaultdict(list)
            for _ in range(args.repeats):
                for name, run in (
                    ("bare httpx", lambda: asyncio.run(bare_httpx(urls, args.rounds))),
                    ("Fetcher.fetch (no database)", lambda: asyncio.run(khabar_fetcher(urls, args.rounds))),
                    ("refresh_feeds (database politeness, 304, health)", lambda: khabar_refresh(args.rounds)),
                ):
                    figures[name].append(measured(run))
        finally:
            drop_database(args.database)
            web.terminate()
            web.wait()
    rate0 = statistics.median(rate for rate, _ in figures["bare httpx"])
    cpu0 = statistics.median(cpu for _, cpu in figures["bare httpx"])
    engine = "PostgreSQL" if args.database else "SQLite"
    print(f"\n{len(urls)} feeds × {args.rounds} rounds, median of {args.repeats}, {engine}\n")
    print("| path | feed polls/s | vs bare httpx | CPU ms per poll | vs bare httpx |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values in figures.items():
        rate, cpu = statistics.median(r for r, _ in values), statistics.median(c for _, c in values)
        print(f"| {name} | {rate:.0f} | {rate / rate0:.2f} | {cpu:.2f} | {cpu / cpu0:.1f} |")
    if args.json:
        args.json.write_text(json.dumps(report(args, engine, len(urls), figures), indent=1) + "\n")
    return 0


def report(args, engine: str, feeds: int, figures: dict[str, list[tuple[float, float]]]) -> dict:
    """Every measurement and the medians, with the ratios to the bare httpx loop of this run."""
    rate0 = statistics.median(rate for rate, _ in figures["bare httpx"])
    cpu0 = statistics.median(cpu for _, cpu in figures["bare httpx"])
    paths = {}
    for name, values in figures.items():
        rate, cpu = statistics.median(r for r, _ in values), statistics.median(c for _, c in values)
        paths[name] = {
            "polls_per_second": [round(r, 1) for r, _ in values],
            "cpu_ms_per_poll": [round(c, 3) for _, c in values],
            "median_polls_per_second": round(rate, 1),
            "median_cpu_ms_per_poll": round(cpu, 3),
            "rate_vs_bare": round(rate / rate0, 3),
            "cpu_vs_bare": round(cpu / cpu0, 3),
        }
    return {
        "database": engine,
        "feeds": feeds,
        "rounds": args.rounds,
        "repeats": args.repeats,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_at_end": list(os.getloadavg()),
        "paths": paths,
    }


if __name__ == "__main__":
    sys.exit(main())
