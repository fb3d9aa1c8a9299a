"""The site's application server: granian serving ``khabar.wsgi:application`` (never Django's runserver).

``khabar serve``, ``khabar run`` and ``khabar demo`` all call ``serve``. Why granian (bench/RESULTS.md,
"Serving"): 2.8× gunicorn's requests/s on the cached home page on this 2-CPU machine (9,396 against
3,382), and its HTTP layer is Rust: a client that drips its headers or idles on a kept-alive
connection waits in the event loop, holding no Python thread, and is cut off after
``KHABAR_SERVER_HEADER_TIMEOUT``. (gunicorn's gthread worker reads headers in a worker thread with
no deadline once the first byte has arrived.)

Workers are started with ``spawn``, not ``fork``: ``khabar run`` and ``khabar demo`` keep the
crawler's threads in this process, and a fork copies locks those threads may hold. Static files
are served by WhiteNoise inside the application.
"""

from __future__ import annotations

import multiprocessing

WSGI_TARGET = "khabar.wsgi:application"
# Like Apache's combined log format, with the time taken; the query string is left out (readers' searches).
ACCESS_LOG_FORMAT = (
    '%(addr)s - - [%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d - '
    '"%(header{referer})s" "%(header{user-agent})s" %(dt_ms).1fms'
)


def build_server(host: str, port: int):
    """A granian server for the site, configured from Django's settings (``KHABAR_SERVER_*``)."""
    from django.conf import settings
    from django.db import connections
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    connections.close_all()  # the workers open their own
    multiprocessing.set_start_method("spawn", force=True)
    header_timeout_ms = int(min(max(settings.KHABAR_SERVER_HEADER_TIMEOUT, 0.001), 60) * 1000)  # granian: 1–60 s
    return Server(
        WSGI_TARGET,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=settings.KHABAR_SERVER_WORKERS,
        blocking_threads=settings.KHABAR_SERVER_THREADS,
        backpressure=settings.KHABAR_SERVER_THREADS,  # further requests wait for a free thread
        # HTTP/1 only: in "auto" mode the wait for the first bytes (HTTP/1 or HTTP/2?) has no timeout, so a
        # client that connects and says nothing would be kept forever. Proxies speak HTTP/1.1 to the app anyway.
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=header_timeout_ms),
        websockets=False,
        log_access=settings.KHABAR_SERVER_ACCESS_LOG,
        log_access_format=ACCESS_LOG_FORMAT,
        workers_kill_timeout=max(1, int(settings.KHABAR_SERVER_SHUTDOWN_TIMEOUT)),
        respawn_failed_workers=True,
    )


def check_port_free(host: str, port: int) -> None:
    """Raise SystemExit with a clear message when the address is taken (granian would only log it)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SystemExit(
                f"khabar: cannot serve the site on {host}:{port}: {exc.strerror or exc}. Use --port."
            ) from exc


def serve(host: str, port: int) -> None:
    """Serve the site in the foreground until SIGINT or SIGTERM."""
    check_port_free(host, port)
    build_server(host, port).serve()
