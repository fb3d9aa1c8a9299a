"""HTTP side of the news web: one ThreadingHTTPServer per outlet, routing, responses."""

from __future__ import annotations

import hashlib
import re
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from khabar.newsweb import images
from khabar.newsweb.cases import (
    FEED_MOVES,
    FEEDLESS,
    NEWS_SITEMAP_SPAN,
    moved_feed_path,
    news_sitemap,
    pages_sitemap_gz,
    sitemap_index,
)
from khabar.newsweb.faults import answer_before, transform_response
from khabar.newsweb.feeds import CONTENT_TYPES, FEED_LIMIT, FeedEntry, render_feed
from khabar.newsweb.originals import HANG_SECONDS
from khabar.newsweb.outlets import OutletSpec
from khabar.newsweb.schedule import Publication
from khabar.newsweb.templates import (
    Link,
    PageContext,
    render_404,
    render_article,
    render_listing,
    render_simple,
)
from khabar.newsweb.templates.common import esc

if TYPE_CHECKING:
    from khabar.newsweb.server import NewsWeb

HTML = "text/html; charset=utf-8"
ROBOTS = "User-agent: *\nAllow: /\n"


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    last_modified: float | None = None
    headers: dict[str, str] = field(default_factory=dict)


class OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of page and image requests overflowed it,
    # and a dropped SYN is retried after 1 s and 3 s, which a crawler sees as a connect timeout.
    request_queue_size = 128

    def __init__(self, addr: tuple[str, int], handler: type[BaseHTTPRequestHandler], spec: OutletSpec):
        self.spec = spec
        self._conns: set[socket.socket] = set()
        self._accepted_at: dict[socket.socket, float] = {}
        self._conns_lock = threading.Lock()
        super().__init__(addr, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), i.e. a reverse DNS lookup: skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def get_request(self):  # type: ignore[override]
        sock, addr = super().get_request()
        with self._conns_lock:
            self._conns.add(sock)
            # A new connection's first request arrives now; its handler thread may start later.
            self._accepted_at[sock] = time.time()
        return sock, addr

    def accepted_at(self, sock) -> float | None:
        """When ``sock`` was accepted, the first time it is asked (then None: kept-alive requests)."""
        with self._conns_lock:
            return self._accepted_at.pop(sock, None)

    def shutdown_request(self, request) -> None:  # type: ignore[override]
        with self._conns_lock:
            self._conns.discard(request)
            self._accepted_at.pop(request, None)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down kept-alive connections so their handler threads end."""
        with self._conns_lock:
            conns = list(self._conns)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def pattern_regex(url_pattern: str) -> re.Pattern[str]:
    """Regex for an outlet's article paths; the slug part is optional."""
    rx = re.escape(url_pattern)
    rx = rx.replace(re.escape("/{slug}"), r"(?:/(?P<slug>[^/]*))?")
    rx = rx.replace(re.escape("{id}"), r"(?P<id>\d+)").replace(re.escape("{cat}"), r"(?P<cat>[a-z-]+)")
    return re.compile("^" + rx + "/?$")


