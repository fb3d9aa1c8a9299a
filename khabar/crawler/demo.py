"""``khabar demo`` (the offline news web) and ``khabar run`` (the real outlets): crawl and serve in one process."""

from __future__ import annotations

import logging
from pathlib import Path

from khabar.sources.catalog import FeedSpec, OutletSpec, load_catalog, register_outlets

log = logging.getLogger("khabar")

# The demo's news web shows the real web's hard cases working (newsweb/cases.py): outlets without a feed
# (crawled from their homepage and sections, or a Google News sitemap), feeds and a domain that moved.
DEMO_CASES = {
    "jahan-nama": "no-feed",
    "medal": "no-feed",
    "farhang-emrooz": "no-feed",
    "salamat-news": "news-sitemap",
    "sepehr": "feed-moved",
    "setareh-jonoob": "feed-html",
    "shahr-khabar": "feed-301",
    "eghtesad-pouya": "domain-moved",
}


def newsweb_outlets(web) -> list[OutletSpec]:
    """The news web's outlets as a catalogue would list them (no feed for a feedless one: discovery finds it)."""
    return [
        OutletSpec(slug=o.slug, name=o.name, homepage=o.homepage, feeds=[FeedSpec(f.url, f.category) for f in o.feeds])
        for o in web.outlets
    ]


def register_newsweb(web, *, check_interval: int = 20):
    return register_outlets(newsweb_outlets(web), check_interval=check_interval)


def _serve_until_interrupted(services: list, args, banner: str) -> int:
    """Serve the site in the foreground (khabar/server.py) until Ctrl-C, then stop ``services``."""
    from khabar.server import check_port_free, serve

    try:
        check_port_free(args.host, args.port)
        print(f"{banner}\nKhabar is at http://{args.host}:{args.port}/  (Ctrl-C stops)", flush=True)
        serve(args.host, args.port)
    finally:
        print("\nStopping Khabar…", flush=True)
        for service in reversed(services):
            try:
                service.stop()
            except Exception:  # stopping must go on for the others
                log.exception("error while stopping %s", service)
    print("Stopped.", flush=True)
    return 0


def run_demo(args) -> int:
    from khabar.crawler.runner import CrawlService
    from khabar.newsweb.server import NewsWeb

    try:
        web = NewsWeb(seed=args.seed, rate=args.rate, port=args.newsweb_port, cases=DEMO_CASES).start()
    except OSError as exc:
        raise SystemExit(
            f"khabar: cannot start the news web on port {args.newsweb_port}: {exc.strerror or exc}. Use --newsweb-port."
        ) from exc
    services: list = [web]
    try:
        result = register_newsweb(web, check_interval=args.poll)
        services.append(CrawlService(workers=args.workers).start())
    except BaseException:
        for service in reversed(services):
            service.stop()
        raise
    feedless = sum(1 for o in web.outlets if not o.feeds)
    banner = (
        f"Offline news web: {len(web.outlets)} outlets on loopback ({result.feeds} new feeds registered; "
        f"{feedless} without a feed are discovered from their homepages; moved feeds and a moved domain are "
        "followed).\n"
        f"Crawling it every {args.poll} s."
    )
    return _serve_until_interrupted(services, args, banner)


def run_live(args) -> int:
    from khabar.crawler.runner import CrawlService

    logging.getLogger("khabar").setLevel(logging.INFO)
    outlets = load_catalog(Path(args.outlets)) if args.outlets else load_catalog()
    register_outlets(outlets)
    services: list = [CrawlService(workers=args.workers).start()]
    banner = (
        f"Crawling {len(outlets)} real outlets; each feed's failure is reported below and in `khabar sources list`."
    )
    return _serve_until_interrupted(services, args, banner)
