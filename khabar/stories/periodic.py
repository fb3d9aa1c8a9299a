"""The stories app's periodic work, run from the crawler's scheduler loop (``scheduler_tick``).

Each tick (every few seconds) the receiver queues, as tasks for the workers:

- a round of homepage reading when one is due (``homepages.enqueue_front_pages_if_due``);
- the story catch-up, at most every ``KHABAR_STORY_CATCH_UP_INTERVAL`` seconds and only
  when some article of the window has stayed without a story that long (one indexed
  query): ``assignment.assign_pending`` puts them into stories, a bounded batch a time; an
  article that makes the assignment fail is isolated, and left out after a few failures.

Both checks are cheap when there is nothing to do; the work itself never runs on the
scheduler thread.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from khabar.crawler.signals import Throttle
from khabar.stories.assignment import assign_pending, pending_articles
from khabar.stories.homepages import enqueue_front_pages_if_due

log = logging.getLogger("khabar.stories")


def catch_up_interval() -> timedelta:
    return timedelta(seconds=settings.KHABAR_STORY_CATCH_UP_INTERVAL)


@task()
def catch_up_stories_task() -> dict:
    batch = assign_pending(settled=catch_up_interval())
    if batch.assigned or batch.failed:
        log.warning(
            "stories catch-up: %d article(s) had no story; %d new stories; %d failed (isolated, logged)",
            batch.assigned,
            batch.new_stories,
            len(batch.failed),
        )
    return {"assigned": batch.assigned, "new_stories": batch.new_stories, "failed": len(batch.failed)}


_catch_up = Throttle()  # at most one catch-up queued per interval by this process


def enqueue_catch_up_if_due(now=None) -> bool:
    """Queue one catch-up when articles have stayed without a story for an interval (and none was queued lately)."""
    every = catch_up_interval()
    if not _catch_up.ready(every.total_seconds()):
        return False
    if not pending_articles(now, settled=every).exists():
        return False
    catch_up_stories_task.enqueue()
    return True


def on_scheduler_tick(sender, now=None, **kwargs) -> None:
    """Receiver of the crawler's ``scheduler_tick`` (connected in ``StoriesConfig.ready``)."""
    now = now or timezone.now()
    enqueue_front_pages_if_due(now)
    enqueue_catch_up_if_due(now)