class Router:
    """Maps a request path of one outlet to a :class:`Response` at time ``now``."""

    def __init__(self, web: NewsWeb, spec: OutletSpec):
        self.web, self.spec = web, spec
        self.article_re = pattern_regex(spec.url_pattern)
        self.sections = {spec.section_path(c): c for c in spec.categories}
        self.feeds = {spec.feed_path(c): c for c in spec.categories}
        self.moved_feeds = {moved_feed_path(c): c for c in spec.categories}  # where feeds move (cases.py)

    # -- helpers -------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.web.base_url(self.spec)

    def link(self, pub: Publication) -> Link:
        return Link(
            pub.title, self.web.url_of(pub), pub.category, pub.lead, self.web.image_url(pub), self.web.published_at(pub)
        )

    @property
    def case(self) -> str:
        return self.web.cases.get(self.spec.slug)

    def advertised(self) -> tuple[tuple[str, str], ...] | None:
        """The feeds the pages advertise: none, the moved ones, or (None) the outlet's own."""
        case = self.case
        if case in FEEDLESS:
            return ()
        if case in FEED_MOVES:
            return tuple((c, self.base + moved_feed_path(c)) for c in self.spec.categories)
        return None

    def ctx(self, now: float, **kw) -> PageContext:
        visible = self.web.visible(self.spec.slug, now)
        exclude = kw.get("pub")
        latest = [self.link(p) for p in reversed(visible[-9:]) if p is not exclude][:8]
        return PageContext(
            self.spec,
            self.base,
            latest=latest,
            now=datetime.fromtimestamp(now, tz=timezone.utc),
            advertised=self.advertised(),
            **kw,
        )

    def html(self, text: str, status: int = 200, last_modified: float | None = None) -> Response:
        return Response(status, HTML, text.encode("utf-8"), last_modified)

    def path_kind(self, raw_path: str) -> str:
        """ "robots", "feed" or "page" (what fault scopes refer to)."""
        path = unquote(urlsplit(raw_path).path or "/", encoding="utf-8", errors="replace")
        return (
            "robots" if path == "/robots.txt" else "feed" if path in self.feeds or path in self.moved_feeds else "page"
        )

    def not_found(self) -> Response:
        return self.html(render_404(PageContext(self.spec, self.base)), 404)

    # -- routing ---------------------------------------------------------------
    def route(self, raw_path: str, now: float) -> Response:
        path = unquote(urlsplit(raw_path).path or "/", encoding="utf-8", errors="replace")
        if path in ("/", "/index.html"):
            return self.listing(now)
        case = self.case
        if path == "/robots.txt":
            sitemap = f"Sitemap: {self.base}/sitemap.xml\n" if case == "news-sitemap" else ""
            return Response(200, "text/plain; charset=utf-8", (ROBOTS + sitemap).encode())
        if path in self.sections:
            return self.listing(now, section=self.sections[path])
        if path.startswith("/tag/"):
            return self.listing(now, tag=path[5:].replace("_", " "))
        if path in self.feeds:
            return self.old_feed(path, case, now)
        if path in self.moved_feeds and case in FEED_MOVES:
            return self.feed(self.moved_feeds[path], now)
        if case == "news-sitemap" and path in ("/sitemap.xml", "/sitemaps/news.xml", "/sitemaps/pages.xml.gz"):
            return self.sitemap(path, now)
        if path == "/contact":
            ctx = self.ctx(now)
            return self.html(render_simple(ctx, "تماس با ما", f"نشانی پست الکترونیک: info@{self.spec.slug}.example"))
        if path == "/static/logo.png":
            return Response(200, "image/png", images.logo(self.spec.color))
        if path == "/static/banner.png":
            return Response(200, "image/png", images.banner())
        if path == f"/static/css/{self.spec.css}.css":
            css = (
                f"body{{font-family:Vazirmatn,Tahoma,sans-serif;direction:rtl}}"
                f"a{{color:{self.spec.color}}}.ads,.inline-ad{{border:1px dashed #ccc}}\n"
            )
            return Response(200, "text/css; charset=utf-8", css.encode())
        m = re.fullmatch(r"/images/(\d+)\.png", path)
        if m:
            pub = self.web.lookup(self.spec.slug, int(m.group(1)))
            if pub is None or not self.web.is_visible(pub, now):
                return self.not_found()
            return Response(200, "image/png", images.article_image(self.spec.color, pub.item_id), self.web.when(pub))
        m = self.article_re.match(path)
        if m:
            return self.article(int(m.group("id")), path, now)
        return self.not_found()

    def listing(self, now: float, section: str | None = None, tag: str | None = None) -> Response:
        visible = self.web.visible(self.spec.slug, now)
        if section:
            visible = [p for p in visible if p.category == section]
        if tag:
            visible = [p for p in visible if tag in p.tags or tag == p.category]
            if not visible:
                return self.not_found()
        items = [self.link(p) for p in reversed(visible[-40:])]
        lead = [self.link(p) for p in self.web.lead_items(self.spec.slug, now)] if not (section or tag) else []
        ctx = self.ctx(
            now,
            items=items,
            section=section,
            lead=lead,
            url=self.base + (self.spec.section_path(section) if section else "/"),
        )
        last = self.web.when(visible[-1]) if visible else None
        return self.html(render_listing(ctx), last_modified=last)

    def article(self, item_id: int, path: str, now: float) -> Response:
        pub = self.web.lookup(self.spec.slug, item_id)
        if pub is None or not self.web.is_visible(pub, now):
            return self.not_found()
        served = self.web.originals.serve(pub, now - self.web.when(pub))  # edits and removals (originals.py)
        if served.hang:
            return Response(0, HTML, b"", headers={"X-Hang": str(HANG_SECONDS)})
        if served.removal == "404":
            return self.not_found()
        if served.removal == "homepage":
            return Response(302, HTML, b"<a href='/'>home</a>", headers={"Location": self.base + "/"})
        if served.removal == "soft-404":
            return self.html(render_404(PageContext(self.spec, self.base)))
        pub = served.pub
        canonical = pub.path(self.spec)
        if path.rstrip("/") != canonical:
            r = self.html(f'<a href="{esc(quote(canonical, safe="/"))}">moved</a>', 301)
            r.headers["Location"] = self.web.url_of(pub)
            return r
        visible = self.web.visible(self.spec.slug, now)
        related = [self.link(p) for p in reversed(visible) if p.category == pub.category and p is not pub][:5]
        ctx = self.ctx(
            now,
            pub=pub,
            url=self.web.url_of(pub),
            image=self.web.image_url(pub),
            published=self.web.published_at(pub),
            related=related,
        )
        changed = [c.at for c in self.web.originals.changed_at(pub.outlet, now - self.web.when(pub))]
        return self.html(render_article(ctx), last_modified=self.web.when(pub) + max(changed, default=0))

    def old_feed(self, path: str, case: str, now: float) -> Response:
        """A feed at its first address: itself, or what is left there after a move (cases.py)."""
        category = self.feeds[path]
        if case in FEEDLESS or case == "feed-moved":
            return self.not_found()
        if case == "feed-html":  # the CMS now answers the old address with a page
            ctx = self.ctx(now)
            return self.html(render_simple(ctx, "خوراک‌ها", "خدمات خبرخوان این پایگاه به نشانی تازه‌ای منتقل شد."))
        if case == "feed-301":
            r = self.html("<a>moved</a>", 301)
            r.headers["Location"] = self.base + moved_feed_path(category)
            return r
        return self.feed(category, now)

    def sitemap(self, path: str, now: float) -> Response:
        """The ``news-sitemap`` case: an index, a Google News sitemap and a gzip sitemap of the sections."""
        when = datetime.fromtimestamp(now, tz=timezone.utc)
        if path == "/sitemap.xml":
            return Response(200, "application/xml; charset=utf-8", sitemap_index(self.base, when))
        if path == "/sitemaps/pages.xml.gz":
            pages = [self.base + "/"] + [self.base + self.spec.section_path(c) for c in self.spec.categories]
            return Response(200, "application/gzip", pages_sitemap_gz(pages))
        since = now - NEWS_SITEMAP_SPAN.total_seconds()
        recent = [p for p in reversed(self.web.visible(self.spec.slug, now)) if self.web.when(p) >= since]
        items = [(self.web.url_of(p), p.title, self.web.published_at(p)) for p in recent[:1000]]
        last = self.web.when(recent[0]) if recent else None
        return Response(200, "application/xml; charset=utf-8", news_sitemap(self.spec.name, items), last)

    def feed(self, category: str, now: float) -> Response:
        visible = [p for p in self.web.visible(self.spec.slug, now) if p.category == category]
        newest = list(reversed(visible[-FEED_LIMIT:]))
        entries = []
        for p in newest:
            url = self.web.url_of(p)
            img = images.article_image(self.spec.color, p.item_id)
            entries.append(
                FeedEntry(
                    item_id=p.item_id,
                    title=p.title,
                    url=url,
                    link=url + ("?utm_source=rss&utm_medium=feed" if self.spec.utm else ""),
                    published=self.web.published_at(p),
                    lead=p.lead,
                    content_html="\n".join(f"<p>{esc(x)}</p>" for x in p.paragraphs),
                    category=p.category,
                    image=self.web.image_url(p),
                    image_length=len(img),
                )
            )
        body = render_feed(self.spec, self.base, category, entries, datetime.fromtimestamp(now, tz=timezone.utc))
        last = self.web.when(newest[0]) if newest else None
        return Response(200, CONTENT_TYPES[self.spec.feed_format], body, last)


