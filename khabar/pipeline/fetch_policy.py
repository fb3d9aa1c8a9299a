"""How the fetcher (``fetch.py``) behaves: user agent, timeouts, size cap, per-host limits, redirects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True)
class FetchPolicy:
    """How the fetcher behaves. The configurable values have no default here: they are settings
    (``khabar/settings.py``, read by ``khabar.crawler.egress.fetch_policy``), or the caller's own."""

    user_agent: str
    timeout: float  # seconds allowed between two reads
    max_bytes: int
    per_host: int  # connections at once to one host
    min_gap: float  # seconds between two requests to one host
    allow_private: bool  # loopback, private, link-local addresses allowed (the offline news web)
    connect_timeout: float | None = None  # default: min(timeout, 10)
    total_timeout: float | None = None  # one request from connect to last byte; default: 2 × timeout
    max_redirects: int = 5
    obey_robots: bool = True

    @property
    def connect(self) -> float:
        return self.connect_timeout if self.connect_timeout is not None else min(self.timeout, 10.0)

    @property
    def total(self) -> float:
        return self.total_timeout if self.total_timeout is not None else 2 * self.timeout
