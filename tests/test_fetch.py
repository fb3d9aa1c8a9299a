"""The fetcher against real loopback HTTP servers: errors are returned, never raised."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import io
import socket
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khabar.crawler.egress import fetch_policy
from khabar.pipeline.fetch import Fetcher, is_html_type
from khabar.pipeline.politeness import retry_after_seconds

PAGE = "<html lang='fa'><body><p>سلام دنیا</p></body></html>".encode()


def _gzip(size: int) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as writer:
        for _ in range(size // (1 << 20)):
            writer.write(b"\0" * (1 << 20))
    return buffer.getvalue()


GZIP_BOMB = _gzip(200 << 20)  # 200 MiB of zeros, about 200 KB on the wire
DEFLATE_BOMB = zlib.compress(b"\0" * (64 << 20), 9)
CLOUDFLARE = b"<html><head><title>Just a moment...</title></head><body><script src='/cdn-cgi/challenge-platform/x'></script></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers:
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up first (a timeout test, a size cap): as it should
            self.close_connection = True

    def do_GET(self):  # noqa: N802 - stdlib name
        self.server.seen.append((self.path, dict(self.headers), time.monotonic()))
        path = self.path
        if path == "/robots.txt":
            robots = self.server.robots
            self._send(200, robots.encode(), "text/plain") if robots else self._send(404, b"no robots")
        elif path in ("/ok", "/private/page"):
            self._send(200, PAGE)
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(200, PAGE, headers=[("ETag", '"v1"')])
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, PAGE)
        elif path == "/dribble":  # every byte in time, the whole answer too late
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path == "/cut":  # promises 1000 bytes, sends 10 and hangs up
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.close_connection = True
        elif path in ("/drop-once", "/drop-always"):  # no answer at all, as on a connection the server just closed
            self.server.drops += 1
            if path == "/drop-always" or self.server.drops == 1:
                self.close_connection = True
                return
            self._send(200, PAGE)
        elif path == "/big":
            self._send(200, b"x" * 300_000)
        elif path == "/chunked-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(30):
                    self.wfile.write(b"y" * 20_000)
            except OSError:
                pass  # the client stopped reading at its size cap, as it should
        elif path == "/gzip-bomb":
            self._send(200, GZIP_BOMB, headers=[("Content-Encoding", "gzip")])
        elif path == "/deflate-bomb":
            self._send(200, DEFLATE_BOMB, headers=[("Content-Encoding", "deflate")])
        elif path == "/gzip-ok":
            self._send(200, gzip.compress(PAGE), headers=[("Content-Encoding", "gzip")])
        elif path == "/image":
            self._send(200, b"\x89PNG" + b"\0" * 200_000, "image/png")
        elif path == "/busy":
            self._send(429, b"slow down", headers=[("Retry-After", "1")])
        elif path == "/cloudflare":
            self._send(403, CLOUDFLARE, headers=[("cf-mitigated", "challenge"), ("Server", "cloudflare")])
        elif path == "/challenge-200":
            self._send(200, CLOUDFLARE)
        elif path == "/denied":
            self._send(403, b"<html><head><title>Access Denied</title></head><body>Reference #18</body></html>")
        elif path == "/loop":
            self._send(302, headers=[("Location", "/loop2")])
        elif path == "/loop2":
            self._send(302, headers=[("Location", "/loop")])
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(301, headers=[("Location", f"/hop/{n + 1}")]) if n < 10 else self._send(200, PAGE)
        elif path == "/to-ok":
            self._send(301, headers=[("Location", "/ok")])
        elif path == "/to-other":
            self._send(302, headers=[("Location", self.server.other + "/ok")])
        else:
            self._send(404)


def serve(address: str):
    httpd = ThreadingHTTPServer((address, 0), Handler)
    httpd.seen, httpd.robots, httpd.other, httpd.drops = [], "", "", 0
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module")
def servers():
    main, other = serve("127.0.0.1"), serve("127.0.0.2")
    main.other = f"http://127.0.0.1:{main.server_address[1]}"
    other.other = main.other
    yield main, other
    for httpd in (main, other):
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(servers):
    httpd = servers[0]
    httpd.robots = ""
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


def fetch(url, **kwargs):
    return fetch_many([url], **kwargs)[0]


def policy(**changes):
    """The shipped policy (settings), loopback allowed, with the test's changes."""
    return dataclasses.replace(fetch_policy(), **{"allow_private": True, **changes})


