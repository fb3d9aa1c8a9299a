"""`khabar originals check`: run the due (or all) re-checks now and print what changed (a rich table,
like `khabar sources status`), in Persian like everything operators see."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from khabar.originals.models import OriginalChange, OriginalWatch
from khabar.originals.recheck import CheckReport, recheck_articles
from khabar.originals.schedule import claim_due, watch_unwatched
from khabar.pipeline.persian import to_persian_digits as fa

OUTCOME_STYLE = {"edited": "yellow", "gone (suspected)": "red", "removed": "bold red", "failed": "magenta"}
# ``CheckReport.outcome`` in the words of the console (the models' choices) where it has them.
OUTCOME_LABELS = {
    "unchanged": "بی‌تغییر",
    "not modified": "بی‌تغییر (304)",
    "edited": dict(OriginalChange.KINDS)[OriginalChange.EDIT],
    "gone (suspected)": dict(OriginalWatch.STATES)[OriginalWatch.SUSPECT],
    "removed": dict(OriginalWatch.STATES)[OriginalWatch.REMOVED],
    "failed": "ناموفق",
    "back": "بازگشته",
}


def run_checks(*, all_watched: bool = False, limit: int = 1000) -> list[CheckReport]:
    """Re-check now: the due watches (within the per-outlet budget), or every watch still scheduled."""
    now = timezone.now()
    watch_unwatched(now)
    if all_watched:
        ids = list(OriginalWatch.objects.filter(next_check_at__isnull=False).values_list("pk", flat=True)[:limit])
    else:
        with transaction.atomic():
            ids = claim_due(now, limit)
    return recheck_articles(ids, now) if ids else []


def print_check_report(reports: list[CheckReport], console: Console) -> None:
    changed = [r for r in reports if r.outcome not in ("unchanged", "not modified")]
    if changed:
        table = Table(title="اصل خبرها: چه تغییر کرد")
        for column in ("منبع", "خبر", "عنوان", "نتیجه", "جزئیات"):
            table.add_column(column, overflow="fold")
        for report in changed:
            style = OUTCOME_STYLE.get(report.outcome, "")
            label = OUTCOME_LABELS.get(report.outcome, report.outcome)
            table.add_row(
                report.source,
                f"/news/{report.article_id}/",
                report.title[:80],
                f"[{style}]{label}[/]" if style else label,
                report.detail[:100],
            )
        console.print(table)
    counts = Counter(r.outcome for r in reports)
    summary = "، ".join(f"{fa(n)} {OUTCOME_LABELS.get(outcome, outcome)}" for outcome, n in sorted(counts.items()))
    console.print(f"{fa(len(reports))} اصل خبر دوباره بررسی شد: {summary or 'موعد هیچ بررسی‌ای نرسیده بود'}.")
