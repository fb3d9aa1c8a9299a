"""Rich tables for the command line, in Persian like everything operators see: crawl summaries,
source health, address changes and discovery. Status, kind and error words are the console's
(``crawler/status.py``); counts and durations get Persian digits; URLs, identifiers and the network
layer's English error messages stay as they are."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.table import Table

from khabar.crawler.refresh import FeedReport
from khabar.crawler.status import ERROR_KIND_LABELS, KIND_LABELS, STATUS_LABELS
from khabar.pipeline.persian import to_persian_digits as fa

STATUS_STYLE = {
    "ok": "green",
    "slow": "yellow",
    "failing": "red",
    "paused": "bold red",
    "new": "cyan",
    "disabled": "dim",
}
NOTHING_DUE = (
    "هیچ خوراکی موعد بررسی ندارد. با [bold]--all[/] همهٔ خوراک‌های فعال همین حالا خزیده می‌شوند؛ "
    "خوراک تازه را با `khabar sources add URL` بیفزایید."
)


def print_crawl_summary(reports: list[FeedReport], console: Console) -> None:
    by_source: dict[str, list[FeedReport]] = defaultdict(list)
    for report in reports:
        by_source[report.source].append(report)
    table = Table(title="گزارش خزش", show_lines=False)
    numbers = ("خوراک‌ها", "خوانده", "بی‌تغییر", "خبر تازه", "خطا")
    for column in ("منبع", *numbers, "نخستین خطا"):
        table.add_column(column, justify="right" if column in numbers else "left")
    for source, group in sorted(by_source.items()):
        errors = [r.error for r in group if r.error] + [e for r in group for e in r.item_errors]
        table.add_row(
            source,
            fa(len(group)),
            fa(sum(r.fetched and not r.error for r in group)),
            fa(sum(r.not_modified for r in group)),
            fa(sum(r.new for r in group)),
            fa(len(errors)),
            (errors[0][:90] if errors else ""),
        )
    console.print(table)
    total_new = sum(r.new for r in reports)
    failed = sum(1 for r in reports if r.error)
    console.print(f"{fa(len(reports))} خوراک خزیده شد، {fa(total_new)} خبر تازه، {fa(failed)} خوراک ناموفق.")


def when(value, now) -> str:
    """«۵ دقیقه پیش», «۲ ساعت دیگر», «هرگز»."""
    if value is None:
        return "هرگز"
    seconds = (value - now).total_seconds()
    ago = seconds < 0
    seconds = abs(seconds)
    if seconds < 120:
        text = f"{seconds:.0f} ثانیه"
    elif seconds < 7200:
        text = f"{seconds / 60:.0f} دقیقه"
    else:
        text = f"{seconds / 3600:.0f} ساعت" if seconds < 172800 else f"{seconds / 86400:.0f} روز"
    return fa(f"{text} پیش" if ago else f"{text} دیگر")


def error_label(error_kind: str, status: int | None = None) -> str:
    """An error class in Persian; an HTTP status stays as the outlet sent it (``خطای HTTP 503``)."""
    label = ERROR_KIND_LABELS.get(error_kind, error_kind or "")
    return f"{label} {status}" if error_kind == "http" and status else label


def print_sources(console: Console) -> None:
    """`khabar sources status` (and `list`): every feed's health, problems first."""
    from django.utils import timezone

    from khabar.crawler.status import feed_status_rows, status_counts, url_change_rows
    from khabar.sources.models import UrlChange

    now = timezone.now()
    rows = feed_status_rows(now)
    table = Table(title="خوراک‌ها: سلامت و بررسی بعدی")
    columns = ("منبع", "نشانی", "گونه", "وضعیت", "خطا", "تشخیص", "آخرین موفقیت", "خطای پیاپی", "بررسی بعدی", "چرا")
    for column in (*columns, "آخرین خطا"):
        table.add_column(column, overflow="fold")
    for row in rows:
        status = row["status"]
        next_check = STATUS_LABELS["paused"] if row["paused_at"] else when(row["next_check_at"], now)
        table.add_row(
            row["source"],
            row["url"],
            KIND_LABELS.get(row["kind"], row["kind"]),
            f"[{STATUS_STYLE.get(status, '')}]{STATUS_LABELS.get(status, status)}[/]",
            error_label(row["error_kind"], row["last_status"]),
            row["failure_label_fa"] if status in ("failing", "paused") else "",
            when(row["last_success_at"], now),
            fa(row["error_streak"] or ""),
            next_check,
            row["next_check_reason"][:70],
            row["last_error"][:80],
        )
    console.print(table)
    changes = url_change_rows()
    if changes:
        what = dict(UrlChange.WHAT)
        moved = Table(title="نشانی‌هایی که خزنده عوض کرد (تازه‌ترین نخست)")
        for column in ("کی", "منبع", "چه", "نشانی پیشین", "نشانی تازه", "چرا"):
            moved.add_column(column, overflow="fold")
        for change in changes:
            moved.add_row(
                when(change["changed_at"], now),
                change["source"],
                what.get(change["what"], change["what"]),
                change["old_url"],
                change["new_url"],
                change["reason"][:120],
            )
        console.print(moved)
    unreachable = sum(1 for row in rows if row["failure_class"] == "unreachable" and row["status"] != "ok")
    if unreachable:
        console.print(
            f"[yellow]{fa(unreachable)} خوراک از اینجا دسترس‌ناپذیر است:[/] هر نشانیِ میزبانشان پایان مهلت "
            "می‌دهد یا قطع می‌شود (شاید مسدودسازی جغرافیایی)؛ نشانی‌هایشان بسا درست باشد."
        )
    internal = sum(1 for row in rows if row["error_kind"] == "internal")
    if internal:
        console.print(
            f"[bold red]{fa(internal)} خوراک با خطای خود خزنده (internal) ناموفق شد، نه از کوتاهی رسانه:[/] "
            "ردِ خطا (traceback) در لاگ است (loggerهای khabar.crawler و khabar.fetch)."
        )
    counts = status_counts(rows)
    order = ("ok", "slow", "new", "failing", "paused", "disabled")
    console.print(
        "، ".join(f"{fa(counts[s])} {STATUS_LABELS[s]}" for s in order if counts.get(s))
        or "هنوز خوراکی نیست: با `khabar sources add URL` یکی بیفزایید."
    )


