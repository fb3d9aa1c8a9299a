"""Scale-out benchmark: feed polls per second with 1, 2, 4 ``khabar worker`` processes on PostgreSQL.

    .venv/bin/python bench/scaleout/run.py \\
        --database postgres://postgres@127.0.0.1:5432/khabar_bench_pg --outlets 1000

1. The news web runs in a process of its own (``newsweb_process.py``: the freshness benchmark's,
   with a slower idle poll of its 1,000 servers' threads) with
   ``--outlets`` generated outlets (``khabar.newsweb.many``), each on its own loopback
   address. Its publishing rate is tiny (``--rate``, items per minute for all outlets) and no
   new item appears during the run: after the first check, every feed poll is a conditional
   GET answered 304, the steady state of a crawler of many outlets.
2. The database named by ``--database`` is dropped and created again; the outlets are loaded
   with ``khabar sources load``.
3. For each count in ``--processes`` (default 4, 2, 1): that many real ``khabar worker``
   processes (default settings except ``--tick``; ``--gap`` 1 s and 2 connections per host).
   With the first count, a cold round: every feed due, for at most ``--cold-timeout`` seconds
   (robots.txt, first full answers, the small backlog; reported apart). Then ``--rounds``
   measured rounds: every feed checked before (its poll is a conditional GET) is made due at
   once and checks are counted (``Feed.last_checked_at``) until all are done or
   ``--round-timeout`` seconds have passed: feed polls per second = checks / time; also the
   rate between 10 % and 90 % of the feeds when reached. Between rounds nothing is due, queued
   crawl tasks are dropped and the running ones finish.
4. CPU seconds per round of: the worker processes, the news web process, the PostgreSQL
   backends connected to this database (``pg_stat_activity``), and the whole machine
   (``/proc/stat``), with the load average.
5. Baseline in the same run: a bare httpx loop (one process, 2 connections per host) over
   the same feed URLs with the same conditional GETs (ETag / Last-Modified, so 304 answers):
   what the news web can answer to one client with no crawler around it.

Prints Markdown and writes ``--out`` as JSON. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
KHABAR = [sys.executable, "-m", "khabar.cli"]
TICKS = os.sysconf("SC_CLK_TCK")


async def bare_conditional_loop(urls: list[str], rounds: int, in_flight: int = 64) -> tuple[float, int]:
    """A bare httpx loop (2 connections per host, at most ``in_flight`` requests at once, connections
    kept for every host) asking each feed with its ETag / Last-Modified, as the crawler does: (polls
    per second over ``rounds`` rounds after a first one that learns the validators, answers that were
    304). Without the bound, 3,535 requests queued at once on one pool did not finish on a loaded
    machine (2026-12-01, first run)."""
    import httpx

    gates = defaultdict(lambda: asyncio.Semaphore(2))
    flight = asyncio.Semaphore(in_flight)
    validators: dict[str, dict[str, str]] = {}
    not_modified = 0
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=2048, max_keepalive_connections=2048), timeout=20, trust_env=False
    ) as client:

        async def one(url: str) -> None:
            nonlocal not_modified
            async with gates[urlsplit(url).netloc], flight:
                response = await client.get(url, headers=validators.get(url, {}))
            if response.status_code == 304:
                not_modified += 1
                return
            response.raise_for_status()
            headers = {}
            if etag := response.headers.get("etag"):
                headers["If-None-Match"] = etag
            if modified := response.headers.get("last-modified"):
                headers["If-Modified-Since"] = modified
            validators[url] = headers

        await asyncio.gather(*(one(url) for url in urls))
        not_modified = 0
        started = time.monotonic()
        for _ in range(rounds):
            await asyncio.gather(*(one(url) for url in urls))
        return len(urls) * rounds / (time.monotonic() - started), not_modified


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def machine_cpu() -> tuple[float, float]:
    """(busy, total) seconds of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


