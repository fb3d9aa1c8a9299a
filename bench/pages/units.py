"""Uncached page work in units of a fixed pure-Python workload timed in the same process and run.

    .venv/bin/python bench/pages/units.py --data-dir var/bench-serving-100000     # serving benchmark's database
    .venv/bin/python bench/pages/units.py --database-url sqlite:///var/demo/demo.sqlite3
    .venv/bin/python bench/pages/units.py --data-dir var/bench-serving-100000 --profile article

One request at a time through Django's full stack (the test client), page cache off
(``KHABAR_PAGE_CACHE_SECONDS=0``); what pages share between content changes (sidebar boxes,
menu, story boxes) is warm, as it is on a live site. The unit is ``sum(i*i for i in
range(100_000))``. Every round times the unit, then each page once; the figures are medians
over the rounds of the process's CPU time (``time.process_time``: other jobs on the shared
machine weigh less than on wall time, which is reported too).

Pages: the home page; an article page, a different article each round, so its body is
rendered for the first time ("article, first view") and the same articles again once their
bodies are cached ("article, again"); a category's first page; a search, a different
query (of ``bench/serving/run.py``'s 300, with and without filters) each round.
Prints JSON, with the load average before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "serving"))

TARGETS = {"home": 2.0, "article, first view": 1.25, "article, again": 1.25, "category": 2.0, "search": 2.5}


def unit() -> int:
    return sum(i * i for i in range(100_000))


def timed(fn) -> tuple[float, float]:
    """(CPU ms, wall ms) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def setup(args) -> None:
    data_dir = (args.data_dir or ROOT / "var" / "bench-pages").resolve()
    os.environ.update(
        {
            "KHABAR_DATA_DIR": str(data_dir),
            "KHABAR_DATABASE_URL": args.database_url or f"sqlite:///{data_dir / 'bench.sqlite3'}",
            "KHABAR_ALLOWED_HOSTS": "testserver",
            "KHABAR_PAGE_CACHE_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "khabar.settings",
        }
    )
    import django

    django.setup()


def page_paths(args, rounds: int) -> dict[str, list[str]]:
    from run import search_paths

    from khabar.news.models import Article
    from khabar.sources.models import Category

    newest = list(Article.objects.visible().order_by("-id").values_list("id", flat=True)[: rounds * 3])
    # Articles spread over the archive: a reader follows links to older ones too.
    spread = newest[::3][:rounds]
    category = Category.objects.filter(articles__hidden=False).order_by("order").first()
    searches = search_paths(args.data_dir) if args.data_dir else [f"/search/?q={q}" for q in ("ایران", "تهران")]
    return {
        "home": ["/"],
        "article, first view": [f"/news/{i}/" for i in spread],
        "article, again": [f"/news/{i}/" for i in spread],
        "category": [f"/category/{category.slug}/"],
        "search": [searches[i % len(searches)] for i in range(rounds)],
    }


def measure(args) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    paths = {name: p for name, p in page_paths(args, args.rounds).items() if name in args.pages}
    for name in ("/", "/latest/"):  # warm what pages share (sidebar, menu, story boxes)
        client.get(name)
    samples: dict[str, dict[str, list[float]]] = {name: {"cpu": [], "wall": [], "queries": []} for name in paths}
    units: dict[str, list[float]] = {"cpu": [], "wall": []}
    for index in range(args.rounds):
        cpu, wall = timed(unit)
        units["cpu"].append(cpu)
        units["wall"].append(wall)
        for name, candidates in paths.items():
            path = candidates[index % len(candidates)]
            with CaptureQueriesContext(connection) as queries:
                cpu, wall = timed(lambda path=path: client.get(path))
            samples[name]["cpu"].append(cpu)
            samples[name]["wall"].append(wall)
            samples[name]["queries"].append(len(queries.captured_queries))
    unit_cpu, unit_wall = statistics.median(units["cpu"]), statistics.median(units["wall"])
    pages = {}
    for name, sample in samples.items():
        cpu, wall = statistics.median(sample["cpu"]), statistics.median(sample["wall"])
        pages[name] = {
            "cpu_ms": round(cpu, 2),
            "wall_ms": round(wall, 2),
            "units": round(cpu / unit_cpu, 2),
            "units_wall": round(wall / unit_wall, 2),
            "target_units": TARGETS[name],
            "met": cpu / unit_cpu <= TARGETS[name],
            "queries_max": max(sample["queries"]),
        }
    return {"unit_cpu_ms": round(unit_cpu, 2), "unit_wall_ms": round(unit_wall, 2), "pages": pages}


def profile(args, name: str) -> None:
    from django.test import Client

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
    paths = page_paths(args, args.rounds)
    for warm in ("home", "category"):
        client.get(paths[warm][0])
    if name == "article, again":
        for path in paths[name]:
            client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(args.rounds):
        client.get(paths[name][index % len(paths[name])])
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"khabar/|template/|urls/|db/models/sql", 45)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="a bench/serving database (generate.py)")
    parser.add_argument("--database-url", default=None, help="another database (e.g. the demo's)")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--pages", nargs="+", choices=sorted(TARGETS), default=sorted(TARGETS))
    parser.add_argument("--profile", choices=sorted(TARGETS), default=None, help="cProfile one page instead")
    args = parser.parse_args()
    setup(args)
    if args.profile:
        profile(args, args.profile)
        return 0
    load_before = os.getloadavg()
    result = measure(args)
    from django.db import connection

    from khabar.news.models import Article

    result.update(
        {
            "command": " ".join([".venv/bin/python", *sys.argv]),
            "database": connection.vendor,
            "articles": Article.objects.count(),
            "rounds": args.rounds,
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        }
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