def _sample(found) -> str:
    if not found.samples:
        return ""
    first = found.samples[0]
    return (first.title or first.url)[:70]


def print_discovery(report, console: Console, *, stored: bool = False) -> None:
    """What `khabar sources discover` / `add` found at an address, what will be crawled and why."""
    if report.error:
        console.print(f"[bold red]{report.url} خوانده نشد:[/] {report.error} ({error_label(report.error_kind)})")
        return
    console.print(f"[bold]{report.site_name or report.homepage}[/]  صفحهٔ اصلی {report.homepage}")
    if report.moved_from:
        console.print(f"[yellow]{report.moved_from} برای همیشه به {report.homepage} منتقل شده است[/]")
    table = Table(title="یافته‌ها")
    for column in ("گونه", "نشانی", "یافته از", "کار می‌کند", "چیست", "نخستین مورد"):
        table.add_column(column, overflow="fold")
    for found in report.found:
        works = "[green]بله[/]" if found.works else "[red]نه[/]"
        what = found.detail + (f"؛ همان موارد {found.same_as}" if found.same_as else "")
        table.add_row(KIND_LABELS.get(found.kind, found.kind), found.url, found.how, works, what, _sample(found))
    console.print(table)
    if not report.plan:
        console.print("[bold red]چیزی برای خزش نیست:[/] نه خوراک کارا، نه نقشهٔ خبری، نه پیوند خبر.")
        return
    plan = Table(title="خزیده خواهد شد" if stored else "خزیده می‌شد (`khabar sources add` ذخیره‌اش می‌کند)")
    for column in ("گونه", "نشانی", "دسته", "چرا"):
        plan.add_column(column, overflow="fold")
    for entry in report.plan:
        plan.add_row(KIND_LABELS.get(entry.kind, entry.kind), entry.url, entry.category or "", entry.reason)
    console.print(plan)
