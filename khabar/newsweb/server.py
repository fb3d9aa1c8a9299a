"""The offline news web: fictional outlets served over loopback, publishing over time.

    python -m khabar.newsweb.server --seed 1 --rate 6 --port 8800

Each outlet listens on its own loopback address 127.0.1.(10+i), all on the
same port. Items are released on a deterministic schedule (see
``outlets.build_schedule``) relative to ``start()``; an item is invisible
(absent from homepages and feeds, 404 as a page) until its time has come.
Only the standard library is used; no network traffic leaves loopback.
"""

from __future__ import annotations

import argparse
import bisect
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, unquote

from khabar.newsweb.cases import CASES, FEEDLESS, OutletCases, moved_ip, parse_case_option
from khabar.newsweb.corpus import load_articles
from khabar.newsweb.coverage import lead_choice
from khabar.newsweb.faults import FAULTS, OutletFaults, parse_fault_option
from khabar.newsweb.handler import OutletServer, make_handler
from khabar.newsweb.originals import KINDS as ORIGINALS_KINDS
from khabar.newsweb.originals import OutletOriginals, parse_originals_option
from khabar.newsweb.outlets import OUTLETS, OutletSpec
from khabar.newsweb.schedule import Publication, build_schedule
from khabar.newsweb.traffic import TrafficLog


@dataclass(frozen=True)
class FeedInfo:
    url: str
    category: str  # category slug
    format: str  # "rss" | "atom" | "rdf"
    full_text: bool


@dataclass(frozen=True)
class OutletInfo:
    slug: str
    name: str  # Persian
    homepage: str  # "http://127.0.1.10:PORT/"
    host: str  # "127.0.1.10:PORT"
    feeds: tuple[FeedInfo, ...]
    categories: tuple[str, ...]
    layout: str
    date_style: str  # "meta" | "jsonld" | "jalali"
    case: str = ""  # see cases.py; homepage and feeds are then what a catalogue would still list
    moved_to: str = ""  # "domain-moved": the new homepage


@dataclass(frozen=True)
class PublishedItem:
    """Ground truth of one published item."""

    outlet: str  # outlet slug
    url: str  # absolute canonical URL (percent-encoded)
    title: str
    lead: str
    body: str  # paragraphs joined with "\n"
    category: str
    published: datetime  # aware UTC, whole seconds
    article_id: str  # corpus article (= event) id
    item_id: int  # outlet-local id used in the URL
    image_url: str = ""
    source_url: str = ""  # the original article's URL on farsnews.ir / varzesh3.com
    event: str = ""  # ground truth of story clustering: the same for every outlet's version of one event
    version: str = "original"  # "original" (first publication) or a coverage style, see newsweb.coverage


class RequestRecord(NamedTuple):
    host: str  # "127.0.1.10:PORT"
    path: str  # raw request target, e.g. "/rss/sports.xml?x=1"
    timestamp: float  # clock() at arrival


