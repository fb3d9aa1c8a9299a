"""The cached article page against nginx serving the same bytes, before and after a change, interleaved.

    .venv/bin/python bench/pages/cached_article.py --before 65335b7     # the tree before issue 13's target 2

The machine these run on is shared and its load swings by 2× within minutes, so one run of
``bench/serving/run.py`` per tree cannot compare trees. Here one process starts, on loopback:
nginx (serving saved copies of the very bytes each site sent for the article page), the site
of this tree and the site of ``--before`` (``git archive``), both under granian with the page
cache on; then it measures them in turn, round after round (``wrk -c64``, browser
User-Agent), and reports the median requests/s of each and each site's ratio to nginx serving
its own bytes. "Returning reader" sends a CSRF cookie, as a reader who opened a form before.
Needs the database of ``bench/serving/generate.py`` (``--data-dir``). Writes JSON to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "serving"))

from run import BROWSER_UA, GRANIAN, article_ids, free_port, site_env, start_nginx, stop, wait_until_up, wrk  # noqa: E402


def start_granian(args, tree: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = site_env(args, 60)
    env["PYTHONPATH"] = str(tree)  # the tree's khabar, not the installed one
    command = [
        str(GRANIAN),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        "1",
        "--log-level",
        "warning",
        "khabar.wsgi:application",
    ]
    process = subprocess.Popen(command, cwd=tree, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/about/", timeout=240)  # a loaded machine takes long to start two workers
    except RuntimeError:
        stop(process)
        raise
    return process, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="a commit: the tree compared with this one")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-serving-100000")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads-wrk", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-pages-"))
    work.chmod(0o755)  # nginx's workers run as an unprivileged user
    before_tree = work / "before"
    before_tree.mkdir()
    archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(before_tree)], input=archive, check=True)
    results: dict = {
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "before": args.before,
        "after": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "load_average_before": os.getloadavg(),
    }
    processes: list[subprocess.Popen] = []
    try:
        sites = {}
        for name, tree in (("after", ROOT), ("before", before_tree)):
            process, url = start_granian(args, tree)
            processes.append(process)
            sites[name] = url
        article = f"/news/{article_ids(args, 1)[0]}/"
        static = work / "static"
        static.mkdir()
        headers = {"User-Agent": BROWSER_UA}
        for name, url in sites.items():
            (static / f"{name}.html").write_bytes(httpx.get(url + article, headers=headers, timeout=120).content)
        shutil.copy(static / "after.html", static / "home.html")  # start_nginx waits for /home.html
        nginx, nginx_url, _ = start_nginx(static, work, args.workers)
        processes.append(nginx)
        results["article"] = article
        results["page_bytes"] = {name: (static / f"{name}.html").stat().st_size for name in sites}
        returning = ["Cookie: csrftoken=" + "k" * 32]
        targets = {
            "nginx, after's bytes": (f"{nginx_url}/after.html", []),
            "after, new reader": (sites["after"] + article, []),
            "after, returning reader": (sites["after"] + article, returning),
            "nginx, before's bytes": (f"{nginx_url}/before.html", []),
            "before, new reader": (sites["before"] + article, []),
            "before, returning reader": (sites["before"] + article, returning),
        }
        for url, extra in targets.values():
            wrk(args, url, seconds=2, headers=extra, label="warm-up")
        rps: dict[str, list[float]] = {label: [] for label in targets}
        for _ in range(args.rounds):
            for label, (url, extra) in targets.items():
                rps[label].append(wrk(args, url, headers=extra, label=label)["rps"])
        results["rps"] = rps
        median = {label: statistics.median(values) for label, values in rps.items()}
        results["median_rps"] = median
        results["ratios"] = {
            f"{site}, {reader} / nginx": round(median[f"{site}, {reader}"] / median[f"nginx, {site}'s bytes"], 3)
            for site in ("after", "before")
            for reader in ("new reader", "returning reader")
        }
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
