"""`khabar serve` is a production server: slow clients are cut off, errors are logged with their traceback."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from test_commands import free_port, start, stop

pytestmark = [pytest.mark.slow]

# A route that raises, beside the real site: the server must answer 500 and log the traceback.
SETTINGS = "from khabar.settings import *\nROOT_URLCONF = 'failing_urls'\nDEBUG = False\n"
URLS = """
from django.urls import include, path

def fail(request):
    raise RuntimeError("a bug on purpose")

urlpatterns = [path("fail/", fail), path("", include("khabar.urls"))]
"""


def wait_until_serving(url: str, process, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "khabar serve exited"
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"khabar serve did not answer within {seconds} s")


def seconds_until_closed(port: int, send_slowly: bytes) -> tuple[float, bytes]:
    """Send ``send_slowly`` a byte every 0.25 s (then idle); seconds until the server closes, and what it sent."""
    started = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        try:
            for byte in send_slowly:
                client.send(bytes([byte]))
                time.sleep(0.25)
            received = client.recv(1000)  # b"" once the server has closed the connection
        except OSError:
            pass
    return time.monotonic() - started, received


def test_serve_cuts_off_slow_clients_and_logs_server_errors(tmp_path: Path):
    (tmp_path / "failing_settings.py").write_text(SETTINGS)
    (tmp_path / "failing_urls.py").write_text(URLS)
    port = free_port()
    process = start(
        ["serve", "--port", str(port)],
        tmp_path,
        DJANGO_SETTINGS_MODULE="failing_settings",
        PYTHONPATH=str(tmp_path),
        KHABAR_SERVER_HEADER_TIMEOUT="1",
        KHABAR_SERVER_WORKERS="1",
        KHABAR_SERVER_THREADS="2",
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/static/khabar/site.css", process)
        # Headers dripped a byte at a time, never finished: cut off after the 1 s header timeout.
        elapsed, received = seconds_until_closed(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40)
        assert elapsed < 4 and b"200 OK" not in received, (elapsed, received)
        # A client that connects and says nothing.
        elapsed, received = seconds_until_closed(port, b"")
        assert elapsed < 4 and received == b"", (elapsed, received)
        # Meanwhile the site answers, static files included.
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
        failed = httpx.get(f"http://127.0.0.1:{port}/fail/", timeout=10)
        assert failed.status_code == 500 and "RuntimeError" not in failed.text
    finally:
        output = stop(process)
    assert "Traceback" in output and 'RuntimeError("a bug on purpose")' in output, output[-3000:]
    assert "Internal Server Error: /fail/" in output, output[-3000:]
    assert '"GET /fail/ HTTP/1.1" 500' in output and '"GET / HTTP/1.1" 200' in output, output[-3000:]