class NewsWeb:
    """A set of fictional Persian news outlets served on loopback.

    >>> with NewsWeb(seed=1, port=0) as web:
    ...     urls = [o.homepage for o in web.outlets]
    """

    def __init__(
        self,
        seed: int = 1,
        rate: float = 6.0,
        port: int = 0,
        backlog: int = 20,
        data_path: Path | None = None,
        clock: Callable[[], float] = time.time,
        coverage: bool = True,
        faults: dict[str, list[str]] | None = None,
        outlets: int | None = None,
        cases: dict[str, str] | None = None,
        first_new_after: float = 1.0,
        originals: dict[str, list[str]] | None = None,
    ):
        self.seed, self.rate, self.port, self.backlog = seed, rate, port, backlog
        self.clock = clock
        self.faults = OutletFaults(faults)  # per-outlet misbehaviour, see faults.py
        self.cases = OutletCases(cases)  # outlets without feeds, moved feeds and domains, see cases.py
        self.originals = OutletOriginals(originals)  # articles edited or removed after publication, see originals.py
        self.traffic = TrafficLog()  # every request with its answer, see traffic.py
        if outlets:  # many generated outlets with bursty rates (the freshness benchmark), see many.py
            from khabar.newsweb.many import bursty_schedule, generated_outlets

            self.specs: tuple[OutletSpec, ...] = generated_outlets(outlets)
            self.schedule: list[Publication] = bursty_schedule(
                load_articles(data_path), self.specs, seed=seed, rate=rate, first_new_after=first_new_after
            )
        else:
            self.specs = OUTLETS
            self.schedule = build_schedule(
                load_articles(data_path), self.specs, seed=seed, rate=rate, backlog=backlog, coverage=coverage
            )
        self._specs = {s.slug: s for s in self.specs}
        self._event_size = Counter(p.article_id for p in self.schedule)
        self._by_outlet: dict[str, list[Publication]] = {s.slug: [] for s in self.specs}
        for p in self.schedule:
            self._by_outlet[p.outlet].append(p)  # schedule is sorted by offset
        self._by_id = {(p.outlet, p.item_id): p for p in self.schedule}
        self._t0: float | None = None
        self._whens: dict[str, list[int]] = {}
        self._servers: list[OutletServer] = []
        self._threads: list[threading.Thread] = []
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self.bound_port: int | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> NewsWeb:
        if self._servers:
            return self
        self._servers, self.bound_port = self._bind_all()
        self._t0 = self.clock()
        self._whens = {slug: [self.when(p) for p in pubs] for slug, pubs in self._by_outlet.items()}
        for srv in self._servers:
            t = threading.Thread(
                target=srv.serve_forever, kwargs={"poll_interval": 0.1}, name=f"newsweb-{srv.spec.slug}", daemon=True
            )
            t.start()
            self._threads.append(t)
        return self

    def _bind_all(self) -> tuple[list[OutletServer], int]:
        attempts = 25 if self.port == 0 else 1
        for attempt in range(attempts):
            servers: list[OutletServer] = []
            port = self.port
            try:
                for spec in self.specs:
                    moved = spec.slug in self.cases.moved
                    srv = OutletServer((spec.ip, port), make_handler(self, spec, moved_away=moved), spec)
                    port = srv.server_address[1]
                    servers.append(srv)
                    if moved:  # the outlet's new home; the old address answers 301 to it
                        new_ip = moved_ip(spec.index)
                        servers.append(OutletServer((new_ip, port), make_handler(self, spec, ip=new_ip), spec))
                return servers, port
            except OSError:
                for srv in servers:
                    srv.server_close()
                if attempt == attempts - 1:
                    raise
        raise RuntimeError("unreachable")

    def stop(self) -> None:
        stoppers = [threading.Thread(target=srv.shutdown, daemon=True) for srv in self._servers]
        for t in stoppers:  # in parallel: each shutdown() waits up to one poll interval
            t.start()
        for t in stoppers:
            t.join(timeout=5)
        for srv in self._servers:
            srv.close_connections()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> NewsWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- time ----------------------------------------------------------------
    @property
    def started_at(self) -> float:
        if self._t0 is None:
            raise RuntimeError("NewsWeb is not started")
        return self._t0

    def when(self, pub: Publication) -> int:
        """Unix time (whole seconds) at which ``pub`` becomes visible."""
        return math.floor(self.started_at + pub.offset)

    def published_at(self, pub: Publication) -> datetime:
        return datetime.fromtimestamp(self.when(pub), tz=timezone.utc)

    def now(self) -> float:
        return self.clock()

    # -- public views ----------------------------------------------------------
    def base_url(self, spec: OutletSpec) -> str:
        """Where the outlet is now (its new host when its domain moved)."""
        if self.bound_port is None:
            raise RuntimeError("NewsWeb is not started")
        ip = moved_ip(spec.index) if spec.slug in self.cases.moved else spec.ip
        return f"http://{ip}:{self.bound_port}"

    def listed_base(self, spec: OutletSpec) -> str:
        """Where a catalogue would say the outlet is (its old host when its domain moved)."""
        return f"http://{spec.ip}:{self.bound_port}"

    @property
    def outlets(self) -> list[OutletInfo]:
        out = []
        for s in self.specs:
            base, case = self.listed_base(s), self.cases.get(s.slug)
            feeds = tuple(FeedInfo(base + s.feed_path(c), c, s.feed_format, s.full_text) for c in s.categories)
            out.append(
                OutletInfo(
                    s.slug,
                    s.name,
                    base + "/",
                    f"{s.ip}:{self.bound_port}",
                    () if case in FEEDLESS else feeds,
                    s.categories,
                    s.layout,
                    s.date_style,
                    case,
                    self.base_url(s) + "/" if case == "domain-moved" else "",
                )
            )
        return out

    def visible(self, slug: str, now: float | None = None) -> list[Publication]:
        """The outlet's items published by ``now`` (oldest first)."""
        t = self.clock() if now is None else now
        n = bisect.bisect_right(self._whens[slug], t) if self._t0 is not None else 0
        return self._by_outlet[slug][:n]

    def is_visible(self, pub: Publication, now: float | None = None) -> bool:
        return self._t0 is not None and self.when(pub) <= (self.clock() if now is None else now)

    def lookup(self, slug: str, item_id: int) -> Publication | None:
        return self._by_id.get((slug, item_id))

    def url_of(self, pub: Publication) -> str:
        spec = self._specs[pub.outlet]
        return self.base_url(spec) + quote(pub.path(spec), safe="/")

    def image_url(self, pub: Publication) -> str:
        return f"{self.base_url(self._specs[pub.outlet])}/images/{pub.item_id}.png"

    def record(self, pub: Publication) -> PublishedItem:
        return PublishedItem(
            outlet=pub.outlet,
            url=self.url_of(pub),
            title=pub.title,
            lead=pub.lead,
            body=pub.body,
            category=pub.category,
            published=self.published_at(pub),
            article_id=pub.article_id,
            item_id=pub.item_id,
            image_url=self.image_url(pub),
            source_url=pub.article.source_url,
            event=pub.article_id,
            version=pub.version,
        )

    def lead_items(self, slug: str, now: float | None = None) -> list[Publication]:
        """What the outlet shows in the lead slots of its homepage now (see ``coverage.lead_choice``)."""
        t = self.clock() if now is None else now
        visible = self.visible(slug, t)
        return lead_choice([(p, t - self.when(p), self._event_size[p.article_id]) for p in visible[-60:]])

    def leads(self, now: float | None = None) -> dict[str, list[str]]:
        """Ground truth of prominence: outlet slug -> URLs in its homepage's lead slots now."""
        return {s.slug: [self.url_of(p) for p in self.lead_items(s.slug, now)] for s in self.specs}

    def published(self) -> list[PublishedItem]:
        """Ground truth: everything published so far, oldest first."""
        now = self.clock()
        pubs = [p for s in self.specs for p in self.visible(s.slug, now)]
        pubs.sort(key=lambda p: (self.when(p), self._specs[p.outlet].index))
        return [self.record(p) for p in pubs]

    def scheduled(self) -> list[PublishedItem]:
        """Ground truth of the whole schedule, including items not yet published."""
        return [self.record(p) for p in self.schedule]

    def request_log(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def log_request(self, host: str, path: str) -> None:
        with self._log_lock:
            self._log.append(RequestRecord(host, path, self.clock()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="khabar newsweb", description="Serve the offline Persian news web on loopback.")
    ap.add_argument("--seed", type=int, default=1, help="schedule seed (default 1)")
    ap.add_argument("--rate", type=float, default=6.0, help="new items per minute overall (default 6)")
    ap.add_argument("--port", type=int, default=8800, help="port of every outlet (default 8800; 0 = any free)")
    ap.add_argument("--backlog", type=int, default=20, help="items already published per outlet (default 20)")
    ap.add_argument("--quiet", action="store_true", help="do not print items as they are published")
    ap.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SLUG=FAULT[,FAULT]",
        help="make an outlet misbehave, e.g. ava=slow:2,500@pages (repeatable); faults: " + ", ".join(FAULTS),
    )
    ap.add_argument(
        "--case",
        action="append",
        default=[],
        metavar="SLUG=CASE",
        help="an outlet without feeds or whose feeds or domain moved (repeatable); cases: " + ", ".join(CASES),
    )
    ap.add_argument(
        "--originals",
        action="append",
        default=[],
        metavar="SLUG=KIND@AGE[,KIND@AGE]",
        help="edit or remove an outlet's articles AGE seconds after publication (repeatable); kinds: "
        + ", ".join(ORIGINALS_KINDS),
    )
    ap.add_argument(
        "--outlets", type=int, default=None, help="generate this many outlets with bursty rates (see many.py)"
    )
    args = ap.parse_args(argv)
    try:
        faults = dict(parse_fault_option(option) for option in args.fault)
        cases = dict(parse_case_option(option) for option in args.case)
        originals = dict(parse_originals_option(option) for option in args.originals)
    except ValueError as exc:
        ap.error(str(exc))
    web = NewsWeb(
        seed=args.seed,
        rate=args.rate,
        port=args.port,
        backlog=args.backlog,
        faults=faults,
        outlets=args.outlets,
        cases=cases,
        originals=originals,
    )
    try:
        web.start()
    except OSError as exc:
        print(f"cannot bind port {args.port} on 127.0.1.x: {exc}")
        return 1
    try:
        for o in web.outlets:
            print(
                f"{o.name}  [{o.slug}]  {o.homepage}"
                + (f"  ({o.case}{' to ' + o.moved_to if o.moved_to else ''})" if o.case else "")
            )
            for f in o.feeds:
                print(f"    {f.format:<4} {'full' if f.full_text else 'lead'}  {f.url}")
        total = len(web.schedule)
        print(
            f"{len(web.published())} of {total} items published; {args.rate:g} new per minute. Ctrl-C to stop.",
            flush=True,
        )
        seen = len(web.published())
        while True:
            time.sleep(1.0)
            if args.quiet:
                continue
            items = web.published()
            for it in items[seen:]:
                print(f"+ {it.published:%H:%M:%S} {it.outlet}: {it.title}  {unquote(it.url)}", flush=True)
            seen = len(items)
    except KeyboardInterrupt:
        print("\nstopping news web")
    except BrokenPipeError:  # e.g. piped into `head`
        pass
    finally:
        web.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
