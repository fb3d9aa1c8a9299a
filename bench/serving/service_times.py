"""Service time of single requests (no concurrency, no page cache): what one request costs.

    .venv/bin/python bench/serving/service_times.py --articles 100000

Runs in-process through Django's full stack (test client, page cache off) against the
benchmark database: the home page, 300 article pages and the 300 search queries of
run.py, one after another; prints p50/p95/p99 in milliseconds as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(pick(0.95), 1),
        "p99_ms": round(pick(0.99), 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    data_dir = (args.data_dir or ROOT / "var" / f"bench-serving-{args.articles}").resolve()
    os.environ.update(
        {
            "KHABAR_DATA_DIR": str(data_dir),
            "KHABAR_DATABASE_URL": os.environ.get("KHABAR_DATABASE_URL") or f"sqlite:///{data_dir / 'bench.sqlite3'}",
            "KHABAR_ALLOWED_HOSTS": "testserver",
            "KHABAR_PAGE_CACHE_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "khabar.settings",
        }
    )
    import django

    django.setup()
    import random

    from django.test import Client
    from run import search_paths

    from khabar.news.models import Article

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    ids = list(Article.objects.visible().values_list("id", flat=True))
    random.seed(5)
    groups = {"home": ["/"] * 100, "article": [f"/news/{i}/" for i in random.sample(ids, 300)]}
    if not args.skip_search:
        groups["search"] = search_paths(data_dir)
    results = {}
    for name, paths in groups.items():
        client.get(paths[0])  # templates compiled, lexicon loaded
        samples = []
        for path in paths:
            started = time.perf_counter()
            status = client.get(path).status_code
            samples.append((time.perf_counter() - started) * 1000)
            assert status == 200, (path, status)
        results[name] = percentiles(samples)
    results["load_average"] = os.getloadavg()
    print(json.dumps({"articles": args.articles, **results}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
