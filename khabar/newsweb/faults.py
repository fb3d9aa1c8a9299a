"""Fault injection: make an outlet of the news web misbehave the ways real outlets do.

Select faults per outlet: ``NewsWeb(faults={"ava": ["slow:2", "500@pages"]})``,
``web.faults.set("ava", [...])`` while running, or on the command line
``--fault ava=slow:2,500@pages``. A fault is ``KIND[:VALUE][@SCOPE]``; SCOPE is
``feeds``, ``pages`` (everything else but robots.txt) or, by default, both.
robots.txt itself is only touched by the robots faults, so that every other
fault shows up as itself.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

FAULTS = {
    "slow": "answer after VALUE seconds (default 3)",
    "500": "HTTP 500 Internal Server Error",
    "429": "HTTP 429 with Retry-After: VALUE seconds (default 120)",
    "503": "HTTP 503 with Retry-After: VALUE seconds (default 120)",
    "reset": "reset the connection without answering",
    "timeout": "read the request, never answer; drop the connection after VALUE seconds (default 30)",
    "huge": "an endless body without Content-Length: VALUE MiB (default 8)",
    "gzip-bomb": "Content-Encoding: gzip, inflating to VALUE MiB of spaces (default 256)",
    "redirect-chain": "redirect through VALUE hops (default 8) before answering",
    "redirect-loop": "redirect to a second URL that redirects back",
    "windows-1256": "pages and feeds encoded in windows-1256, correctly labelled",
    "wrong-charset": "UTF-8 bytes labelled windows-1256 (header, XML declaration, <meta>)",
    "mislabelled-1256": "windows-1256 bytes labelled UTF-8",
    "bozo-xml": "feeds with a recoverable XML error (a bare '&')",
    "invalid-xml": "feeds that are not XML: the header, then garbage",
    "robots-disallow": "robots.txt disallows everything for KhabarBot",
    "crawl-delay": "robots.txt asks for Crawl-delay: VALUE seconds (default 2)",
    "cloudflare": "a Cloudflare 'Just a moment...' challenge (403, cf-mitigated: challenge)",
    "arvancloud": "an ArvanCloud challenge page (503)",
    "access-denied": "an 'Access Denied' 403 page",
    "no-conditional": "ignore If-None-Match / If-Modified-Since: always a full answer",
}
ROBOTS_FAULTS = {"robots-disallow", "crawl-delay"}
SCOPES = ("all", "feeds", "pages")
_HOP = re.compile(r"[?&]khabar_hop=(\d+)")


@dataclass(frozen=True)
class Fault:
    kind: str
    value: float | None = None
    scope: str = "all"

    def number(self, default: float) -> float:
        return default if self.value is None else self.value


def parse_fault(text: str) -> Fault:
    spec, _, scope = text.strip().partition("@")
    kind, _, value = spec.partition(":")
    if kind not in FAULTS:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
    if (scope or "all") not in SCOPES:
        raise ValueError(f"unknown fault scope {scope!r}; known: {', '.join(SCOPES)}")
    return Fault(kind, float(value) if value else None, scope or "all")


def parse_fault_option(option: str) -> tuple[str, list[str]]:
    """``"ava=slow:2,500@pages"`` -> ``("ava", ["slow:2", "500@pages"])`` (validated)."""
    slug, _, faults = option.partition("=")
    kinds = [f for f in faults.split(",") if f.strip()]
    for fault in kinds:
        parse_fault(fault)
    return slug.strip(), kinds


class OutletFaults:
    """The faults each outlet shows now; safe to change while the news web runs."""

    def __init__(self, faults: Mapping[str, Iterable[str]] | None = None):
        self._faults: dict[str, tuple[Fault, ...]] = {}
        self._lock = threading.Lock()
        for slug, kinds in (faults or {}).items():
            self.set(slug, kinds)

    def set(self, slug: str, kinds: Iterable[str]) -> None:
        parsed = tuple(parse_fault(k) for k in kinds)
        with self._lock:
            self._faults[slug] = parsed

    def clear(self, slug: str | None = None) -> None:
        with self._lock:
            if slug is None:
                self._faults.clear()
            else:
                self._faults.pop(slug, None)

    def active(self, slug: str, path_kind: str) -> tuple[Fault, ...]:
        """Faults for a request of ``path_kind`` ("robots", "feed" or "page")."""
        with self._lock:
            faults = self._faults.get(slug, ())
        if path_kind == "robots":
            return tuple(f for f in faults if f.kind in ROBOTS_FAULTS)
        wanted = "feeds" if path_kind == "feed" else "pages"
        return tuple(f for f in faults if f.kind not in ROBOTS_FAULTS and f.scope in ("all", wanted))

    def describe(self) -> dict[str, list[str]]:
        with self._lock:
            return {slug: [f.kind for f in faults] for slug, faults in self._faults.items() if faults}


# -- misbehaving before the page is made ------------------------------------------------------

Send = Callable[[int, str, bytes, dict], None]  # (status, content type, body, headers)
_TEXT = "text/plain; charset=utf-8"
_CLOUDFLARE = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper">'
    b"<h1>Checking if the site connection is secure</h1><noscript>Enable JavaScript and cookies to continue"
    b'</noscript></div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f1"></script>'
    b"</body></html>"
)
_ARVAN = (
    b"<!DOCTYPE html><html><head><title>\xd8\xaf\xd8\xb1 \xd8\xad\xd8\xa7\xd9\x84 \xd8\xa8\xd8\xb1\xd8\xb1\xd8\xb3\xdb\x8c"
    b'</title><script>var __arcsjs = "challenge";</script></head><body>ArvanCloud DDoS protection: '
    b"checking your browser.</body></html>"
)
_ACCESS_DENIED = (
    b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have "
    b"permission to access this server.<P>Reference #18.2f3c1702.1700000000.5e4f1</BODY></HTML>"
)


def _reset(handler) -> None:
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    except OSError:
        pass


def _stream(handler, headers: dict[str, str], chunks: Iterable[bytes]) -> None:
    handler.close_connection = True
    handler._answered = (200, "")
    handler.send_response(200)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        for chunk in chunks:
            handler.wfile.write(chunk)
    except OSError:  # the client stopped reading at its size cap, as it should
        pass


_bomb_cache: dict[int, bytes] = {}
_bomb_lock = threading.Lock()


def gzip_bomb(mib: int) -> bytes:
    """gzip of ``mib`` MiB of spaces (about a thousandth of that on the wire); made once."""
    with _bomb_lock:
        if mib not in _bomb_cache:
            block = b" " * (1 << 20)
            buffer = io.BytesIO()
            with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as writer:
                for _ in range(mib):
                    writer.write(block)
            _bomb_cache[mib] = buffer.getvalue()
        return _bomb_cache[mib]


def answer_before(handler, faults: tuple[Fault, ...], raw_path: str, content_type: str, send: Send) -> bool:
    """Misbehave before routing. True when the request was answered (or dropped) here."""
    for fault in faults:
        if fault.kind == "slow":
            time.sleep(fault.number(3.0))
    for fault in faults:
        kind = fault.kind
        if kind == "500":
            send(500, _TEXT, b"internal server error\n", {})
        elif kind in ("429", "503"):
            seconds = int(fault.number(120))
            send(int(kind), _TEXT, b"slow down\n", {"Retry-After": str(seconds)})
        elif kind == "reset":
            _reset(handler)
        elif kind == "timeout":
            handler.close_connection = True
            time.sleep(fault.number(30.0))
        elif kind == "huge":
            mib = int(fault.number(8))
            _stream(handler, {"Content-Type": content_type}, (b" " * 65536 for _ in range(mib * 16)))
        elif kind == "gzip-bomb":
            body = gzip_bomb(int(fault.number(256)))
            send(200, content_type, body, {"Content-Encoding": "gzip"})
        elif kind in ("redirect-chain", "redirect-loop"):
            match = _HOP.search(raw_path)
            hop = int(match.group(1)) if match else 0
            base = _HOP.sub("", raw_path)
            joiner = "&" if "?" in base else "?"
            if kind == "redirect-loop":
                target = base if hop else f"{base}{joiner}khabar_hop=1"
            elif hop >= fault.number(8):
                continue  # the end of the chain: the real answer
            else:
                target = f"{base}{joiner}khabar_hop={hop + 1}"
            send(302, "text/html; charset=utf-8", b"<a href='x'>moved</a>", {"Location": target})
        elif kind == "cloudflare":
            send(
                403,
                "text/html; charset=UTF-8",
                _CLOUDFLARE,
                {"Server": "cloudflare", "cf-mitigated": "challenge", "CF-RAY": "8f1a2b3c4d5e6f70-FRA"},
            )
        elif kind == "arvancloud":
            send(503, "text/html; charset=utf-8", _ARVAN, {"Server": "ArvanCloud"})
        elif kind == "access-denied":
            send(403, "text/html", _ACCESS_DENIED, {"Server": "AkamaiGHost"})
        else:
            continue
        return True
    return False


# -- misbehaving with the page itself ------------------------------------------------------------

_PERSIAN_TO_1256 = str.maketrans({"\u06cc": "\u064a", **{chr(0x06F0 + d): str(d) for d in range(10)}})
_LABELS = (
    (re.compile(rb"charset=utf-8", re.I), b"charset=windows-1256"),
    (re.compile(rb"""encoding=(["'])utf-8\1""", re.I), b'encoding="windows-1256"'),
)


