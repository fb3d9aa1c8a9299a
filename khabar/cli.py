"""The ``khabar`` command. ``khabar --help`` lists every command; each has ``--help``.

Every command that touches the database creates and migrates it first, so a
fresh checkout needs no separate set-up step.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from khabar.pipeline.persian import to_persian_digits as fa  # counts in what operators read

SETTINGS, LOOPBACK_SETTINGS, DEMO_SETTINGS = "khabar.settings", "khabar.settings_loopback", "khabar.settings_demo"


def setup_django(settings_module: str = SETTINGS) -> None:
    """Configure Django with one of Khabar's settings modules (docs/configuration.md).

    A ``DJANGO_SETTINGS_MODULE`` of your own (not one of ``khabar.settings…``) wins, and so
    does a configuration already in place (the tests, which call ``main`` in-process).
    """
    import django
    from django.conf import settings

    chosen = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if not settings.configured and (not chosen or chosen.startswith(SETTINGS)):
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    django.setup()


def ensure_database() -> None:
    """Create the database and apply migrations if any are pending."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def wait_for_interrupt() -> None:
    from khabar.crawler.runner import wait_for_interrupt as wait

    wait()


def _console():
    from rich.console import Console

    # Piped output (logs, scripts) gets a wide table rather than one cut to 80 columns.
    return Console() if sys.stdout.isatty() else Console(width=220)


# --- commands ------------------------------------------------------------------


def cmd_extract(args) -> int:
    from khabar.pipeline.extract import extract_article

    if args.file == "-":
        content = sys.stdin.buffer.read()
    else:
        path = Path(args.file)
        if not path.is_file():
            print(f"khabar extract: چنین پرونده‌ای نیست: {path}", file=sys.stderr)
            return 2
        content = path.read_bytes()
    page = extract_article(content, args.url or "")
    print(json.dumps(page.as_json(), ensure_ascii=False, indent=2))
    return 0 if page.text else 1


def _read_input(command: str, name: str) -> bytes | None:
    """The bytes of FILE (``-``: standard input); None after printing a clear error."""
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        print(f"khabar {command}: چنین پرونده‌ای نیست: {path}", file=sys.stderr)
    except IsADirectoryError:
        print(f"khabar {command}: {path} پوشه است، نه صفحه‌ای ذخیره‌شده", file=sys.stderr)
    except OSError as exc:
        print(f"khabar {command}: {path} خوانده نشد: {exc.strerror or exc}", file=sys.stderr)
    return None


def _print_lines(lines: list[str]) -> None:
    sys.stdout.buffer.write("".join(f"{line}\n" for line in lines).encode("utf-8"))
    sys.stdout.flush()


def cmd_links(args) -> int:
    """The article links Khabar takes from a saved homepage or section page, one per line."""
    from khabar.pipeline.listing_links import find_article_links
    from khabar.pipeline.listing_page import parse_listing

    content = _read_input("links", args.file)
    if content is None:
        return 2
    page = parse_listing(content, args.url)
    found = find_article_links(page, known_articles=args.article or (), known_other=args.not_article or ())
    _print_lines(found.urls)
    if args.explain:
        for verdict in found.verdicts:
            mark = "برداشت" if verdict.accepted else "رها  "
            print(
                f"{mark} {verdict.score:6.2f}  {len(verdict.keys):4}  {verdict.shape.key}  ({verdict.reason})",
                file=sys.stderr,
            )
    return 0


def cmd_leads(args) -> int:
    """The article links a saved homepage gives prominence to, most prominent first."""
    from khabar.pipeline.stories.front_pages import prominent_links

    content = _read_input("leads", args.file)
    if content is None:
        return 2
    _print_lines(prominent_links(content, args.url, known_articles=args.article or (), limit=args.limit))
    return 0


