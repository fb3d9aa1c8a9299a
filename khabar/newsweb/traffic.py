"""Every request an outlet of the news web received: when it came, when it was answered, how.

``NewsWeb.traffic`` is a ``TrafficLog``. Tests and the freshness benchmark read
it to check politeness (connections at once and gaps per host) and to count
wasted requests (a full answer to a client that already had that version).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass


@dataclass
class Trace:
    host: str  # "127.0.1.10:PORT"
    path: str  # raw request target
    started: float  # time.time() at arrival (a new connection's: when it was accepted)
    finished: float | None = None
    status: int = 0  # 0: no answer (connection reset or dropped)
    etag: str = ""  # ETag of the version answered (200 and 304)
    in_flight: int = 1  # requests to this host in progress at arrival, this one included


class TrafficLog:
    def __init__(self) -> None:
        self._traces: list[Trace] = []
        self._open: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    @classmethod
    def of(cls, traces: list[Trace]) -> TrafficLog:
        """A log of recorded traces (e.g. read back from another process)."""
        log = cls()
        log._traces = list(traces)
        return log

    def begin(self, host: str, path: str, arrived: float | None = None) -> Trace:
        """A request starts; ``arrived`` is when its connection was accepted, for a connection's first request."""
        with self._lock:
            self._open[host] += 1
            trace = Trace(host, path, min(arrived or time.time(), time.time()), in_flight=self._open[host])
            self._traces.append(trace)
            return trace

    def end(self, trace: Trace, status: int = 0, etag: str = "") -> None:
        with self._lock:
            if trace.finished is None:
                self._open[trace.host] -= 1
                trace.finished, trace.status, trace.etag = time.time(), status, etag

    def traces(self, host: str | None = None) -> list[Trace]:
        with self._lock:
            return [t for t in self._traces if host is None or t.host == host]

    def max_in_flight(self, host: str | None = None) -> int:
        return max((t.in_flight for t in self.traces(host)), default=0)

    def smallest_gap(self, host: str) -> float | None:
        """Shortest time between two arrivals at ``host`` (None with fewer than two requests)."""
        starts = sorted(t.started for t in self.traces(host))
        return min((b - a for a, b in zip(starts, starts[1:])), default=None)

    def clear(self) -> None:
        with self._lock:
            self._traces = [t for t in self._traces if t.finished is None]
