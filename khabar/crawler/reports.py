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
        table.add_column(
            column,
            justify="right" if column in {"feeds", "fetched", "not modified", "new articles", "errors"} else "left",
        )
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


KIND_LABELS = {"rss": "feed", "news_sitemap": "news sitemap", "listing": "listing page"}
STATUS_STYLE = {
    "ok": "green",
    "slow": "yellow",
    "failing": "red",
    "paused": "bold red",
    "new": "cyan",
    "disabled": "dim",
}


def _when(value, now) -> str:
    if value is None:
        return "never"
    seconds = (value - now).total_seconds()
    ago = seconds < 0
    seconds = abs(seconds)
    text = (
        f"{seconds:.0f} s"
        if seconds < 120
        else f"{seconds / 60:.0f} min"
        if seconds < 7200
        else (f"{seconds / 3600:.0f} h" if seconds < 172800 else f"{seconds / 86400:.0f} d")
    )
    return f"{text} ago" if ago else f"in {text}"


def print_sources(console: Console) -> None:
    """`khabar sources status` (and `list`): every feed's health, problems first."""
    from django.utils import timezone

    from khabar.crawler.status import feed_status_rows, status_counts, url_change_rows

    now = timezone.now()
    rows = feed_status_rows(now)
    table = Table(title="Feeds: health and next check")
    columns = ("source", "feed", "kind", "status", "error", "diagnosis", "last success", "streak", "next check", "why")
    for column in (*columns, "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        status = row["status"]
        next_check = "paused" if row["paused_at"] else _when(row["next_check_at"], now)
        table.add_row(
            row["source"],
            row["url"],
            KIND_LABELS.get(row["kind"], row["kind"]),
            f"[{STATUS_STYLE.get(status, '')}]{status}[/]",
            row["error_kind"]
            + (f" {row['last_status']}" if row["error_kind"] == "http" and row["last_status"] else ""),
            row["failure_class"].replace("_", " ") if status in ("failing", "paused") else "",
            _when(row["last_success_at"], now),
            str(row["error_streak"] or ""),
            next_check,
            row["next_check_reason"][:70],
            row["last_error"][:80],
        )
    console.print(table)
    changes = url_change_rows()
    if changes:
        moved = Table(title="Addresses changed by the crawler (newest first)")
        for column in ("when", "source", "what", "old address", "new address", "why"):
            moved.add_column(column, overflow="fold")
        for change in changes:
            moved.add_row(
                _when(change["changed_at"], now),
                change["source"],
                change["what"],
                change["old_url"],
                change["new_url"],
                change["reason"][:120],
            )
        console.print(moved)
    unreachable = sum(1 for row in rows if row["failure_class"] == "unreachable" and row["status"] != "ok")
    if unreachable:
        console.print(
            f"[yellow]{unreachable} feed(s) unreachable from here:[/] every address of their host times out or "
            "is reset (possibly a geographic block); their URLs may well be right."
        )
    internal = sum(1 for row in rows if row["error_kind"] == "internal")
    if internal:
        console.print(
            f"[bold red]{internal} feed(s) failed with a crawler error (internal), not the outlet's fault:[/] "
            "the log (loggers khabar.crawler, khabar.fetch) has the traceback."
        )
    counts = status_counts(rows)
    console.print(
        ", ".join(f"{counts[s]} {s}" for s in ("ok", "slow", "new", "failing", "paused", "disabled") if counts.get(s))
        or "No feeds yet: add one with `khabar sources add URL`."
    )


def _sample(found) -> str:
    if not found.samples:
        return ""
    first = found.samples[0]
    return (first.title or first.url)[:70]


def print_discovery(report, console: Console, *, stored: bool = False) -> None:
    """What `khabar sources discover` / `add` found at an address, what will be crawled and why."""
    if report.error:
        console.print(f"[bold red]{report.url} could not be read:[/] {report.error} ({report.error_kind})")
        return
    console.print(f"[bold]{report.site_name or report.homepage}[/]  homepage {report.homepage}")
    if report.moved_from:
        console.print(f"[yellow]{report.moved_from} moved permanently to {report.homepage}[/]")
    table = Table(title="Found")
    for column in ("kind", "address", "found by", "works", "what", "first item"):
        table.add_column(column, overflow="fold")
    for found in report.found:
        works = "[green]yes[/]" if found.works else "[red]no[/]"
        what = found.detail + (f"; same items as {found.same_as}" if found.same_as else "")
        table.add_row(KIND_LABELS.get(found.kind, found.kind), found.url, found.how, works, what, _sample(found))
    console.print(table)
    if not report.plan:
        console.print("[bold red]Nothing to crawl:[/] no working feed, news sitemap or article links.")
        return
    plan = Table(title="Will be crawled" if stored else "Would be crawled (`khabar sources add` stores it)")
    for column in ("kind", "address", "category", "why"):
        plan.add_column(column, overflow="fold")
    for entry in report.plan:
        plan.add_row(KIND_LABELS.get(entry.kind, entry.kind), entry.url, entry.category or "", entry.reason)
    console.print(plan)
