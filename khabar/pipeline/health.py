"""A feed's health in one word, and when a failing feed is paused.

``feed_status`` is what ``khabar sources status`` and the admin show:

* ``new``: never fetched successfully, no error yet;
* ``ok``: the last check succeeded;
* ``slow``: the last check succeeded but the answer took longer than ``slow_after`` seconds
  (the setting ``KHABAR_SLOW_FEED_SECONDS``);
* ``failing``: the last check(s) failed; the error class says why;
* ``paused``: failing for longer than the configured time (``KHABAR_PAUSE_FAILING_AFTER``):
  no longer polled until an operator resumes it; listed, never hidden;
* ``disabled``: turned off by an operator.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def feed_status(
    *,
    active: bool,
    paused: bool,
    error_streak: int,
    last_success_at: datetime | None,
    last_fetch_seconds: float | None,
    slow_after: float,
) -> str:
    if not active:
        return "disabled"
    if paused:
        return "paused"
    if error_streak:
        return "failing"
    if last_success_at is None:
        return "new"
    if last_fetch_seconds is not None and last_fetch_seconds > slow_after:
        return "slow"
    return "ok"


def should_pause(failing_since: datetime | None, now: datetime, pause_after: timedelta) -> bool:
    """True when a feed has failed without a success for longer than ``pause_after``."""
    return failing_since is not None and pause_after.total_seconds() > 0 and now - failing_since >= pause_after
