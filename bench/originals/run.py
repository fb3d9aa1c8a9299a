"""Re-check load of the originals (khabar.originals) in the freshness benchmark's setting.

    .venv/bin/python bench/originals/run.py --outlets 200 --rate 30 --minutes 5 --warmup 240 --grace 120

(other options are passed to ``bench/freshness/run.py``; its poll-throughput part is skipped).

Runs ``bench/freshness/run.py`` twice in turn, same news web seed and settings: first with
re-checks off (``KHABAR_ORIGINALS_RECHECK_AFTER=""``, the baseline), then with a compressed
schedule (``--schedule``, default 60 s, 180 s and 360 s after publication, so that every new item
of the window is re-checked three times inside it: a far denser load than the real 1 h / 6 h / 24 h /
7 d). Prints, per run, the new-item lag and the requests per outlet per hour: feed polls next to page
re-checks (a page asked for again), and the lag ratio with/without re-checks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRESHNESS = ROOT / "bench" / "freshness" / "run.py"


def run(label: str, schedule: str, args, extra: list[str]) -> dict:
    out = ROOT / "bench" / "originals" / f"last-run-{label}.json"
    env = {**os.environ, "KHABAR_ORIGINALS_RECHECK_AFTER": schedule, "KHABAR_ORIGINALS_INTERVAL": "10"}
    command = [sys.executable, str(FRESHNESS), "--throughput-rounds", "0", *extra, "--out", str(out)]
    print(f"== {label}: KHABAR_ORIGINALS_RECHECK_AFTER={schedule!r}", flush=True)
    subprocess.run(command, env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schedule", default="60s,180s,360s")
    args, extra = ap.parse_known_args()
    results = {
        "without re-checks": run("without", "", args, extra),
        "with re-checks": run("with", args.schedule, args, extra),
    }
    base = results["without re-checks"]
    print(
        "\n| run | lag p50 / p95 / max | missing | feed polls / re-checks per outlet per hour | re-checks in window | load avg at end |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        t = r["traffic"]
        print(
            f"| {name} | {r['lag_p50']:.0f} s / {r['lag_p95']:.0f} s / {r['lag_max']:.0f} s | {r['items_missing']} of "
            f"{r['items_in_window']} | {t['feed_polls_per_outlet_per_hour']:.1f} / {t['rechecks_per_outlet_per_hour']:.1f} | "
            f"{t.get('page re-checks', 0)} | {r['load_average_at_end'][0]:.1f} |"
        )
    with_ = results["with re-checks"]
    print(
        f"\nlag p50 ratio with/without: {with_['lag_p50'] / base['lag_p50']:.2f}; p95: {with_['lag_p95'] / base['lag_p95']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