def fetch_many(urls, **kwargs):
    chosen = policy(
        allow_private=kwargs.pop("allow_private", True),
        timeout=kwargs.pop("timeout", 1.0),
        max_bytes=kwargs.pop("max_bytes", 100_000),
        min_gap=kwargs.pop("min_gap", 0.0),
        total_timeout=kwargs.pop("total_timeout", None),
    )
    fetcher_options = {k: kwargs.pop(k) for k in ("resolver", "is_allowed") if k in kwargs}

    async def go():
        async with Fetcher(chosen, **fetcher_options) as fetcher:
            return [await fetcher.fetch(url, **kwargs) for url in urls]

    return asyncio.run(go())


def test_ok_page_user_agent_and_robots_first(server):
    base, httpd = server
    httpd.seen.clear()
    result = fetch(base + "/ok")
    assert result.ok and result.status == 200
    assert result.content.decode() == PAGE.decode()
    assert result.content_type == "text/html"
    assert [path for path, _, _ in httpd.seen] == ["/robots.txt", "/ok"]
    user_agent = httpd.seen[-1][1]["User-Agent"]
    assert "KhabarBot" in user_agent and "+http" in user_agent  # a contact URL
    assert httpd.seen[-1][1]["Accept-Encoding"] == "gzip, deflate"


def test_conditional_get(server):
    base, httpd = server
    first = fetch(base + "/etag")
    assert first.headers["etag"] == '"v1"'
    second = fetch(base + "/etag", etag='"v1"')
    assert second.not_modified and not second.error and second.content == b""
    assert httpd.seen[-1][1]["If-None-Match"] == '"v1"'


@pytest.mark.parametrize(
    "path, kind, words",
    [
        ("/missing", "http", "HTTP 404"),
        ("/slow", "timeout", "timed out after 1 s without data"),
        ("/big", "too_large", "larger than"),
        ("/chunked-big", "too_large", "larger than"),
        ("/loop", "redirect", "loop"),
        ("/hop/0", "redirect", "more than 5 redirects"),
        ("/cloudflare", "antibot", "Cloudflare challenge"),
        ("/challenge-200", "antibot", "anti-bot wall"),
        ("/denied", "antibot", "Access denied"),
    ],
)
def test_errors_are_results(server, path, kind, words):
    base, _ = server
    result = fetch(base + path)
    assert result.error_kind == kind
    assert words in result.error