class CpuMeter:
    """CPU seconds used by groups of processes between ``start`` and ``stop``; postgres backends are
    found again at every ``sample`` (they come and go), each counted from when it was first seen."""

    def __init__(self, groups: dict[str, list[int]], backends):
        self.groups, self.backends = groups, backends
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self) -> None:
        pids = [pid for pids in self.groups.values() for pid in pids] + self.backends()
        for pid in pids:
            used = cpu_seconds(pid)
            if used is not None:
                self.first.setdefault(pid, used)
                self.last[pid] = used

    def start(self) -> None:
        self.first, self.last = {}, {}
        self.machine_start = machine_cpu()
        self.sample()

    def stop(self) -> dict:
        self.sample()
        busy, total = (b - a for a, b in zip(self.machine_start, machine_cpu()))
        used = {
            name: sum(self.last.get(pid, 0) - self.first.get(pid, 0) for pid in pids)
            for name, pids in self.groups.items()
        }
        named = {pid for pids in self.groups.values() for pid in pids}
        used["postgres"] = sum(self.last[pid] - self.first[pid] for pid in self.last if pid not in named)
        used["machine, all CPUs busy"] = busy
        used["machine busy share"] = busy / total if total else float("nan")
        return used


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def start_workers(count: int, threads: int, tick: float, env: dict, workdir: Path, tag: str) -> list[subprocess.Popen]:
    workers = []
    for number in range(count):
        log = open(workdir / f"worker-{tag}-{number}.log", "w")  # noqa: SIM115 - lives as long as the worker
        workers.append(
            subprocess.Popen(
                KHABAR + ["worker", "--allow-private", "--workers", str(threads), "--tick", str(tick)],
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


def wait_registered(count: int, timeout: float = 120) -> None:
    from khabar.sources.models import CrawlerProcess

    deadline = time.monotonic() + timeout
    while CrawlerProcess.objects.count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count} worker processes did not register")
        time.sleep(0.5)


def end_round(timeout: float) -> float:
    """Nothing due any more, the round's queued crawl tasks dropped; wait for the running ones (a task
    still fetching pages holds its hosts' grants: the next round's polls of those hosts would wait)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from khabar.sources.models import Feed

    start = time.monotonic()
    Feed.objects.update(next_check_at=timezone.now() + timedelta(days=1))
    tasks = DBTaskResult.objects.filter(task_path="khabar.crawler.tasks.refresh_feeds_task")
    tasks.filter(status="READY").delete()
    while tasks.filter(status="RUNNING").exists() and time.monotonic() - start < timeout:
        time.sleep(0.5)
    Feed.objects.filter(claimed_at__isnull=False).update(claimed_at=None)
    return time.monotonic() - start


def one_round(meter: CpuMeter, timeout: float, *, checked_before: bool) -> dict:
    """Make every crawlable feed (``checked_before``: every one checked before, whose next poll is a
    conditional GET) due now; count the checks until all are done or ``timeout`` seconds passed."""
    from django.utils import timezone

    from khabar.sources.models import Feed

    feeds = Feed.objects.crawlable()
    if checked_before:
        feeds = feeds.filter(last_checked_at__isnull=False)
    ids = list(feeds.values_list("pk", flat=True))
    feeds = Feed.objects.filter(pk__in=ids)
    total = len(ids)
    meter.start()
    load_before = os.getloadavg()
    t0 = timezone.now()
    start = time.monotonic()
    feeds.update(next_check_at=t0)
    marks: dict[float, float] = {}
    done = 0
    while time.monotonic() - start < timeout:
        time.sleep(0.25)
        meter.sample()
        done = feeds.filter(last_checked_at__gte=t0).count()
        for share in (0.1, 0.5, 0.9):
            if done >= share * total:
                marks.setdefault(share, time.monotonic() - start)
        if done >= total:
            break
    elapsed = time.monotonic() - start
    cpu = meter.stop()
    errors = feeds.exclude(error_kind="").count()
    ended = end_round(60.0)
    return {
        "feeds": total,
        "checked": done,
        "seconds": elapsed,
        "polls_per_second": done / elapsed,
        "polls_per_second_10_to_90": 0.8 * total / (marks[0.9] - marks[0.1]) if 0.9 in marks else None,
        "feeds_with_errors": errors,
        "seconds_to_end_the_round": ended,
        "cpu_seconds": cpu,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database", required=True, help="a PostgreSQL URL; that database is dropped and created")
    ap.add_argument("--outlets", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=0.1, help="items per minute, all outlets (backlog only)")
    ap.add_argument("--processes", type=int, nargs="+", default=[4, 2, 1], help="the cold round runs with the first")
    ap.add_argument("--threads", type=int, default=4, help="task threads per worker process")
    ap.add_argument("--tick", type=float, default=1.0, help="scheduler tick of the workers (200 feeds a tick)")
    ap.add_argument("--gap", type=float, default=1.0, help="KHABAR_HOST_MIN_GAP of the workers (default 1 s)")
    ap.add_argument("--rounds", type=int, default=1, help="measured rounds per process count")
    ap.add_argument("--round-timeout", type=float, default=60.0, help="seconds a measured round lasts at most")
    ap.add_argument("--cold-timeout", type=float, default=150.0, help="seconds the first (cold) round lasts at most")
    ap.add_argument("--baseline-rounds", type=int, default=2, help="rounds of the bare httpx loop")
    ap.add_argument("--baseline-in-flight", type=int, default=64, help="requests at once in the bare loop")
    ap.add_argument("--out", default=str(ROOT / "bench" / "scaleout" / "last-run.json"))
    args = ap.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="khabar-scaleout-"))
    recreate_database(args.database)
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": args.database,
        "KHABAR_DATA_DIR": str(workdir),
        "KHABAR_ALLOW_PRIVATE_ADDRESSES": "1",
        "KHABAR_HOST_MIN_GAP": str(args.gap),
        "KHABAR_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(
        {
            k: env[k]
            for k in ("KHABAR_DATABASE_URL", "KHABAR_DATA_DIR", "KHABAR_ALLOW_PRIVATE_ADDRESSES", "KHABAR_LOG_LEVEL")
        }
    )
    newsweb_started = time.monotonic()
    newsweb = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("newsweb_process.py")), "--outlets", str(args.outlets)]
        + ["--rate", str(args.rate), "--warmup", "1000000", "--dir", str(workdir)],
        stdout=open(workdir / "newsweb.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    result: dict = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "cpus": os.cpu_count()}
    workers: list[subprocess.Popen] = []
    try:
        while not (workdir / "ready.json").exists():
            if newsweb.poll() is not None:
                raise SystemExit((workdir / "newsweb.log").read_text())
            time.sleep(0.2)
        result["newsweb_start_seconds"] = time.monotonic() - newsweb_started
        ready = json.loads((workdir / "ready.json").read_text(encoding="utf-8"))
        (workdir / "outlets.json").write_text(json.dumps({"outlets": ready["outlets"]}), encoding="utf-8")
        subprocess.run(
            KHABAR + ["sources", "load", str(workdir / "outlets.json")],
            env=env,
            cwd=workdir,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        feed_urls = [f["url"] for o in ready["outlets"] for f in o["feeds"]]
        result.update(outlets=len(ready["outlets"]), feeds=len(feed_urls), backlog=ready["backlog"])
        print(
            f"{result['outlets']} outlets, {result['feeds']} feeds, {ready['backlog']} backlog items; logs in {workdir}"
        )

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khabar.settings")
        django.setup()
        from django.db import connection

        def backends() -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
                return [row[0] for row in cursor.fetchall()]

        runs = []
        for number, count in enumerate(args.processes):
            workers = start_workers(count, args.threads, args.tick, env, workdir, str(count))
            wait_registered(count)
            meter = CpuMeter({"workers": [w.pid for w in workers], "news web": [newsweb.pid]}, backends)
            if number == 0:
                cold = one_round(meter, args.cold_timeout, checked_before=False)
                result["cold_round"] = {"processes": count, **cold}
                print(f"cold round ({count} process(es)): {json.dumps(cold)}", flush=True)
            for _ in range(args.rounds):
                measured = one_round(meter, args.round_timeout, checked_before=True)
                runs.append({"processes": count, **measured})
                print(f"{count} process(es): {json.dumps(measured)}", flush=True)
            stop_workers(workers)
            workers = []
            from khabar.sources.models import CrawlerProcess

            CrawlerProcess.objects.all().delete()  # the stopped processes unregister; be sure
        result["rounds"] = runs

        print("baseline: bare httpx loop…", flush=True)
        meter = CpuMeter({"bare httpx loop (this process)": [os.getpid()], "news web": [newsweb.pid]}, list)
        meter.start()
        load_before = os.getloadavg()
        rate, not_modified = asyncio.run(
            bare_conditional_loop(feed_urls, args.baseline_rounds, args.baseline_in_flight)
        )
        result["baseline"] = {
            "bare httpx GET loop, polls per second": rate,
            "answers 304": not_modified,
            "polls": len(feed_urls) * args.baseline_rounds,
            "cpu_seconds": meter.stop(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        }
    finally:
        if workers:
            stop_workers(workers)
        newsweb.send_signal(signal.SIGTERM)
        try:
            newsweb.wait(120)
        except subprocess.TimeoutExpired:
            newsweb.kill()

    Path(args.out).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    base = result["baseline"]["bare httpx GET loop, polls per second"]
    print(
        "\n| worker processes | feed polls/s (round) | 10–90 % rate | × bare httpx | CPU s per 1,000 polls: "
        "workers / news web / postgres | machine busy | load avg (before → after) |"
    )
    print("|---:|---:|---:|---:|---|---:|---|")
    for run in runs:
        cpu = run["cpu_seconds"]
        per = 1000 / max(run["checked"], 1)
        print(
            f"| {run['processes']} | {run['polls_per_second']:.0f} | {run['polls_per_second_10_to_90'] or 0:.0f} "
            f"| {run['polls_per_second'] / base:.2f} "
            f"| {cpu['workers'] * per:.1f} / {cpu['news web'] * per:.1f} / "
            f"{cpu['postgres'] * per:.1f} "
            f"| {cpu['machine busy share']:.0%} "
            f"| {run['load_average_before'][0]:.1f} → {run['load_average_after'][0]:.1f} |"
        )
    b = result["baseline"]
    print(
        f"\nbare httpx loop (baseline, same feeds, conditional GETs, {b['answers 304']} of {b['polls']} answered 304): "
        f"{base:.0f} polls/s; CPU s: {json.dumps(b['cpu_seconds'])}"
    )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