def cmd_normalize(args) -> int:
    """Persian text from standard input to standard output, UTF-8."""
    from khabar.pipeline.persian import normalize_display, prepare_text
    from khabar.pipeline.search_keys import search_key
    from khabar.pipeline.zwnj import repair_zwnj

    step = {"display": normalize_display, "repair": repair_zwnj, "prepare": prepare_text, "search": search_key}[
        args.mode
    ]
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"khabar normalize: ورودی استاندارد UTF-8 نیست ({exc.reason}، بایت {exc.start})", file=sys.stderr)
        return 2
    sys.stdout.buffer.write("\n".join(step(line) for line in text.split("\n")).encode("utf-8"))
    return 0


def cmd_dates(args) -> int:
    from datetime import timezone

    from khabar.pipeline.dates import format_jalali, format_relative, parse_persian_datetime

    text = " ".join(args.text)
    when = parse_persian_datetime(text)
    if when is None:
        print(f"khabar dates: تاریخ یا ساعتی در {text!r} پیدا نشد", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "utc": when.astimezone(timezone.utc).isoformat(),
                "tehran": format_jalali(when),
                "relative": format_relative(when),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def cmd_crawl(args) -> int:
    setup_django(LOOPBACK_SETTINGS if args.allow_private else SETTINGS)
    ensure_database()
    from khabar.crawler.refresh import refresh_feeds
    from khabar.crawler.reports import NOTHING_DUE, print_crawl_summary
    from khabar.sources.models import Feed

    feeds = list((Feed.objects.crawlable() if args.all else Feed.objects.due()).select_related("source"))
    if not feeds:
        _console().print(NOTHING_DUE)
        return 0
    reports = refresh_feeds(feeds)
    print_crawl_summary(reports, _console())
    return 0


def cmd_originals(args) -> int:
    setup_django(LOOPBACK_SETTINGS if args.allow_private else SETTINGS)
    ensure_database()
    from khabar.originals.report import print_check_report, run_checks

    print_check_report(run_checks(all_watched=args.all), _console())
    return 0


def _add_without_discovery(args) -> int:
    from khabar.sources.catalog import add_feed

    try:
        feed = add_feed(args.url, name=args.name, category=args.category)
    except ValueError as exc:
        print(f"khabar sources add: {exc}", file=sys.stderr)
        return 2
    print(f"خوراک {feed.url} از «{feed.source.name}» همان‌گونه که هست ثبت شد؛ در بررسی بعدی خزیده می‌شود.")
    return 0


def cmd_sources(args) -> int:
    setup_django(LOOPBACK_SETTINGS if getattr(args, "allow_private", False) else SETTINGS)
    ensure_database()
    from khabar.crawler.reports import print_discovery, print_sources
    from khabar.sources.catalog import load_catalog, register_discovered, register_outlets

    if args.sources_command in ("add", "discover"):
        if args.sources_command == "add" and args.no_discover:
            return _add_without_discovery(args)
        from khabar.crawler.discovery import discover_outlet
        from khabar.sources.catalog import check_url

        try:
            check_url(args.url)
        except ValueError as exc:
            print(f"khabar sources {args.sources_command}: {exc}", file=sys.stderr)
            return 2
        console = _console()
        console.print(f"خواندن {args.url} و خوراک‌ها و نقشه‌های سایتش (با درنگ مؤدبانه: تا یک دقیقه)…")
        report = discover_outlet(args.url)
        print_discovery(report, console, stored=args.sources_command == "add")
        if args.sources_command == "discover":
            return 0 if report.plan else 1
        try:
            source, feeds = register_discovered(report, name=args.name, category=args.category)
        except ValueError as exc:
            print(f"khabar sources add: {exc}", file=sys.stderr)
            if report.error:
                print(
                    "رسانهٔ دسترس‌ناپذیر از اینجا را می‌توان همان‌گونه که هست افزود: --no-discover FEED_URL",
                    file=sys.stderr,
                )
            return 1
        console.print(f"«{source.name}» ({source.slug}): {fa(len(feeds))} نشانی تازه برای خزش، در نوبت بعدی.")
        return 0
    if args.sources_command == "load":
        try:
            outlets = load_catalog(Path(args.file)) if args.file else load_catalog()
        except OSError as exc:  # missing, unreadable
            print(f"khabar sources load: {args.file} خوانده نشد: {exc.strerror or exc}", file=sys.stderr)
            return 2
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # not JSON, or not a catalogue
            print(f"khabar sources load: {args.file} فهرست درستی از رسانه‌ها نیست: {exc!r}", file=sys.stderr)
            return 2
        result = register_outlets(outlets)
        print(f"{fa(result.sources)} منبع تازه، {fa(result.feeds)} خوراک تازه.")
        return 0
    print_sources(_console())
    return 0


def cmd_newsweb(args) -> int:
    if not args.register:
        from khabar.newsweb.server import main as newsweb_main

        return newsweb_main(
            [
                "--seed",
                str(args.seed),
                "--rate",
                str(args.rate),
                "--port",
                str(args.port),
                "--backlog",
                str(args.backlog),
            ]
        )
    # Also register its outlets, so that `khabar crawl --once --allow-private` finds them.
    setup_django()
    ensure_database()
    from khabar.crawler.demo import register_newsweb
    from khabar.newsweb.server import NewsWeb

    web = NewsWeb(seed=args.seed, rate=args.rate, port=args.port, backlog=args.backlog).start()
    result = register_newsweb(web, check_interval=args.poll)
    for outlet in web.outlets:
        print(f"{outlet.name}  {outlet.homepage}")
    print(f"{fa(len(web.outlets))} رسانه، {fa(result.feeds)} خوراک تازهٔ ثبت‌شده. در حال خدمت (Ctrl-C: توقف)")
    wait_for_interrupt()
    web.stop()
    return 0


def cmd_serve(args) -> int:
    setup_django()
    ensure_database()
    from khabar.server import serve

    print(f"خبر در http://{args.host}:{args.port}/ در دسترس است (Ctrl-C: توقف)", flush=True)
    serve(args.host, args.port)
    return 0


def cmd_worker(args) -> int:
    setup_django(LOOPBACK_SETTINGS if args.allow_private else SETTINGS)
    ensure_database()
    from khabar.crawler.runner import CrawlService

    service = CrawlService(workers=args.workers, tick=args.tick, schedule=not args.no_schedule).start()
    print(f"کارگر خبر: {fa(args.workers)} رشتهٔ کار{'' if args.no_schedule else ' و زمان‌بند'} در کارند (Ctrl-C: توقف)")
    wait_for_interrupt()
    print("توقف: کارهای در جریان به پایان می‌رسند…")
    service.stop()
    return 0


def share_the_cache() -> None:
    """The crawler runs in this process and the site in the server's: one cache on disk, so that
    new articles refresh the pages at once (``KHABAR_CACHE_URL``, unless set)."""
    os.environ.setdefault("KHABAR_CACHE_URL", "file://")


def cmd_demo(args) -> int:
    share_the_cache()
    setup_django(DEMO_SETTINGS)  # its own database, the news web on loopback
    ensure_database()
    from khabar.crawler.demo import run_demo

    return run_demo(args)


def cmd_run(args) -> int:
    share_the_cache()
    setup_django()
    ensure_database()
    from khabar.crawler.demo import run_live

    return run_live(args)


def cmd_cluster(args) -> int:
    from khabar.pipeline.stories.commands import run_cluster

    return run_cluster(args)


def cmd_eval_clusters(args) -> int:
    from khabar.pipeline.stories.commands import run_eval_clusters

    return run_eval_clusters(args)


def cmd_manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["khabar manage", *args.django_args])
    return 0


