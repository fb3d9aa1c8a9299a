"""`khabar serve` as shipped against granian as `run.py` measured it, on the cached home page.

`run.py` ran granian with one Python thread per worker and no access log; `khabar serve`
(khabar/server.py) runs KHABAR_SERVER_THREADS threads per worker, a 10 s header timeout, HTTP/1
only and an access log. This measures what that costs, in one run, configurations interleaved:

    .venv/bin/python bench/serving/shipped.py --data-dir DIR [--rounds 2] [--seconds 10]

DIR holds a Khabar database (e.g. one `khabar demo` filled: demo.sqlite3, or run.py's bench.sqlite3).
Each measurement is `wrk -t2 -c64 -dSECONDSs` on `/`; prints a JSON line each and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from run import ROOT, free_port, stop, wait_until_up

GRANIAN = ROOT / ".venv" / "bin" / "granian"
KHABAR = ROOT / ".venv" / "bin" / "khabar"


def configurations(port: int) -> dict[str, tuple[list[str], dict[str, str]]]:
    return {
        "granian as run.py measured it (1 thread, no access log)": (
            [str(GRANIAN), "--interface", "wsgi", "--port", str(port), "--workers", "2", "--blocking-threads", "1"]
            + ["--log-level", "warning", "khabar.wsgi:application"],
            {},
        ),
        "khabar serve as shipped": ([str(KHABAR), "serve", "--port", str(port)], {}),
        "khabar serve, access log off": (
            [str(KHABAR), "serve", "--port", str(port)],
            {"KHABAR_SERVER_ACCESS_LOG": "0"},
        ),
    }


def measure(name: str, command: list[str], extra: dict[str, str], args, port: int) -> dict:
    env = {**os.environ, **extra, "KHABAR_DATA_DIR": str(args.data_dir), "KHABAR_SERVER_WORKERS": "2"}
    env.update(KHABAR_ALLOWED_HOSTS="127.0.0.1", KHABAR_PAGE_CACHE_SECONDS="60", KHABAR_LOG_LEVEL="WARNING")
    database = next((p for p in ("bench.sqlite3", "demo.sqlite3") if (args.data_dir / p).exists()), None)
    if database and "KHABAR_DATABASE_URL" not in os.environ:
        env["KHABAR_DATABASE_URL"] = f"sqlite:///{args.data_dir / database}"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", timeout=120)
        url = f"http://127.0.0.1:{port}/"
        wrk = ["wrk", "-t2", "-c64", f"-d{args.seconds}s", "--latency", url]
        output = subprocess.run(wrk, capture_output=True, text=True, check=True).stdout
    finally:
        stop(process)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "config": name,
        "rps": rps,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "load": os.getloadavg()[0],
        "command": " ".join(wrk),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    results: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        port = free_port()
        for name, (command, extra) in configurations(port).items():
            row = measure(name, command, extra, args, port)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            results.setdefault(name, []).append(row["rps"])
    baseline_name = next(iter(results))
    baseline = max(results[baseline_name])
    for name, values in results.items():
        print(f"{name}: best {max(values):.0f} rps, × baseline {max(values) / baseline:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
