"""The commands that run Khabar: the site, the crawler, the offline news web, Django's own."""

from __future__ import annotations

from khabar.cli.environment import (
    DEMO_SETTINGS,
    LOOPBACK_SETTINGS,
    SETTINGS,
    ensure_database,
    setup_django,
    share_the_cache,
    terminal_console,
    wait_for_interrupt,
)
from khabar.pipeline.persian import to_persian_digits as fa  # counts in what operators read


def cmd_crawl(args) -> int:
    setup_django(LOOPBACK_SETTINGS if args.allow_private else SETTINGS)
    ensure_database()
    from khabar.crawler.refresh import refresh_feeds
    from khabar.crawler.reports import NOTHING_DUE, print_crawl_summary
    from khabar.sources.models import Feed

    feeds = list((Feed.objects.crawlable() if args.all else Feed.objects.due()).select_related("source"))
    if not feeds:
        terminal_console().print(NOTHING_DUE)
        return 0
    reports = refresh_feeds(feeds)
    print_crawl_summary(reports, terminal_console())
    return 0


def cmd_originals(args) -> int:
    setup_django(LOOPBACK_SETTINGS if args.allow_private else SETTINGS)
    ensure_database()
    from khabar.originals.report import print_check_report, run_checks

    print_check_report(run_checks(all_watched=args.all), terminal_console())
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


def cmd_manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["khabar manage", *args.django_args])
    return 0
