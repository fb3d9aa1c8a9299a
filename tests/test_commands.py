"""The real commands, as a user runs them: `khabar demo`, `khabar run` offline, `khabar crawl --once`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

KHABAR = [sys.executable, "-m", "khabar.cli"]
pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def command_env(tmp_path: Path, **env) -> dict[str, str]:
    environment = {**os.environ, "KHABAR_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1", **env}
    # The commands keep their own SQLite database in tmp_path, never the suite's PostgreSQL one.
    environment.pop("KHABAR_DATABASE_URL", None)
    return environment


def start(args: list[str], tmp_path: Path, **env) -> subprocess.Popen:
    return subprocess.Popen(
        KHABAR + args,
        env=command_env(tmp_path, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"did not stop within 40 s after Ctrl-C:\n{output[-3000:]}")
    return output


def outlet_names(html: str) -> set[str]:
    return set(re.findall(r"«([^»]{2,60})»", html))


def test_demo_fills_the_site_within_60_seconds_and_stops_cleanly(tmp_path):
    port, web_port = free_port(), free_port("127.0.1.10")
    process = start(["demo", "--port", str(port), "--newsweb-port", str(web_port), "--rate", "30"], tmp_path)
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    outlets: set[str] = set()
    try:
        while time.monotonic() - started < 60:
            time.sleep(2)
            if process.poll() is not None:
                break
            try:
                page = httpx.get(url, timeout=5)
            except httpx.HTTPError:
                continue
            outlets = outlet_names(page.text)
            if len(outlets) >= 12:
                break
        elapsed = time.monotonic() - started
        assert len(outlets) >= 12, f"only {len(outlets)} outlets after {elapsed:.0f} s: {outlets}"
        article = re.search(r'href="(/news/\d+/)"', page.text)
        assert article, "no article link on the home page"
        assert httpx.get(url.rstrip("/") + article.group(1), timeout=5).status_code == 200
    finally:
        output = stop(process)
    assert process.returncode == 0, output[-3000:]
    assert "Stopped." in output and "Traceback" not in output, output[-3000:]
    assert (tmp_path / "demo.sqlite3").exists()


def test_run_offline_starts_shows_no_news_and_reports_errors(tmp_path):
    dead = free_port()  # nothing listens there: every feed fails like an unreachable outlet
    outlets = {
        "outlets": [
            {
                "slug": f"outlet{i}",
                "name": f"رسانه {i}",
                "homepage": f"http://127.0.0.1:{dead}/",
                "feeds": [{"url": f"http://127.0.0.1:{dead}/rss/{i}", "category": None}],
            }
            for i in range(3)
        ]
    }
    (tmp_path / "outlets.json").write_text(json.dumps(outlets), encoding="utf-8")
    port = free_port()
    process = start(
        ["run", "--port", str(port), "--outlets", str(tmp_path / "outlets.json")],
        tmp_path,
        KHABAR_ALLOW_PRIVATE_ADDRESSES="1",
    )
    try:
        deadline = time.monotonic() + 90  # the server's worker processes start fresh interpreters (spawn)
        page = None
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.HTTPError:
                continue
        assert page is not None and page.status_code == 200
        assert "هنوز خبری" in page.text
        time.sleep(6)  # let the first crawl pass fail
    finally:
        output = stop(process)
    assert process.returncode == 0, output[-3000:]
    assert "connection failed" in output and "Traceback" not in output, output[-3000:]
    listing = subprocess.run(
        KHABAR + ["sources", "list"],
        env=command_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "خطادار" in listing.stdout and "خطای اتصال" in listing.stdout


def test_extract_command_on_a_real_page(fixtures_dir):
    page = fixtures_dir / "persian_html" / "www.isna.ir__1558105248971.html"
    expected = json.loads((fixtures_dir / "persian_html" / "expected.json").read_text(encoding="utf-8"))
    isna = next(e for e in expected if e["file"] == page.name)["expected"]
    result = subprocess.run(
        KHABAR + ["extract", "--url", "https://www.isna.ir/news/x", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == isna["title"]
    assert data["text"].startswith(isna["content_first_13_words"])
    assert data["language"] == "fa"
