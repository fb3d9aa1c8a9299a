"""When to check a feed next: from its own publishing rhythm, or after an error.

``next_poll`` estimates how many items per hour the feed publishes now, from
the publication times of its recent items (the last 7 days):

* the long-run rate: items / hours covered (at least one hour);
* once two days or more are covered, the rate at this hour of the day (this
  hour and its neighbours, per day) is averaged in: outlets are quiet at night;
* the last hour's rate, when higher: news comes in bursts.

The interval is ``scale / sqrt(rate)`` (the square-root rule, which
minimises the average delay of new items for a given number of polls), bounded
between 1 and 60 minutes, and never below a per-host floor (``HOST_FEED_SPACING``
seconds per feed of the same host) so that many feeds of one outlet do not add
up to a flood. A little jitter keeps feeds from polling in lockstep.

News comes in bursts across an outlet's sections: when a check finds an item
published less than ``FRESH_ITEM`` seconds ago, the outlet's other feeds are
checked within ``SIBLING_CHECK_AFTER`` seconds (``outlet_is_active``; the edge
moves their next check forward).

``next_retry`` is exponential back-off with jitter after errors, never sooner
than the server's ``Retry-After``. Both return the reason in words; it is
stored with the feed and shown by ``khabar sources status``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from khabar.pipeline.persian import to_persian_digits

MIN_INTERVAL = 60.0
MAX_INTERVAL = 3600.0
HOST_FEED_SPACING = 10.0  # seconds: a host's feeds together are polled about this often at most
SIBLING_CHECK_AFTER = 90.0  # seconds: the outlet's other feeds, after a fresh item
FRESH_ITEM = 180.0  # seconds: an item this young means the outlet is publishing now
WINDOW = timedelta(days=7)
BACKOFF_BASE = 60.0
MAX_BACKOFF = 6 * 3600.0
JITTER = 0.1


# The reasons are in Persian: operators read them (`khabar sources status`, the console).
EVERY = "هر"  # a next check's reason starts with it when all is well
RETRY_IN = "تلاش دوباره پس از"  # … and with this after an error
NO_RECENT_ITEM = "در ۷ روز گذشته خبری نداشته"
ITEMS_PER_HOUR = "خبر در ساعت"


@dataclass
class PollPlan:
    seconds: float
    reason: str


@dataclass
class PublishingRate:
    per_hour: float  # the estimate used
    long_run: float  # items per hour over the window
    this_hour: float | None  # items per hour at this hour of the day (None: under two days of data)
    last_hour: int  # items in the last hour
    items: int  # items in the window
    hours: float  # hours the window covers


def _number(value: float, spec: str) -> str:
    """``value`` formatted by ``spec`` in Persian digits, with the Persian decimal separator."""
    return to_persian_digits(format(value, spec).replace(".", "٫"))


def _minutes(seconds: float) -> str:
    return f"{_number(seconds, '.0f')} ثانیه" if seconds < 120 else f"{_number(seconds / 60, '.1f')} دقیقه"


def publishing_rate(item_times: list[datetime], now: datetime, window: timedelta = WINDOW) -> PublishingRate:
    times = [t for t in item_times if now - window <= t <= now]
    if not times:
        return PublishingRate(0.0, 0.0, None, 0, 0, 0.0)
    hours = min(max((now - min(times)).total_seconds() / 3600, 1.0), window.total_seconds() / 3600)
    long_run = len(times) / hours
    last_hour = sum(1 for t in times if now - t <= timedelta(hours=1))
    this_hour = None
    estimate = long_run
    if hours >= 48:
        nearby = {(now.hour + d) % 24 for d in (-1, 0, 1)}
        this_hour = sum(1 for t in times if t.hour in nearby) / (3 * hours / 24)
        estimate = (long_run + this_hour) / 2
    return PublishingRate(max(estimate, float(last_hour)), long_run, this_hour, last_hour, len(times), hours)


def next_poll(
    item_times: list[datetime],
    now: datetime,
    *,
    feeds_on_host: int = 1,
    scale: float,
    fixed_interval: float = 0,
    rng: random.Random | None = None,
) -> PollPlan:
    """Seconds until the next check of a feed that was just checked successfully, and why.

    ``scale`` (seconds × sqrt(items per hour); the setting ``KHABAR_POLL_SCALE``) is the interval
    of a feed publishing one item an hour: smaller is fresher and costs more requests.
    """
    rng = rng or random.Random()
    if fixed_interval:
        return PollPlan(float(fixed_interval), f"هر {_minutes(fixed_interval)}: بازهٔ ثابتی که برای این خوراک تعیین شده")
    floor = max(MIN_INTERVAL, feeds_on_host * HOST_FEED_SPACING)
    rate = publishing_rate(item_times, now)
    if rate.per_hour <= 0:
        seconds = MAX_INTERVAL
        why = NO_RECENT_ITEM
    else:
        seconds = scale / math.sqrt(rate.per_hour)
        parts = [f"{_number(rate.long_run, '.2g')} در ساعت در {_number(rate.hours, '.0f')} ساعت گذشته"]
        if rate.this_hour is not None:
            parts.append(f"{_number(rate.this_hour, '.2g')} در ساعت در همین ساعتِ روز")
        if rate.last_hour:
            parts.append(f"{_number(rate.last_hour, 'd')} خبر در ساعت گذشته")
        why = f"{_number(rate.per_hour, '.2g')} {ITEMS_PER_HOUR} ({'، '.join(parts)})"
    seconds *= rng.uniform(1 - JITTER, 1 + JITTER)
    if seconds < floor and floor > MIN_INTERVAL:
        why += f"؛ کمینهٔ {_minutes(floor)} برای {_number(feeds_on_host, 'd')} خوراکِ یک میزبان"
    seconds = min(max(seconds, floor), MAX_INTERVAL)
    return PollPlan(seconds, f"{EVERY} {_minutes(seconds)}: {why}")


def outlet_is_active(new_item_times: list[datetime], now: datetime) -> bool:
    """True when a check found an item published within ``FRESH_ITEM`` seconds: check the sibling feeds soon."""
    return any(0 <= (now - t).total_seconds() <= FRESH_ITEM for t in new_item_times)


def next_retry(
    error_streak: int, *, error_kind: str = "", retry_after: float | None = None, rng: random.Random | None = None
) -> PollPlan:
    """Seconds until the next try after the ``error_streak``-th error in a row, and why."""
    rng = rng or random.Random()
    ceiling = min(MAX_BACKOFF, BACKOFF_BASE * 2 ** min(max(error_streak, 1) - 1, 20))
    seconds = ceiling / 2 + rng.uniform(0, ceiling / 2)  # "equal jitter"
    kind = f" ({error_kind})" if error_kind else ""
    streak = f"خطای پیاپی شمارهٔ {_number(error_streak, 'd')}{kind}"
    why = f"{streak}؛ فاصلهٔ تلاش‌ها تا {_minutes(ceiling)}"
    if retry_after and retry_after > seconds:
        seconds = retry_after
        why = f"{streak}؛ سرور خواست پس از {_minutes(retry_after)} دوباره تلاش شود"
    return PollPlan(seconds, f"{RETRY_IN} {_minutes(seconds)}: {why}")
