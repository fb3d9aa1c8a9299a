"""Work run through Django's Tasks API (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from khabar.crawler.refresh import refresh_feed

CRAWL_QUEUE = "crawl"


@task(queue_name=CRAWL_QUEUE)
def refresh_feed_task(feed_id: int) -> dict:
    """Refresh one feed; the result row keeps a short summary for operators."""
    report = refresh_feed(feed_id)
    return {"feed": report.feed_url, "new": report.new, "error": report.error, "item_errors": len(report.item_errors)}