def test_total_timeout_stops_a_dribbling_answer(server):
    base, _ = server
    result = fetch(base + "/dribble", timeout=1.0, total_timeout=1.0)
    assert result.error_kind == "timeout" and "within 1 s" in result.error


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb"])
def test_compression_bombs_are_stopped_while_streaming(server, path):
    base, _ = server
    tracemalloc.start()
    try:
        result = fetch(base + path, max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error_kind == "too_large" and result.content == b""
    assert peak < 12_000_000, f"{peak / 1e6:.0f} MB held while decoding a bomb"  # not 64-200 MB


def test_compressed_answer_is_decoded(server):
    base, _ = server
    assert fetch(base + "/gzip-ok").content == PAGE


def test_unwanted_content_type_is_not_downloaded(server):
    base, _ = server
    result = fetch(base + "/image", accept_type=is_html_type)
    assert result.error_kind == "content_type" and "image/png" in result.error and result.content == b""


def test_retry_after_is_read_and_honoured_for_the_host(server):
    base, httpd = server
    busy, after = fetch_many([base + "/busy", base + "/ok"])
    assert busy.error_kind == "http" and "HTTP 429" in busy.error and busy.retry_after == 1.0
    times = {path: at for path, _, at in httpd.seen[-2:]}
    assert after.ok and times["/ok"] - times["/busy"] >= 0.95  # the host got its pause


def test_retry_after_as_a_date():
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert retry_after_seconds("120") == 120 and retry_after_seconds("soon") is None


def test_robots_txt_is_obeyed_with_its_crawl_delay(server):
    base, httpd = server
    httpd.robots = "User-agent: KhabarBot\nDisallow: /private/\nCrawl-delay: 0.6\n"
    httpd.seen.clear()
    blocked, first, second = fetch_many([base + "/private/page", base + "/ok", base + "/to-ok"])
    assert blocked.error_kind == "robots" and "disallowed by" in blocked.error and "robots.txt" in blocked.error
    assert "/private/page" not in [path for path, _, _ in httpd.seen]  # never requested
    assert first.ok and second.ok
    arrivals = [at for path, _, at in httpd.seen]
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.55  # Crawl-delay between all requests


def test_redirect_followed(server):
    base, _ = server
    result = fetch(base + "/to-ok")
    assert result.ok and result.final_url == base + "/ok"


def test_private_addresses_refused_unless_allowed(server):
    base, httpd = server
    before = len(httpd.seen)
    result = fetch(base + "/ok", allow_private=False)
    assert result.error_kind == "blocked" and "non-public" in result.error
    assert len(httpd.seen) == before  # nothing was sent, not even robots.txt


def test_address_checked_at_connect_time_for_redirects_and_rebinding(servers):
    main, other = servers
    port = other.server_address[1]
    counted: list[str] = []

    async def rebinding_resolver(host, _port):
        counted.append(host)
        if host[0].isdigit():
            return [host]
        return ["127.0.0.2"] if counted.count(host) == 1 else ["127.0.0.1"]  # the name rebinds after one answer

    # Pretend 127.0.0.2 is a public address and 127.0.0.1 a private one.
    public = {"is_allowed": lambda ip: ip == "127.0.0.2", "allow_private": False, "resolver": rebinding_resolver}
    seen_before = len(main.seen)
    result = fetch(f"http://news.example:{port}/to-other", **public)
    # news.example resolved once (robots.txt and the page share the connection), checked, connected to;
    # the redirect to 127.0.0.1 was refused when its connection was made.
    assert counted == ["news.example", "127.0.0.1"]
    assert result.error_kind == "blocked" and "127.0.0.1" in result.error
    assert len(main.seen) == seen_before
    # The same name now resolving to a private address (DNS rebinding) is refused on the new connection.
    again = fetch(f"http://news.example:{port}/ok", **public)
    assert again.error_kind == "blocked" and "non-public address 127.0.0.1" in again.error


def test_dns_failure_is_its_own_error_class():
    async def failing_resolver(host, _port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = fetch("http://no-such-outlet.example/rss", resolver=failing_resolver)
    assert result.error_kind == "dns" and "DNS lookup failed for no-such-outlet.example" in result.error


def test_connection_refused_and_bad_urls():
    assert fetch("http://127.0.0.1:9/").error_kind == "connect"
    assert fetch("ftp://example.org/x").error_kind == "url"
    assert fetch("not a url").error_kind == "url"


def test_a_bug_is_reported_as_internal_with_its_traceback_not_as_a_network_failure(server, caplog):
    base, _ = server

    async def misuse():  # a Fetcher used outside 'async with': a programming error
        return await Fetcher(policy()).fetch(base + "/ok")

    with caplog.at_level("ERROR", logger="khabar.fetch"):
        result = asyncio.run(misuse())
    assert result.error_kind == "internal" and "async with" in result.error
    assert [r.exc_info is not None for r in caplog.records if r.name == "khabar.fetch"] == [True]


def test_a_failing_robots_cache_is_internal_and_the_network_errors_keep_their_kinds(server, caplog):
    base, _ = server

    class BrokenCache:  # e.g. the database behind the shared robots.txt cache is down
        async def load(self, origin):
            raise RuntimeError("database is locked")

        async def save(self, origin, record):
            raise AssertionError("never reached")

    async def go():
        async with Fetcher(policy(), robots_cache=BrokenCache()) as fetcher:
            return await fetcher.fetch(base + "/ok")

    with caplog.at_level("ERROR", logger="khabar.fetch"):
        result = asyncio.run(go())
    assert result.error_kind == "internal" and "database is locked" in result.error
    assert fetch("http://127.0.0.1:9/").error_kind == "connect"  # a refused connection is still a network failure


def test_a_connection_cut_mid_body_is_a_connection_failure(server):
    base, _ = server
    result = fetch(base + "/cut")
    assert result.error_kind == "connect" and result.content == b""


def test_a_request_that_got_no_answer_is_sent_once_more(server):
    """A server may close a kept-alive connection just as a request goes out on it: no answer at all,
    though the page is fine. Sent again once, on a new connection; a second silence is the error."""
    base, httpd = server
    httpd.drops = 0
    result = fetch(base + "/drop-once")
    assert result.error is None and result.status == 200 and "سلام".encode() in result.content
    assert httpd.drops == 2
    httpd.drops = 0
    result = fetch(base + "/drop-always")
    assert result.error_kind == "connect" and "disconnected" in result.error.lower()
    assert httpd.drops == 2  # once more, not again and again
