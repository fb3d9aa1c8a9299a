"""Serving benchmark: the site under gunicorn vs nginx serving a saved copy of the same page.

    .venv/bin/pip install -e '.[bench]'          # gunicorn
    apt-get install wrk nginx
    .venv/bin/python bench/serving/run.py --articles 100000

Generates the database first if needed (generate.py), then on loopback, in one run:
nginx serving saved copies of the home and an article page; the site under gunicorn
(gthread) and under granian, each with its page cache (cached) and with
KHABAR_PAGE_CACHE_SECONDS=0 (uncached; articles and searches rotate over many ids and
queries); `wrk -t2 -c64` for each (uncached also at 4 connections). Prints a JSON line per measurement and a
Markdown table; writes bench/serving/results-<articles>.json. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
GRANIAN = ROOT / ".venv" / "bin" / "granian"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def site_env(args, page_cache_seconds: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "KHABAR_DATA_DIR": str(args.data_dir),
            "KHABAR_DATABASE_URL": args.database_url or f"sqlite:///{args.data_dir / 'bench.sqlite3'}",
            "KHABAR_ALLOWED_HOSTS": "127.0.0.1",
            "KHABAR_PAGE_CACHE_SECONDS": str(page_cache_seconds),
            "KHABAR_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "khabar.settings",
        }
    )
    return env


def start_site(args, server: str, page_cache_seconds: int) -> tuple[subprocess.Popen, str, list[str]]:
    port = free_port()
    if server == "gunicorn":
        command = [
            str(GUNICORN),
            "khabar.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--backlog",
            "2048",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
    else:
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
    process = subprocess.Popen(command, cwd=ROOT, env=site_env(args, page_cache_seconds))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/about/")
    except RuntimeError:
        stop(process)
        raise
    return process, url, command


def start_nginx(root: Path, workdir: Path, workers: int) -> tuple[subprocess.Popen, str, str]:
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes {workers};
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60;
    types {{ text/html html; }}
    default_type text/html;
    client_body_temp_path {workdir}/body; proxy_temp_path {workdir}/proxy; fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi; scgi_temp_path {workdir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(workdir)])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/home.html")
    except RuntimeError:
        stop(process)
        raise
    return process, url, f"nginx -c {conf} -p {workdir}  (worker_processes {workers})"


def wrk(
    args,
    url: str,
    paths: list[str] | None = None,
    seconds: int | None = None,
    label: str = "",
    connections: int | None = None,
    headers: list[str] = (),
) -> dict:
    env = dict(os.environ)
    paths_file = ""
    if paths:
        handle = tempfile.NamedTemporaryFile("w", delete=False, suffix=".txt")
        handle.write("\n".join(paths) + "\n")
        handle.close()
        paths_file = handle.name
    env["KHABAR_BENCH_PATHS"] = paths_file
    connections = connections or args.connections
    command = [
        "wrk",
        f"-t{min(args.threads_wrk, connections)}",
        f"-c{connections}",
        f"-d{seconds or args.seconds}s",
        "--latency",
        "-s",
        str(HERE / "report.lua"),
    ]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=(seconds or args.seconds) + 60
    ).stdout
    if paths_file:
        os.unlink(paths_file)
    line = next((row for row in output.splitlines() if row.startswith("KHABAR_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {url}:\n{output}")
    result = json.loads(line.split(" ", 1)[1])
    result["label"] = label
    result["command"] = " ".join(command) + (f"   (KHABAR_BENCH_PATHS: {len(paths)} paths)" if paths else "")
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def search_paths(data_dir: Path, n: int = 300) -> list[str]:
    """Queries: frequent and rare words of the corpus titles, some with filters (category, outlet, dates)."""
    rng = random.Random(7)
    with gzip.open(ROOT / "khabar" / "newsweb" / "data" / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        titles = [json.loads(line)["title"] for line in handle]
    words = [w.strip("،:؛«»()") for t in titles for w in t.split()]
    words = [w for w in words if len(w) >= 3]
    paths = []
    for k in range(n):
        query = rng.choice(words) if k % 3 else " ".join(rng.sample(words, 2))
        path = f"/search/?q={quote(query)}"
        if k % 5 == 1:
            path += "&category=" + rng.choice(["politics", "economy", "sports", "world", "society"])
        if k % 7 == 2:
            path += "&from=" + quote("۱۴۰۴/۰۱/۰۱")
        if k % 11 == 3:
            path += "&page=2"
        paths.append(path)
    return paths


def article_ids(args, count: int) -> list[int]:
    code = (
        "import django,random;django.setup();from khabar.news.models import Article;"
        "ids=list(Article.objects.visible().values_list('id',flat=True));random.seed(5);"
        f"print(' '.join(map(str,random.sample(ids,min({count},len(ids))))))"
    )
    output = subprocess.run(
        [str(PYTHON), "-c", code], cwd=ROOT, env=site_env(args, 0), capture_output=True, text=True, check=True
    )
    return [int(x) for x in output.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: var/bench-serving-<articles>")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads-wrk", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--skip-search", action="store_true", help="no search measurements (and no search index built)")
    parser.add_argument("--output", type=Path, default=None, help="default: bench/serving/results-<articles>.json")
    parser.add_argument("--cached-only", action="store_true", help="only the cached pages and nginx (bench/pages)")
    parser.add_argument("--servers", nargs="+", default=["gunicorn", "granian"], choices=["gunicorn", "granian"])
    args = parser.parse_args()
    args.data_dir = (args.data_dir or ROOT / "var" / f"bench-serving-{args.articles}").resolve()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            print(f"{tool} is missing: apt-get install wrk nginx", file=sys.stderr)
            return 2
    generate = [
        str(PYTHON),
        str(HERE / "generate.py"),
        "--articles",
        str(args.articles),
        "--data-dir",
        str(args.data_dir),
    ]
    if args.database_url:
        generate += ["--database-url", args.database_url]
    if args.skip_search:
        generate.append("--skip-index")
    subprocess.run(generate, cwd=ROOT, check=True)

    results: dict = {
        "articles": args.articles,
        "cpus": os.cpu_count(),
        "measurements": [],
        "load_average_before": os.getloadavg(),
    }
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-"))
    work.chmod(0o755)  # nginx's workers run as an unprivileged user
    processes: list[subprocess.Popen] = []
    measure = results["measurements"]
    try:
        ids = article_ids(args, 2000)
        article_path = f"/news/{ids[0]}/"
        queries = search_paths(args.data_dir)
        static_root = work / "static"
        static_root.mkdir()
        nginx = None
        for server in args.servers:
            cached, cached_url, command = start_site(args, server, 60)
            uncached, uncached_url, _ = start_site(args, server, 0)
            processes += [cached, uncached]
            results[server] = " ".join(command)
            if nginx is None:
                # The static copies nginx serves: the very bytes the site sends for these pages.
                headers = {"User-Agent": BROWSER_UA}
                (static_root / "home.html").write_bytes(httpx.get(cached_url + "/", headers=headers).content)
                (static_root / "article.html").write_bytes(
                    httpx.get(cached_url + article_path, headers=headers).content
                )
                nginx, nginx_url, nginx_command = start_nginx(static_root, work, args.workers)
                processes.append(nginx)
                results["nginx"] = nginx_command
                results["page_bytes"] = {
                    "home": (static_root / "home.html").stat().st_size,
                    "article": (static_root / "article.html").stat().st_size,
                }
                measure.append(wrk(args, f"{nginx_url}/home.html", label="nginx home (static copy)"))
                measure.append(wrk(args, f"{nginx_url}/article.html", label="nginx article (static copy)"))
            returning = ["Cookie: csrftoken=" + "k" * 32]  # a reader who has been here before
            wrk(args, cached_url + "/", seconds=3, label="warm-up")
            measure.append(wrk(args, cached_url + "/", label=f"{server}: home, cached"))
            wrk(args, cached_url + article_path, seconds=3, label="warm-up")
            measure.append(
                wrk(args, cached_url + article_path, label=f"{server}: article, cached, new reader each request")
            )
            measure.append(
                wrk(
                    args,
                    cached_url + article_path,
                    headers=returning,
                    label=f"{server}: article, cached, returning reader",
                )
            )
            if args.cached_only:
                for process in (cached, uncached):
                    stop(process)
                continue
            wrk(args, uncached_url + "/", seconds=3, label="warm-up")
            measure.append(wrk(args, uncached_url + "/", label=f"{server}: home, uncached"))
            measure.append(
                wrk(args, uncached_url + "/", label=f"{server}: home, uncached, 4 connections", connections=4)
            )
            article_paths = [f"/news/{i}/" for i in ids]
            measure.append(
                wrk(args, uncached_url + "/", paths=article_paths, label=f"{server}: article, uncached (2,000 ids)")
            )
            measure.append(
                wrk(
                    args,
                    uncached_url + "/",
                    paths=article_paths,
                    connections=4,
                    label=f"{server}: article, uncached (2,000 ids), 4 connections",
                )
            )
            if not args.skip_search:
                measure.append(
                    wrk(args, uncached_url + "/", paths=queries, label=f"{server}: search, uncached (300 queries)")
                )
                measure.append(
                    wrk(
                        args,
                        uncached_url + "/",
                        paths=queries,
                        connections=4,
                        label=f"{server}: search, uncached (300 queries), 4 connections",
                    )
                )
            for process in (cached, uncached):
                stop(process)
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)

    results["load_average_after"] = os.getloadavg()
    by = {m["label"]: m for m in results["measurements"]}
    results["ratios"] = {}
    for server in args.servers:
        results["ratios"][f"{server}: home cached / nginx"] = (
            by[f"{server}: home, cached"]["rps"] / by["nginx home (static copy)"]["rps"]
        )
        for reader in ("new reader each request", "returning reader"):
            results["ratios"][f"{server}: article cached ({reader}) / nginx"] = (
                by[f"{server}: article, cached, {reader}"]["rps"] / by["nginx article (static copy)"]["rps"]
            )
    out = args.output or HERE / f"results-{args.articles}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print("\n| measurement | requests/s | p50 ms | p95 ms | p99 ms | non-2xx/errors |\n|---|---:|---:|---:|---:|---:|")
    for m in results["measurements"]:
        print(
            f"| {m['label']} | {m['rps']:.0f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['p99_ms']:.1f} | {m['errors']} |"
        )
    for name, value in results["ratios"].items():
        print(f"{name}: {value:.2f}")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
