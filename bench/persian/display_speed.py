"""Display normalization throughput, MB/s on one core, beside hazm and parsivar in the same run.

    python3 -m venv /tmp/zwnj-venv && /tmp/zwnj-venv/bin/pip install hazm-normalizer==0.3.0 parsivar==0.2.3.1
    .venv/bin/python bench/persian/display_speed.py [--repeat 3] [--other-python /tmp/zwnj-venv/bin/python]

Text: every title, lead and body of /work/shared/data/persian_news (Fars + Varzesh3,
about 12 MB of UTF-8), one paragraph a line. Each system normalizes the same
lines; the best of --repeat runs is reported. Competitors run in their own venv
through bench/zwnj/competitors.py, which times itself (process start-up and JSON
transfer are not counted).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from khabar.pipeline.persian import normalize_display, prepare_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "persian_news"


def corpus_lines() -> list[str]:
    lines: list[str] = []
    for name in ("fars.jsonl.gz", "varzesh3.jsonl.gz"):
        with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
            for raw in handle:
                record = json.loads(raw)
                for field in ("title", "lead", "body"):
                    lines.extend(line for line in (record.get(field) or "").split("\n") if line.strip())
    return lines


def time_local(fn, lines: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for line in lines:
            fn(line)
        best = min(best, time.perf_counter() - start)
    return best


def time_other(system: str, lines: list[str], python: str, repeat: int) -> float | None:
    if not Path(python).exists():
        return None
    best = float("inf")
    for _ in range(repeat):
        done = subprocess.run(
            [python, str(ROOT / "bench" / "zwnj" / "competitors.py")],
            input=json.dumps({"system": system, "lines": lines}),
            capture_output=True,
            text=True,
            check=True,
        )
        best = min(best, json.loads(done.stdout)["seconds"])
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--other-python", default=os.environ.get("ZWNJ_OTHER_PYTHON", "/tmp/zwnj-venv/bin/python"))
    args = ap.parse_args(argv)
    lines = corpus_lines()
    megabytes = sum(len(line.encode("utf-8")) + 1 for line in lines) / 1e6
    prepare_text("گرم کردن واژه‌نامه")  # load the ZWNJ lexicon outside the timing
    results = {
        "khabar normalize_display": time_local(normalize_display, lines, args.repeat),
        "khabar prepare_text (display + ZWNJ repair)": time_local(prepare_text, lines, args.repeat),
        "hazm Normalizer() defaults": time_other("hazm-default", lines, args.other_python, args.repeat),
        "parsivar Normalizer()": time_other("parsivar", lines, args.other_python, args.repeat),
    }
    base = results["khabar normalize_display"]
    print(f"{len(lines)} lines, {megabytes:.1f} MB, best of {args.repeat}, one core")
    print(f"{'system':48} {'seconds':>8} {'MB/s':>7} {'× display':>10}")
    for name, seconds in results.items():
        if seconds is None:
            print(f"{name:48} {'(not installed)':>8}")
            continue
        print(f"{name:48} {seconds:8.2f} {megabytes / seconds:7.2f} {seconds / base:10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
