"""Re-check load of the originals (khabar.originals) in the freshness benchmark's setting.

    .venv/bin/python bench/originals/run.py --outlets 60 --rate 9 --minutes 12 --warmup 420 --grace 240

(other options are passed to ``bench/freshness/run.py``; its poll-throughput part is skipped).

Runs ``bench/freshness/run.py`` twice **at the same time** (``--in-turn``: one after the other),
same news web seed and settings, each with its own news web, database and workers: one with
re-checks off (``KHABAR_ORIGINALS_RECHECK_AFTER=""``, the baseline), one with a compressed schedule
(``--schedule``, default 4, 6, 8 and 10 minutes after publication: as many points as the real
1 h / 6 h / 24 h / 7 d, so that every new item of the window is re-checked as often as it would be
over a week, but inside the run). Run together, both see the same load from the machine's other
jobs (the re-checks' own CPU is shared by both).

In steady state the re-check rate of an outlet is the number of points times its publication rate,
whatever the spacing of the points; the compressed schedule only brings that steady state into the
run. So the figures are: per outlet per hour, feed polls next to page re-checks (a request for an
item's page after the item was stored) in the window, and in the window's steady part (from the
last point of the schedule after the first new item on, when re-checks of earlier items and new
items' polls overlap as they do in production); re-checks per new item; the new-item lag of each run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
FRESHNESS = ROOT / "bench" / "freshness" / "run.py"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(value: str) -> float:
    """``4m`` → 240 (the syntax of KHABAR_ORIGINALS_RECHECK_AFTER; khabar.settings is not imported here)."""
    value = value.strip().lower()
    return float(value[:-1]) * UNITS[value[-1]] if value[-1] in UNITS else float(value)


def start(label: str, schedule: str, extra: list[str], workdir: Path) -> tuple[subprocess.Popen, Path, Path]:
    out = ROOT / "bench" / "originals" / f"last-run-{label}.json"
    details = workdir / f"details-{label}.json"
    env = {**os.environ, "KHABAR_ORIGINALS_RECHECK_AFTER": schedule, "KHABAR_ORIGINALS_INTERVAL": "10"}
    command = [sys.executable, str(FRESHNESS), "--throughput-rounds", "0", *extra, "--out", str(out)]
    command += ["--details", str(details)]
    print(f"== {label}: KHABAR_ORIGINALS_RECHECK_AFTER={schedule!r}", flush=True)
    log = open(workdir / f"{label}.log", "w")  # noqa: SIM115 - lives as long as the run
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT), out, details


def rechecks(details: dict, last_point: float) -> dict:
    """Feed polls and page re-checks per outlet per hour, in the window and in its steady part."""
    window_start, window_end, crawl_end = details["window"]
    feed_paths = {host: set(paths) for host, paths in details["feed_paths"].items()}
    stored_at, published_at = {}, {}
    for url, published, stored in details["items"]:
        key = (urlsplit(url).netloc, urlsplit(url).path)
        published_at[key] = published
        if stored is not None:
            stored_at[key] = stored
    steady_start = window_start + last_point
    counts: Counter = Counter()
    per_item: Counter = Counter()
    for host, target, started, _finished, status, _etag, _in_flight in details["traces"]:
        if started >= crawl_end:
            continue
        path = urlsplit(target).path
        is_feed = path in feed_paths.get(host, set())
        is_recheck = not is_feed and started > stored_at.get((host, path), float("inf"))
        if is_recheck and window_start <= published_at[(host, path)] < window_end:
            per_item[(host, path)] += 1
        for part, (a, b) in {"window": (window_start, window_end), "steady": (steady_start, crawl_end)}.items():
            if a <= started < b:
                counts[part, "feed polls"] += is_feed
                counts[part, "re-checks"] += is_recheck
                counts[part, "re-checks 304"] += is_recheck and status == 304
                counts[part, "requests"] += 1
    # New items whose whole schedule fell inside the crawl (published, stored, last point + 60 s before its end).
    complete = [
        key
        for key, published in published_at.items()
        if window_start <= published < window_end and key in stored_at and published + last_point + 60 < crawl_end
    ]
    outlets = details["outlets"]
    hours = {"window": (window_end - window_start) / 3600, "steady": max(crawl_end - steady_start, 1) / 3600}
    figures = {}
    for part, h in hours.items():
        figures[part] = {
            "hours": h,
            "feed_polls_per_outlet_per_hour": counts[part, "feed polls"] / outlets / h,
            "rechecks_per_outlet_per_hour": counts[part, "re-checks"] / outlets / h,
            "requests_per_outlet_per_hour": counts[part, "requests"] / outlets / h,
            "rechecks_304": counts[part, "re-checks 304"],
            "rechecks": counts[part, "re-checks"],
        }
    figures["new_items_schedule_complete"] = len(complete)
    figures["rechecks_per_new_item"] = statistics.mean(per_item[k] for k in complete) if complete else None
    figures["new_items_per_outlet_per_hour"] = (
        sum(window_start <= p < window_end for p in published_at.values()) / outlets / hours["window"]
    )
    figures["backlog_items"] = sum(p < window_start for p in published_at.values())
    figures["backlog_stored_before_window"] = sum(
        stored_at.get(k, float("inf")) < window_start for k, p in published_at.items() if p < window_start
    )
    return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schedule", default="4m,6m,8m,10m")
    ap.add_argument("--in-turn", action="store_true", help="one run after the other instead of together")
    args, extra = ap.parse_known_args()
    last_point = max(seconds(v) for v in args.schedule.split(","))
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"khabar-originals-{os.getpid()}"
    workdir.mkdir()
    print(f"logs in {workdir}", flush=True)
    runs, loads, began = {}, [], time.time()
    for label, schedule in (("without", ""), ("with", args.schedule)):
        runs[label] = start(label, schedule, extra, workdir)
        if args.in_turn:
            runs[label][0].wait()
    while any(process.poll() is None for process, _, _ in runs.values()):
        loads.append(os.getloadavg()[0])
        time.sleep(20)
    if any(process.returncode for process, _, _ in runs.values()):
        raise SystemExit(f"a run failed: see {workdir}")
    results = {}
    for label, (_, out, details_path) in runs.items():
        result = json.loads(out.read_text(encoding="utf-8"))
        result["originals"] = rechecks(json.loads(details_path.read_text(encoding="utf-8")), last_point)
        result["originals"]["schedule"] = args.schedule if label == "with" else ""
        out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        results[label] = result
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M', time.gmtime(began))}–{time.strftime('%H:%M', time.gmtime())} UTC; ", end=""
    )
    print(
        f"1-minute load average every 20 s: min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}"
    )
    print(
        "\n| run | lag p50 / p95 / max | missing | backlog stored before the window | "
        "per outlet per hour, window: feed polls / re-checks (304) | steady part | re-checks per new item |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, r in results.items():
        o = r["originals"]
        w, s = o["window"], o["steady"]
        per_item = o["rechecks_per_new_item"]
        print(
            f"| {label} re-checks | {r['lag_p50']:.0f} s / {r['lag_p95']:.0f} s / {r['lag_max']:.0f} s | "
            f"{r['items_missing']} of {r['items_in_window']} | {o['backlog_stored_before_window']} of {o['backlog_items']} | "
            f"{w['feed_polls_per_outlet_per_hour']:.1f} / {w['rechecks_per_outlet_per_hour']:.1f} ({w['rechecks_304']} of {w['rechecks']}) | "
            f"{s['feed_polls_per_outlet_per_hour']:.1f} / {s['rechecks_per_outlet_per_hour']:.1f} ({s['rechecks_304']} of {s['rechecks']}) | "
            f"{'–' if per_item is None else f'{per_item:.2f}'} ({o['new_items_schedule_complete']} items) |"
        )
    base, with_ = results["without"], results["with"]
    print(f"\nnew items per outlet per hour: {with_['originals']['new_items_per_outlet_per_hour']:.1f}")
    print(
        f"lag with/without re-checks: p50 {with_['lag_p50'] / base['lag_p50']:.2f}, p95 {with_['lag_p95'] / base['lag_p95']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
