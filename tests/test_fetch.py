"""The fetcher against a real loopback HTTP server: errors are returned, never raised."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khabar.pipeline.fetch import Fetcher, FetchPolicy

PAGE = "<html lang='fa'><body><p>سلام دنیا</p></body></html>".encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - stdlib name
        self.server.seen.append((self.path, dict(self.headers)))
        path = self.path
        if path == "/ok":
            self._send(200, PAGE)
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
            else:
                self._send(200, PAGE, headers=[("ETag", '"v1"')])
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/slow":
            time.sleep(3)
            self._send(200, PAGE)
        elif path == "/big":
            self._send(200, b"x" * 300_000)
        elif path == "/chunked-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(30):
                    self.wfile.write(b"y" * 20_000)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its size cap, as it should
        elif path == "/loop":
            self._send(302, headers=[("Location", "/loop2")])
        elif path == "/loop2":
            self._send(302, headers=[("Location", "/loop")])
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(301, headers=[("Location", f"/hop/{n + 1}")]) if n < 10 else self._send(200, PAGE)
        elif path == "/to-ok":
            self._send(301, headers=[("Location", "/ok")])
        else:
            self._send(404)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd
    httpd.shutdown()
    httpd.server_close()


def fetch(url, **kwargs):
    policy = FetchPolicy(allow_private=kwargs.pop("allow_private", True), timeout=kwargs.pop("timeout", 1.0), max_bytes=kwargs.pop("max_bytes", 100_000))

    async def go():
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(go())


def test_ok_page_and_user_agent(server):
    base, httpd = server
    result = fetch(base + "/ok")
    assert result.ok and result.status == 200
    assert result.content.decode() == PAGE.decode()
    assert result.content_type == "text/html"
    assert "KhabarBot" in httpd.seen[-1][1]["User-Agent"]


def test_conditional_get(server):
    base, httpd = server
    first = fetch(base + "/etag")
    assert first.headers["etag"] == '"v1"'
    second = fetch(base + "/etag", etag='"v1"')
    assert second.not_modified and not second.error and second.content == b""


@pytest.mark.parametrize(
    "path, kind, words",
    [
        ("/missing", "http", "HTTP 404"),
        ("/slow", "timeout", "timed out"),
        ("/big", "too_large", "larger than"),
        ("/chunked-big", "too_large", "larger than"),
        ("/loop", "redirect", "loop"),
        ("/hop/0", "redirect", "more than 5 redirects"),
    ],
)
def test_errors_are_results(server, path, kind, words):
    base, _ = server
    result = fetch(base + path)
    assert result.error_kind == kind
    assert words in result.error


def test_redirect_followed(server):
    base, _ = server
    result = fetch(base + "/to-ok")
    assert result.ok and result.final_url == base + "/ok"


def test_private_addresses_refused_unless_allowed(server):
    base, httpd = server
    before = len(httpd.seen)
    result = fetch(base + "/ok", allow_private=False)
    assert result.error_kind == "blocked" and "non-public" in result.error
    assert len(httpd.seen) == before  # nothing was sent


def test_connection_refused_and_bad_urls():
    assert fetch("http://127.0.0.1:9/").error_kind == "connect"
    assert fetch("ftp://example.org/x").error_kind == "url"
    assert fetch("not a url").error_kind == "url"