# --- parser ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khabar", description="Khabar: an automatic Persian news aggregator.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add_site_args(p, port=8000):
        p.add_argument("--host", default="127.0.0.1", help="address the site listens on (default: %(default)s)")
        p.add_argument("--port", type=int, default=port, help="port of the site (default: %(default)s)")

    p = sub.add_parser("demo", help="serve the site while crawling the bundled offline news web (no internet needed)")
    add_site_args(p)
    p.add_argument("--newsweb-port", type=int, default=8800, help="port of the offline news web (default: %(default)s)")
    p.add_argument(
        "--rate", type=float, default=6.0, help="new items per minute on the news web (default: %(default)s)"
    )
    p.add_argument("--seed", type=int, default=1, help="news web random seed (default: %(default)s)")
    p.add_argument("--poll", type=int, default=20, help="seconds between checks of one feed (default: %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="crawl task threads (default: %(default)s)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("run", help="serve the site while crawling the built-in list of real outlets on the internet")
    add_site_args(p)
    p.add_argument(
        "--outlets", help="a JSON file of outlets like khabar/sources/data/outlets.json (default: the built-in list)"
    )
    p.add_argument("--workers", type=int, default=2, help="crawl task threads (default: %(default)s)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("serve", help="serve the site only (run `khabar worker` to crawl)")
    add_site_args(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "worker", help="run the scheduler and crawl task workers (any number of them may share a PostgreSQL database)"
    )
    p.add_argument("--workers", type=int, default=2, help="task threads in this process (default: %(default)s)")
    p.add_argument(
        "--tick", type=float, default=5.0, help="seconds between two looks for due feeds (default: %(default)s)"
    )
    p.add_argument("--no-schedule", action="store_true", help="only run tasks; another process schedules")
    p.add_argument(
        "--allow-private", action="store_true", help="allow crawling loopback/private addresses (the news web)"
    )
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("crawl", help="crawl the due feeds once and print a summary")
    p.add_argument("--once", action="store_true", required=True, help="crawl once and exit (the only mode)")
    p.add_argument("--all", action="store_true", help="crawl every active feed, due or not")
    p.add_argument(
        "--allow-private", action="store_true", help="allow crawling loopback/private addresses (the news web)"
    )
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("originals", help="re-check stored articles' originals for edits and removals")
    osub = p.add_subparsers(dest="originals_command", metavar="ACTION", required=True)
    c = osub.add_parser("check", help="run the due re-checks now (or all with --all) and print what changed")
    c.add_argument("--all", action="store_true", help="re-check every watched article still on its schedule")
    c.add_argument(
        "--allow-private", action="store_true", help="allow fetching loopback/private addresses (the news web)"
    )
    c.set_defaults(func=cmd_originals)

    p = sub.add_parser("newsweb", help="serve the offline news web on loopback (for demos and tests)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=6.0, help="new items per minute (default: %(default)s)")
    p.add_argument("--port", type=int, default=8800, help="port of every outlet (default: %(default)s)")
    p.add_argument(
        "--backlog", type=int, default=20, help="items each outlet has already published (default: %(default)s)"
    )
    p.add_argument("--register", action="store_true", help="also register its outlets as sources in the database")
    p.add_argument("--poll", type=int, default=20, help="with --register: seconds between checks of one feed")
    p.set_defaults(func=cmd_newsweb)

    p = sub.add_parser("sources", help="list, add or load the outlets and feeds")
    ssub = p.add_subparsers(dest="sources_command", metavar="ACTION")
    ssub.add_parser("list", help="outlets and feeds with their health (same as status)")
    ssub.add_parser(
        "status", help="every feed's health: status, error class, last success, error streak, next check and why"
    )
    d = ssub.add_parser(
        "discover",
        help="show what can be crawled of an outlet (feeds, news sitemaps, article links), found from its homepage",
    )
    d.add_argument("url", help="the outlet's homepage (or a feed or sitemap URL)")
    d.add_argument("--allow-private", action="store_true", help="allow loopback/private addresses (the news web)")
    a = ssub.add_parser(
        "add", help="discover an outlet from its homepage (or a feed URL), show what will be crawled, and store it"
    )
    a.add_argument("url", help="the outlet's homepage, or a feed or sitemap URL")
    a.add_argument("--name", help="the outlet's Persian name (default: the name the site gives itself)")
    a.add_argument("--category", help="category slug of its items (politics, economy, sports, …)")
    a.add_argument(
        "--no-discover",
        action="store_true",
        help="register URL as a feed as it is, without fetching anything (an outlet unreachable from here)",
    )
    a.add_argument("--allow-private", action="store_true", help="allow loopback/private addresses (the news web)")
    ld = ssub.add_parser("load", help="register the built-in outlets (or those of a JSON file like it)")
    ld.add_argument("file", nargs="?", help="default: the built-in list of real outlets")
    p.set_defaults(func=cmd_sources, sources_command="list")

    p = sub.add_parser("extract", help="extract an article page's text as JSON (what the crawler uses)")
    p.add_argument("file", help="an HTML file, or - for standard input")
    p.add_argument("--url", help="the page's URL (selects per-site rules, resolves links)")
    p.set_defaults(func=cmd_extract)

    def add_page_args(p):
        p.add_argument("file", help="a saved HTML page, or - for standard input")
        p.add_argument("--url", required=True, help="the page's URL (resolves relative links, tells the site's host)")
        p.add_argument(
            "--article", action="append", metavar="URL", help="a URL of this site known to be an article (repeatable)"
        )

    p = sub.add_parser(
        "links", help="print the article links Khabar takes from a saved homepage or section page, one per line"
    )
    add_page_args(p)
    p.add_argument(
        "--not-article", action="append", metavar="URL", help="a URL known not to be an article (repeatable)"
    )
    p.add_argument("--explain", action="store_true", help="also print every URL shape, its score and why (stderr)")
    p.set_defaults(func=cmd_links)

    p = sub.add_parser(
        "leads", help="print the article links a saved homepage gives prominence to, most prominent first"
    )
    add_page_args(p)
    p.add_argument("--limit", type=int, default=10, help="at most this many links (default: %(default)s)")
    p.set_defaults(func=cmd_leads)

    p = sub.add_parser("normalize", help="normalize Persian text from stdin to stdout (UTF-8)")
    p.add_argument(
        "--mode",
        choices=["display", "repair", "prepare", "search"],
        default="display",
        help="display: letters, junk, spacing; repair: restore lost ZWNJs; prepare: both (what the crawler stores); "
        "search: the folded search key (default: %(default)s)",
    )
    p.set_defaults(func=cmd_normalize)

    p = sub.add_parser(
        "dates", help="parse a Persian or Gregorian dateline: prints UTC, Tehran Jalali and relative time"
    )
    p.add_argument("action", choices=["parse"], help="what to do with the text")
    p.add_argument("text", nargs="+", help="e.g. '۱۵:۴۴ - ۲۷ مهر ۱۴۰۰'")
    p.set_defaults(func=cmd_dates)

    p = sub.add_parser(
        "cluster", help="group articles (JSON Lines) into stories with the online algorithm, in input order"
    )
    p.add_argument(
        "--input", required=True, help="JSON Lines: id, source, url, title, lead, body, published (- for stdin)"
    )
    p.add_argument("--output", help="where to write the lines with their story (default: standard output)")
    p.set_defaults(func=cmd_cluster)

    p = sub.add_parser("eval-clusters", help="B-cubed precision, recall and F1 of a clustering against a gold one")
    p.add_argument(
        "--gold", required=True, help="JSON Lines with id and a label (story, event, topic, label or cluster)"
    )
    p.add_argument("--pred", required=True, help="JSON Lines with id and story (what `khabar cluster` writes)")
    p.add_argument(
        "--gold-field", help="the gold label's field (default: the first of story, event, topic, label, cluster)"
    )
    p.add_argument("--pred-field", default="story", help="the predicted label's field (default: %(default)s)")
    p.set_defaults(func=cmd_eval_clusters)

    p = sub.add_parser("manage", help="run a Django management command (e.g. createsuperuser)")
    p.add_argument("django_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
