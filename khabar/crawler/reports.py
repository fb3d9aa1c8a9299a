"""Rich tables for the command line: crawl summaries and source health."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.table import Table

from khabar.crawler.refresh import FeedReport


def print_crawl_summary(reports: list[FeedReport], console: Console) -> None:
    by_source: dict[str, list[FeedReport]] = defaultdict(list)
    for report in reports:
        by_source[report.source].append(report)
    table = Table(title="Crawl summary", show_lines=False)
    for column in ("source", "feeds", "fetched", "not modified", "new articles", "errors", "first error"):
        table.add_column(column, justify="right" if column in {"feeds", "fetched", "not modified", "new articles", "errors"} else "left")
    for source, group in sorted(by_source.items()):
        errors = [r.error for r in group if r.error] + [e for r in group for e in r.item_errors]
        table.add_row(
            source,
            str(len(group)),
            str(sum(r.fetched and not r.error for r in group)),
            str(sum(r.not_modified for r in group)),
            str(sum(r.new for r in group)),
            str(len(errors)),
            (errors[0][:90] if errors else ""),
        )
    console.print(table)
    total_new = sum(r.new for r in reports)
    failed = sum(1 for r in reports if r.error)
    console.print(f"{len(reports)} feed(s) crawled, {total_new} new article(s), {failed} feed(s) failed.")


def print_sources(console: Console) -> None:
    from khabar.sources.models import Feed

    table = Table(title="Sources and feeds")
    for column in ("source", "feed", "category", "status", "articles", "last success", "error streak", "next check", "last error"):
        table.add_column(column)
    for feed in Feed.objects.select_related("source", "category").order_by("source__name", "url"):
        table.add_row(
            feed.source.name,
            feed.url,
            feed.category.slug if feed.category else "",
            feed.status,
            str(feed.items_seen),
            feed.last_success_at.strftime("%Y-%m-%d %H:%M") if feed.last_success_at else "never",
            str(feed.error_streak),
            feed.next_check_at.strftime("%Y-%m-%d %H:%M:%S"),
            feed.last_error[:80],
        )
    console.print(table)
