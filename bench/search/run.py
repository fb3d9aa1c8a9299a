"""Search service time at scale, one query at a time, in-process: the index query, the result rows with
their highlighting, and the whole page, on the serving benchmark's database.

    .venv/bin/python bench/serving/generate.py --articles 100000 --data-dir var/bench-serving-100000
    .venv/bin/python bench/search/run.py --data-dir var/bench-serving-100000
    KHABAR_DATABASE_URL=postgres://postgres@127.0.0.1:5432/khabar_bench .venv/bin/python bench/search/run.py ...

The 300 queries of the serving benchmark (``bench/serving/run.py: search_paths``: frequent and rare
words of the corpus titles, one or two words, a fifth with a category, a seventh from a date, some
on page 2), each run ``--repeats`` times in turn; p50/p95/p99 in milliseconds of:

* ``index``: ``backend.search`` (count of matches up to 1,000, then the page's ids by relevance ×
  recency among the newest 2,000 matches);
* ``results``: what the page does with a query (``search_views._results``: index, rows, highlighting);
* ``page``: the whole page through Django's test client (page cache off).

Each as wall time and as CPU time of this thread ("(CPU)": on SQLite the database works in this
thread too; on PostgreSQL the server's time is only in the wall figures). On a shared machine the
CPU figures are the steadier ones.

Printed with a fixed pure-Python workload (``sum(i*i for i in range(100_000))``) timed in the same
process before and after, and the load average: the machine is shared, ratios are what compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "serving"))


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


def unit_ms(repeats: int = 20) -> float:
    """The fixed workload's median CPU time in ms (about 4 ms on a quiet machine)."""
    times = []
    for _ in range(repeats):
        started = time.thread_time()
        sum(i * i for i in range(100_000))
        times.append((time.thread_time() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the serving benchmark's data folder")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--queries", type=int, default=300, help="the first N of the 300 queries")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
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
    from django.conf import settings
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.utils import timezone
    from run import search_paths

    from khabar.news.models import Article
    from khabar.search.backends import get_backend
    from khabar.search.query import parse_search
    from khabar.site.context import menu_categories
    from khabar.site.search_views import _page_number, _results
    from khabar.sources.models import Source

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    factory = RequestFactory()
    paths = search_paths(data_dir)[: args.queries]
    backend = get_backend()
    sources = list(Source.objects.filter(active=True).order_by("name").only("id", "name", "slug"))
    load_before, unit_before = os.getloadavg(), unit_ms()
    client.get(paths[0])  # templates compiled, lexicon loaded
    samples: dict[str, list[float]] = defaultdict(list)

    def timed(name, run, *arguments):
        wall, cpu = time.perf_counter(), time.thread_time()
        run(*arguments)
        samples[name].append((time.perf_counter() - wall) * 1000)
        samples[name + " (CPU)"].append((time.thread_time() - cpu) * 1000)

    for _ in range(args.repeats):
        for path in paths:
            request = factory.get(path)
            params = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
            query = parse_search(params, menu_categories(request), sources)
            number = _page_number(params.get("page"))
            offset = (number - 1) * 20
            timed("index", backend.search, query.tokens, query.filters, offset, 20, timezone.now())
            timed("results", _results, request, query, number)
            timed("page", client.get, path)
    load_after, unit_after = os.getloadavg(), unit_ms()
    unit = (unit_before + unit_after) / 2
    page = percentiles(samples["page (CPU)"])
    figures = {
        "database": connection.vendor,
        "backend": settings.KHABAR_SEARCH_BACKEND,
        "articles": Article.objects.count(),
        "indexed": backend.count_indexed(),
        **{name: percentiles(values) for name, values in samples.items()},
        "unit_ms": round(unit, 2),
        "page_cpu_p95_units": round(page["p95_ms"] / unit, 1),
        "load_average": [round(x, 2) for x in (*load_before, *load_after)],
    }
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
