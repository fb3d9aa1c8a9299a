"""robots.txt: what a host allows, with protego, cached per host and refreshed daily.

What an answer to ``/robots.txt`` means follows Google's documented practice:

* 2xx: the rules in the file (at most 500 KiB are read);
* 4xx other than 429 (e.g. 404: no file): everything is allowed;
* 429, 5xx, a timeout or a connection failure: the host cannot tell us what it
  allows, so nothing is fetched from it; the file is asked for again after
  ``ROBOTS_RETRY`` (minutes) rather than after a day.

``Crawl-delay`` is honoured (up to ``MAX_CRAWL_DELAY``) as the host's minimum
gap between requests. The cache is a protocol so that the Django edge can keep
the files in the database, shared by every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from protego import Protego

ROBOTS_TTL = 24 * 3600.0  # a fetched robots.txt is used for a day
ROBOTS_RETRY = 180.0  # an unreachable one is asked for again after 3 minutes
MAX_ROBOTS_BYTES = 500 * 1024
MAX_CRAWL_DELAY = 300.0


@dataclass
class RobotsRecord:
    """One answer to ``GET /robots.txt`` (plain data: what a cache stores)."""

    status: int  # HTTP status; 0 when the host was not reached
    text: str = ""
    fetched_at: float = 0.0  # Unix time
    error: str = ""  # why it could not be fetched (status 0, 429 or 5xx)
    error_kind: str = ""

    @property
    def reachable(self) -> bool:
        return 200 <= self.status < 500 and self.status != 429

    def is_fresh(self, now: float) -> bool:
        return now - self.fetched_at < (ROBOTS_TTL if self.reachable else ROBOTS_RETRY)


class RobotsCache(Protocol):
    async def load(self, origin: str) -> RobotsRecord | None: ...

    async def save(self, origin: str, record: RobotsRecord) -> None: ...


class MemoryRobotsCache:
    """An in-process cache (tests, one-off tools); workers use the database one."""

    def __init__(self) -> None:
        self.records: dict[str, RobotsRecord] = {}

    async def load(self, origin: str) -> RobotsRecord | None:
        return self.records.get(origin)

    async def save(self, origin: str, record: RobotsRecord) -> None:
        self.records[origin] = record


def user_agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("KhabarBot" of "KhabarBot/0.1 (...)")."""
    return (user_agent.split("/")[0].split() or ["*"])[0]


@dataclass
class RobotsVerdict:
    allowed: bool
    reason: str = ""  # why not, in plain words
    error_kind: str = ""  # "robots", or the kind of the failure to fetch robots.txt
    crawl_delay: float = 0.0


class RobotsRules:
    """The rules of one host for one user agent."""

    def __init__(self, origin: str, record: RobotsRecord, user_agent: str):
        self.origin, self.record = origin, record
        self.token = user_agent_token(user_agent)
        self._parser: Protego | None = None
        if 200 <= record.status < 300 and record.text.strip():
            try:
                self._parser = Protego.parse(record.text)
            except Exception:  # noqa: BLE001 - an unreadable file is treated as no file
                self._parser = None

    @property
    def crawl_delay(self) -> float:
        if self._parser is None:
            return 0.0
        delay = self._parser.crawl_delay(self.token)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0

    @property
    def sitemaps(self) -> list[str]:
        """The ``Sitemap:`` lines of the file (any group), as written."""
        if self._parser is None:
            return []
        return [url for url in self._parser.sitemaps if isinstance(url, str)][:50]

    def verdict(self, url: str) -> RobotsVerdict:
        if not self.record.reachable:
            if self.record.status == 0:  # the host was not reached: that failure is the answer
                return RobotsVerdict(
                    False, self.record.error or "host not reached", self.record.error_kind or "connect"
                )
            why = self.record.error or f"HTTP {self.record.status}"
            return RobotsVerdict(
                False,
                f"{self.origin}/robots.txt answered {why}; not crawling the host until it can be read",
                self.record.error_kind or "http",
            )
        if self._parser is not None and not self._parser.can_fetch(url, self.token):
            return RobotsVerdict(
                False, f"disallowed by {self.origin}/robots.txt for {self.token}", "robots", self.crawl_delay
            )
        return RobotsVerdict(True, crawl_delay=self.crawl_delay)
