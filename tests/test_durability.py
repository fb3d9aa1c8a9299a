"""kill -9 a crawling `khabar worker`, restart it: every published article is stored exactly once.

The worker runs as a real subprocess on its own database (a SQLite file, or a fresh
PostgreSQL database in the PostgreSQL run); the news web runs in the test. After the
kill, the restarted worker must recover the tasks the dead one left RUNNING at once
(not after the 10-minute feed lease), so the test finishes within a minute.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from khabar.newsweb.server import NewsWeb
from khabar.pipeline.collect import canonical_url
from khabar.pipeline.search_keys import search_key

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
KHABAR = [sys.executable, "-m", "khabar.cli"]


class Database:
    """The worker's database, read from the test with a plain driver."""

    def __init__(self, url: str, query):
        self.url, self.query = url, query

    def article_urls(self) -> list[str]:
        return [row[0] for row in self.query("SELECT url FROM news_article")]

    def articles(self) -> list[tuple[str, str, str, str, str]]:
        """(url, outlet slug, title, lead, body text) of every stored article."""
        return [
            tuple(row)
            for row in self.query(
                "SELECT a.url, s.slug, a.title, a.lead, a.body_text"
                " FROM news_article a JOIN sources_source s ON s.id = a.source_id"
            )
        ]

    def task_states(self) -> list[tuple[str, str]]:
        return [
            tuple(row)
            for row in self.query("SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult")
        ]


@pytest.fixture
def database(tmp_path):
    url = os.environ.get("KHABAR_DATABASE_URL", "")
    if url.startswith("postgres"):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        server = {
            "host": config["HOST"],
            "port": config["PORT"] or 5432,
            "user": config["USER"],
            "password": config["PASSWORD"] or None,
        }
        name = f"khabar_kill_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def query(sql):
            with psycopg.connect(dbname=name, **server) as connection:
                return connection.execute(sql).fetchall()

        yield Database(url.rsplit("/", 1)[0] + "/" + name, query)
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "worker.sqlite3"

        def query(sql):
            connection = sqlite3.connect(path, timeout=30)
            try:
                return connection.execute(sql).fetchall()
            finally:
                connection.close()

        yield Database(f"sqlite:///{path}", query)


def khabar(args: list[str], tmp_path: Path, db: Database, log: Path | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": db.url,
        "KHABAR_DATA_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "KHABAR_HOST_MIN_GAP": "0.05",
        "KHABAR_FETCH_TIMEOUT": "5",
        "KHABAR_ALLOW_PRIVATE_ADDRESSES": "1",
    }
    output = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        KHABAR + args, env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def test_kill_9_mid_crawl_then_restart_loses_nothing_and_stores_nothing_twice(tmp_path, database):
    web = NewsWeb(seed=9, rate=0.0, port=0, backlog=8, coverage=False).start()
    log = tmp_path / "worker.log"
    try:
        published = {canonical_url(item.url): item for item in web.published()}
        truth = set(published)
        outlets = {
            "outlets": [
                {
                    "slug": o.slug,
                    "name": o.name,
                    "homepage": o.homepage,
                    "feeds": [{"url": f.url, "category": f.category} for f in o.feeds],
                }
                for o in web.outlets
            ]
        }
        (tmp_path / "outlets.json").write_text(json.dumps(outlets), encoding="utf-8")
        loaded = khabar(["sources", "load", str(tmp_path / "outlets.json")], tmp_path, database, log)
        assert loaded.wait(120) == 0, log.read_text()

        worker = khabar(["worker", "--allow-private", "--tick", "0.5"], tmp_path, database, log)
        wait_until(lambda: len(database.article_urls()) >= len(truth) // 4, 60, "the first articles")
        os.killpg(worker.pid, signal.SIGKILL)  # mid-crawl: tasks running, pages in flight
        worker.wait(10)
        committed = set(database.article_urls())
        assert 0 < len(committed) < len(truth), "the kill should land mid-crawl"
        running_at_kill = sum(1 for status, _ in database.task_states() if status == "RUNNING")

        started = time.monotonic()
        worker = khabar(["worker", "--allow-private", "--tick", "0.5"], tmp_path, database, log)
        try:
            wait_until(lambda: len(database.article_urls()) >= len(truth), 60, f"all {len(truth)} articles")
            time.sleep(1.0)  # anything stored twice would show up now
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(40)
        recovered_in = time.monotonic() - started
    finally:
        web.stop()

    # The news web's ground truth: every published item stored once, whole, under its own URL.
    stored = database.articles()
    assert sorted(url for url, *_ in stored) == sorted(truth), log.read_text()[-3000:]
    for url, outlet, title, lead, body in stored:
        item = published[url]
        assert outlet == item.outlet and search_key(title) == search_key(item.title), url
        assert lead and body, url  # a whole record, not one cut short by the kill
    assert committed <= truth  # nothing committed before the kill was lost (or stored under another URL)
    states = database.task_states()
    assert not [s for s in states if s[0] == "RUNNING"]  # no stale RUNNING row left behind
    lost = [s for s in states if s[0] == "FAILED"]
    assert len(lost) == running_at_kill and all(path.endswith("WorkerLost") for _, path in lost)
    assert recovered_in < 60  # not the 10-minute feed lease
    assert "Traceback" not in log.read_text()