def make_handler(
    web: NewsWeb, spec: OutletSpec, *, ip: str = "", moved_away: bool = False
) -> type[BaseHTTPRequestHandler]:
    """The handler of one outlet's server on ``ip`` (default: its own address). ``moved_away``:
    the outlet's domain moved (cases.py), every request here answers 301 to the new address."""
    router = Router(web, spec)
    ip = ip or spec.ip

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "KhabarNewsWeb/1.0"
        sys_version = ""
        timeout = 15  # idle keep-alive connections are dropped after this
        disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body
        wbufsize = 1 << 16  # headers and body leave in one write where possible

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:
            self._serve(head=False)

        def do_HEAD(self) -> None:
            self._serve(head=True)

        def do_POST(self) -> None:
            web.log_request(f"{ip}:{web.bound_port}", self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(min(length, 1 << 20))
            self._send(Response(405, "text/plain; charset=utf-8", b"method not allowed\n"), False)

        def _serve(self, head: bool) -> None:
            host = f"{ip}:{web.bound_port}"
            web.log_request(host, self.path)
            trace = web.traffic.begin(host, self.path, self.server.accepted_at(self.request))
            self._answered: tuple[int, str] = (0, "")
            if moved_away:
                moved = Response(301, HTML, b"<a>moved</a>", headers={"Location": router.base + self.path})
                self._send(moved, head, conditional=False)
                web.traffic.end(trace, *self._answered)
                return
            try:
                kind = router.path_kind(self.path)
                faults = web.faults.active(spec.slug, kind)
                if faults:
                    ctype = CONTENT_TYPES[spec.feed_format] if kind == "feed" else HTML

                    def send(status: int, content_type: str, body: bytes, headers: dict) -> None:
                        self._send(Response(status, content_type, body, headers=headers), head)

                    if answer_before(self, faults, self.path, ctype, send):
                        return
                try:
                    resp = router.route(self.path, web.clock())
                except Exception as exc:  # never kill the server thread
                    resp = Response(500, "text/plain; charset=utf-8", f"internal error: {exc!r}\n".encode())
                if resp.status == 0:  # a scripted one-off timeout (originals.py): never answer
                    self.close_connection = True
                    time.sleep(float(resp.headers["X-Hang"]))
                    return
                if faults:
                    resp = transform_response(resp, faults, kind)
                self._send(resp, head, conditional=not any(f.kind == "no-conditional" for f in faults))
            finally:
                web.traffic.end(trace, *self._answered)

        def _not_modified(self, resp: Response, etag: str) -> bool:
            if resp.status != 200:
                return False
            inm = self.headers.get("If-None-Match")
            if inm:
                return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            ims = self.headers.get("If-Modified-Since")
            if ims and resp.last_modified is not None:
                try:
                    return resp.last_modified <= parsedate_to_datetime(ims).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def _send(self, resp: Response, head: bool, conditional: bool = True) -> None:
            etag = '"' + hashlib.md5(resp.body).hexdigest() + '"'  # noqa: S324 - not security
            self._answered = (resp.status, etag if resp.status == 200 else "")
            if conditional and self._not_modified(resp, etag):
                self._answered = (304, etag)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
            if resp.status == 200:
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", "max-age=60")
                if resp.last_modified is not None:
                    self.send_header("Last-Modified", formatdate(resp.last_modified, usegmt=True))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if not head:
                self.wfile.write(resp.body)

    return Handler
