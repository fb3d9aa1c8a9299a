"""The originals' periodic work, run from the crawler's scheduler loop (``scheduler_tick``).

At most every ``KHABAR_ORIGINALS_INTERVAL`` seconds the receiver claims the due re-checks (one
indexed query, ``schedule.claim_due``) and queues them as low-priority tasks.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from khabar.crawler.signals import Throttle
from khabar.crawler.tasks import CRAWL_QUEUE
from khabar.originals.recheck import recheck_articles
from khabar.originals.schedule import BATCH_SIZE, MAX_PER_TICK, claim_due


@task(queue_name=CRAWL_QUEUE)
def recheck_originals_task(article_ids: list[int]) -> dict:
    reports = recheck_articles(article_ids)
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.outcome] = counts.get(report.outcome, 0) + 1
    return counts


def enqueue_due_rechecks(now: datetime | None = None, limit: int = MAX_PER_TICK) -> int:
    """Queue the due re-checks as low-priority tasks (feed refreshes go first); returns how many."""
    with transaction.atomic():
        ids = claim_due(now, limit)
        for start in range(0, len(ids), BATCH_SIZE):
            recheck_originals_task.using(priority=-10).enqueue(ids[start : start + BATCH_SIZE])
    return len(ids)


_throttle = Throttle()


def on_scheduler_tick(sender, now=None, **kwargs) -> None:
    """Receiver of ``scheduler_tick`` (connected in ``OriginalsConfig.ready``)."""
    if _throttle.ready(settings.KHABAR_ORIGINALS_INTERVAL):
        enqueue_due_rechecks(now or timezone.now())
