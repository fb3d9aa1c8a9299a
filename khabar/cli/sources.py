"""``khabar sources``: list, discover, add and load the outlets and their feeds."""

from __future__ import annotations

import sys
from pathlib import Path

from khabar.cli.environment import LOOPBACK_SETTINGS, SETTINGS, ensure_database, setup_django, terminal_console
from khabar.pipeline.persian import to_persian_digits as fa  # counts in what operators read


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
        console = terminal_console()
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
    print_sources(terminal_console())
    return 0
