"""The ``khabar`` command's arguments: one subcommand per command, and ``main``."""

from __future__ import annotations

import argparse

from khabar.cli.running import (
    cmd_crawl,
    cmd_demo,
    cmd_manage,
    cmd_newsweb,
    cmd_originals,
    cmd_run,
    cmd_serve,
    cmd_worker,
)
from khabar.cli.sources import cmd_sources
from khabar.cli.text_tools import (
    cmd_cluster,
    cmd_dates,
    cmd_eval_clusters,
    cmd_extract,
    cmd_leads,
    cmd_links,
    cmd_normalize,
)


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
