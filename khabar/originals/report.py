"""`khabar originals check`: run the due (or all) re-checks now and print what changed (a rich table,
like `khabar sources status`)."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from khabar.originals.models import OriginalWatch
from khabar.originals.recheck import CheckReport, recheck_articles
from khabar.originals.schedule import claim_due, watch_unwatched

OUTCOME_STYLE = {"edited": "yellow", "gone (suspected)": "red", "removed": "bold red", "failed": "magenta"}


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
        table = Table(title="Originals: what changed")
        for column in ("source", "article", "title", "outcome", "detail"):
            table.add_column(column, overflow="fold")
        for report in changed:
            style = OUTCOME_STYLE.get(report.outcome, "")
            table.add_row(
                report.source,
                f"/news/{report.article_id}/",
                report.title[:80],
                f"[{style}]{report.outcome}[/]" if style else report.outcome,
                report.detail[:100],
            )
        console.print(table)
    counts = Counter(r.outcome for r in reports)
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "nothing was due"
    console.print(f"{len(reports)} original(s) re-checked: {summary}.")
