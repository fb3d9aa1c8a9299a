"""Signals of the crawler.

``scheduler_tick`` is sent by the scheduler loop of every running ``CrawlService``
(``runner.py``) once per tick, after the due feeds are queued, with ``now``. It
is how other apps run periodic work without the crawler importing them: the
stories app reads outlets' homepages and catches up articles left without a
story (``khabar/stories/periodic.py``). A receiver must be cheap when nothing
is due and hand real work to a task; its failure is logged and never stops
the loop.
"""

import threading
import time

from django.dispatch import Signal

scheduler_tick = Signal()


class Throttle:
    """At most once per interval in this process (several schedulers may run): for tick receivers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last = float("-inf")

    def ready(self, every: float) -> bool:
        with self.lock:
            now = time.monotonic()
            if now - self.last < every:
                return False
            self.last = now
            return True