def to_windows_1256(body: bytes) -> bytes:
    """UTF-8 text as windows-1256 (Persian ی written ي, Persian digits as ASCII, as such sites did)."""
    return body.decode("utf-8").translate(_PERSIAN_TO_1256).encode("cp1256", errors="xmlcharrefreplace")


def relabel(body: bytes) -> bytes:
    head, tail = body[:4096], body[4096:]
    for pattern, label in _LABELS:
        head = pattern.sub(label, head)
    return head + tail


def transform_response(resp, faults: tuple[Fault, ...], path_kind: str):
    """The router's ``Response`` as the faults change it (a new object; the original is kept)."""
    for fault in faults:
        kind = fault.kind
        textual = resp.content_type.startswith(
            ("text/", "application/rss", "application/atom", "application/rdf", "application/xml")
        )
        if kind == "robots-disallow":
            resp = dataclasses.replace(resp, body=b"User-agent: KhabarBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
        elif kind == "crawl-delay":
            resp = dataclasses.replace(
                resp, body=f"User-agent: *\nCrawl-delay: {fault.number(2.0):g}\nAllow: /\n".encode()
            )
        elif kind == "windows-1256" and textual:
            resp = dataclasses.replace(
                resp,
                body=relabel(to_windows_1256(resp.body)),
                content_type=resp.content_type.replace("utf-8", "windows-1256"),
            )
        elif kind == "wrong-charset" and textual:
            resp = dataclasses.replace(
                resp, body=relabel(resp.body), content_type=resp.content_type.replace("utf-8", "windows-1256")
            )
        elif kind == "mislabelled-1256" and textual:
            resp = dataclasses.replace(resp, body=to_windows_1256(resp.body))
        elif kind == "bozo-xml" and path_kind == "feed":
            resp = dataclasses.replace(resp, body=resp.body.replace(b"<title>", b"<title>R&D ", 1))
        elif kind == "invalid-xml" and path_kind == "feed":
            cut = min([i for i in (resp.body.find(b"<item"), resp.body.find(b"<entry")) if i > 0] or [len(resp.body)])
            resp = dataclasses.replace(resp, body=resp.body[:cut] + b"\x00\x01<<<!! not xml ]]> &&&")
    return resp
