"""The news web of the freshness benchmark, in a process of its own (run by ``run.py``).

Serves ``NewsWeb(outlets=N, …)``; writes ``<dir>/ready.json`` (outlets, feeds, start time)
once listening; on SIGTERM writes ``<dir>/newsweb.json`` (every published item's URL and
publication time, and every request it received) and exits.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from khabar.newsweb.server import NewsWeb  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--outlets", type=int, required=True)
    ap.add_argument("--rate", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=float, required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    out = Path(args.dir)
    web = NewsWeb(seed=args.seed, rate=args.rate, port=0, outlets=args.outlets, first_new_after=args.warmup).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ready = {
        "started_at": web.started_at,
        "backlog": sum(p.offset <= 0 for p in web.schedule),
        "outlets": [
            {
                "slug": o.slug,
                "name": o.name,
                "homepage": o.homepage,
                "host": o.host,
                "feeds": [{"url": f.url, "category": f.category} for f in o.feeds],
            }
            for o in web.outlets
        ],
    }
    (out / "ready.json.tmp").write_text(json.dumps(ready), encoding="utf-8")
    (out / "ready.json.tmp").rename(out / "ready.json")
    stop.wait()
    report = {
        "items": [[web.url_of(p), web.when(p)] for p in web.schedule],
        "traces": [
            [t.host, t.path, t.started, t.finished, t.status, t.etag, t.in_flight] for t in web.traffic.traces()
        ],
    }
    web.stop()
    (out / "newsweb.json").write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
