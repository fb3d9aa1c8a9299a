"""Polite, defensive asynchronous HTTP fetching with httpx.

``Fetcher.fetch`` never raises for network or HTTP trouble: it returns a
``FetchResult`` whose ``error`` says what went wrong in plain words and whose
``error_kind`` classifies it (``records.ERROR_KINDS``). An unexpected exception (a bug,
a database failure behind the politeness) is not taken for a network failure: it becomes
kind ``internal`` and is logged with its traceback (logger ``khabar.fetch``). The errors
are named in ``fetch_errors.py``; ``FetchPolicy`` (``fetch_policy.py``) holds the fetcher's settings.
For every request, in order:

1. robots.txt of the host is obeyed (``robots.py``; cached, Crawl-delay honoured);
2. a slot on the host is taken from the ``Politeness`` object (at most N
   connections and a minimum gap per host, shared by every worker when the
   caller passes the database-backed one) and given back afterwards, with a
   pause when the server sent ``Retry-After`` on 429/503;
3. the connection goes to a resolved address checked at connect time
   (``address_guard.py``: no loopback/private/link-local/multicast unless allowed);
4. connect, read and total timeouts apply; the body is decoded while streaming
   with a size cap that also stops gzip/deflate bombs (``bounded_body.py``);
5. at most ``max_redirects`` redirects are followed, loops detected; each hop
   is checked against its own host's robots.txt and politeness;
6. anti-bot challenge pages are recognised (``antibot.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from khabar.pipeline.address_guard import AddressCheck, GuardedTransport, Resolver
from khabar.pipeline.antibot import detect_wall
from khabar.pipeline.bounded_body import (
    ACCEPT_ENCODING,
    BadCompression,
    BodyTooLarge,
    UnsupportedEncoding,
    read_bounded,
)
from khabar.pipeline.fetch_errors import (
    NETWORK_FAILURES,
    STALE_CONNECTION_FAILURES,
    TotalTimeout,
    classify_error,
    is_tls_failure,
)
from khabar.pipeline.fetch_policy import FetchPolicy  # importers of the fetcher find its policy here too
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.politeness import HostPaused, LocalPoliteness, Politeness, retry_after_seconds
from khabar.pipeline.records import FetchResult
from khabar.pipeline.robots import (
    MAX_ROBOTS_BYTES,
    MemoryRobotsCache,
    RobotsCache,
    RobotsRecord,
    RobotsRules,
    RobotsVerdict,
)

log = logging.getLogger("khabar.fetch")
MAX_HOST_PAUSE = 3600.0  # a Retry-After longer than this pauses the feed, not the whole host
_WALL_SNIFF_BYTES = 65536
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})  # "": no type said, sniffed as HTML


def is_html_type(content_type: str) -> bool:
    """An HTML page (or no content type at all): what article pages and homepages are, and walls too."""
    return content_type in HTML_TYPES


class Fetcher:
    """One shared httpx client with robots.txt, politeness and address checks. Use as ``async with``."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        politeness: Politeness | None = None,
        robots_cache: RobotsCache | None = None,
        resolver: Resolver | None = None,
        is_allowed: AddressCheck | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.policy = policy
        self.politeness = politeness or LocalPoliteness(self.policy.per_host, self.policy.min_gap)
        self.robots_cache = robots_cache or MemoryRobotsCache()
        self.clock = clock
        self._resolver, self._is_allowed = resolver, is_allowed
        # In-process gate in front of the (possibly shared) politeness: no busy waiting on one host.
        self._gates: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self.policy.per_host))
        self._rules: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        p = self.policy
        self._client = httpx.AsyncClient(
            headers={"User-Agent": p.user_agent, "Accept-Language": "fa,en;q=0.5", "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(p.timeout, connect=p.connect, pool=None),
            follow_redirects=False,
            transport=GuardedTransport(
                allow_private=p.allow_private,
                resolver=self._resolver,
                is_allowed=self._is_allowed,
                limits=httpx.Limits(max_connections=512, max_keepalive_connections=128, keepalive_expiry=30),
            ),
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        try:
            await self.politeness.close()
        finally:
            if self._client is not None:
                await self._client.aclose()
                self._client = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: str = "*/*",
        accept_type: Callable[[str], bool] | None = None,
        max_bytes: int | None = None,
        check_robots: bool = True,
    ) -> FetchResult:
        """GET ``url``. ``accept_type(content_type)`` False: the body is not read (``content_type`` error)."""
        result = FetchResult(url=url, final_url=url)
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            await self._follow(
                url,
                headers,
                result,
                accept_type,
                max_bytes or self.policy.max_bytes,
                check_robots and self.policy.obey_robots,
            )
        except NETWORK_FAILURES as exc:  # every network or HTTP failure becomes a readable result
            result.error, result.error_kind = classify_error(exc, self.policy)
            result.content = b""
            if isinstance(exc, HostPaused):
                result.retry_after = exc.seconds
        except Exception as exc:  # a bug or a failure of our own: one URL's result, not the whole crawl
            log.exception("fetching %s failed inside the crawler", url[:300])
            result.error, result.error_kind = f"crawler error: {exc!r}"[:500], "internal"
            result.content = b""
        return result

    # -- robots.txt --------------------------------------------------------------
    async def robots_verdict(self, url: str) -> RobotsVerdict:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        return (await self._robots_rules(origin)).verdict(url)

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The sitemaps named by the robots.txt of ``url``'s host (read once, like every robots.txt)."""
        parts = urlsplit(url)
        return (await self._robots_rules(f"{parts.scheme}://{parts.netloc.lower()}")).sitemaps

    async def _robots_rules(self, origin: str) -> RobotsRules:
        rules = self._rules.get(origin)
        if rules is not None and rules.record.is_fresh(self.clock()):
            return rules
        async with self._robots_locks[origin]:  # concurrent fetches of one host share one lookup
            rules = self._rules.get(origin)
            if rules is not None and rules.record.is_fresh(self.clock()):
                return rules
            record = await self.robots_cache.load(origin)
            if record is None or not record.is_fresh(self.clock()):
                record = await self._download_robots(origin)
                await self.robots_cache.save(origin, record)
            rules = self._rules[origin] = RobotsRules(origin, record, self.policy.user_agent)
            return rules

    async def _download_robots(self, origin: str) -> RobotsRecord:
        fetched = await self.fetch(
            origin + "/robots.txt", accept="text/plain, */*;q=0.5", max_bytes=MAX_ROBOTS_BYTES, check_robots=False
        )
        now = self.clock()
        if fetched.error_kind == "too_large":
            return RobotsRecord(200, "", now)  # Google reads the first 500 KiB; we read none and allow
        if fetched.error and fetched.status:  # an HTTP status (404, 503, a wall's 403…)
            return RobotsRecord(fetched.status, "", now, fetched.error, fetched.error_kind or "http")
        if fetched.error:
            return RobotsRecord(0, "", now, fetched.error, fetched.error_kind or "connect")
        return RobotsRecord(fetched.status, fetched.content.decode("utf-8", errors="replace"), now)

    # -- requests ------------------------------------------------------------------
    async def _follow(
        self,
        url: str,
        headers: dict[str, str],
        result: FetchResult,
        accept_type: Callable[[str], bool] | None,
        max_bytes: int,
        check_robots: bool,
    ) -> None:
        assert self._client is not None, "use Fetcher inside 'async with'"
        seen: set[str] = set()
        for _hop in range(self.policy.max_redirects + 1):
            if not is_http_url(url):
                raise httpx.InvalidURL(f"not an http(s) URL: {url}")
            parts = urlsplit(url)
            if url in seen:
                raise httpx.TooManyRedirects(f"redirect loop at {url}")
            seen.add(url)
            crawl_delay = 0.0
            if check_robots:
                verdict = await self.robots_verdict(url)
                if not verdict.allowed:
                    result.final_url = url
                    result.error, result.error_kind = verdict.reason, verdict.error_kind
                    return
                crawl_delay = verdict.crawl_delay
            next_url = await self._one_request(
                url, parts.netloc.lower(), headers, result, accept_type, max_bytes, crawl_delay
            )
            if next_url is None:
                return
            url = next_url
        raise httpx.TooManyRedirects(f"more than {self.policy.max_redirects} redirects")

    async def _one_request(
        self,
        url: str,
        host: str,
        headers: dict[str, str],
        result: FetchResult,
        accept_type: Callable[[str], bool] | None,
        max_bytes: int,
        crawl_delay: float,
    ) -> str | None:
        async with self._gates[host]:
            result.waited += await self.politeness.acquire(host, min_gap=crawl_delay)
            started, sent_at = time.monotonic(), time.time()
            pause = 0.0
            try:
                next_url = await asyncio.wait_for(
                    self._exchange_retrying(url, headers, result, accept_type, max_bytes), self.policy.total
                )
                if result.retry_after:
                    pause = min(result.retry_after, MAX_HOST_PAUSE)
                return next_url
            except TimeoutError as exc:
                raise TotalTimeout() from exc
            finally:
                result.elapsed += time.monotonic() - started
                await self.politeness.release(host, pause=pause, sent_at=sent_at)

    async def _exchange_retrying(
        self,
        url: str,
        headers: dict[str, str],
        result: FetchResult,
        accept_type: Callable[[str], bool] | None,
        max_bytes: int,
    ) -> str | None:
        """``_exchange``, sent once more when the connection broke before any answer came.

        A server closes an idle kept-alive connection when it likes; a GET sent on it at that
        moment gets no answer at all ("Server disconnected without sending a response"), though
        nothing is wrong with the page. Browsers and urllib3 send such an idempotent request
        again on a new connection, once; so do we, within the same politeness slot and deadline.
        """
        try:
            return await self._exchange(url, headers, result, accept_type, max_bytes)
        except STALE_CONNECTION_FAILURES as exc:
            if result.status or is_tls_failure(exc):
                raise  # an answer had begun, or TLS failed: not a dropped idle connection
            log.debug("no answer from %s on its connection (%r); sending the request again", url[:300], exc)
            return await self._exchange(url, headers, result, accept_type, max_bytes)

    async def _exchange(
        self,
        url: str,
        headers: dict[str, str],
        result: FetchResult,
        accept_type: Callable[[str], bool] | None,
        max_bytes: int,
    ) -> str | None:
        """One GET; returns the next URL for a redirect, else None with ``result`` filled."""
        assert self._client is not None
        async with self._client.stream("GET", url, headers=headers) as response:
            result.final_url = str(response.url)
            result.status = response.status_code
            result.headers = {k.lower(): v for k, v in response.headers.items()}
            encoding = response.headers.get("content-encoding", "")
            if response.is_redirect and "location" in response.headers:
                target = str(response.url.join(response.headers["location"]))
                result.redirects.append((response.status_code, target))
                return target
            if response.status_code == 304:
                result.not_modified = True
                return None
            if response.status_code >= 400:
                head = await self._read_head(response, encoding)
                if response.status_code in (429, 503):
                    result.retry_after = retry_after_seconds(response.headers.get("retry-after", ""))
                wall = detect_wall(response.status_code, result.headers, head)
                reason = f"HTTP {response.status_code} {response.reason_phrase or ''}".strip()
                if wall:
                    result.error, result.error_kind = f"blocked by an anti-bot wall ({wall}; {reason})", "antibot"
                else:
                    wait = f"; asked to retry after {result.retry_after:.0f} s" if result.retry_after else ""
                    result.error, result.error_kind = reason + wait, "http"
                return None
            if accept_type is not None and not accept_type(result.content_type):
                result.error, result.error_kind = (
                    f"not fetched: content type {result.content_type or 'unknown'}",
                    "content_type",
                )
                return None
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not encoding:
                raise BodyTooLarge(f"response larger than {max_bytes // 1024} KiB")
            body = await read_bounded(response.aiter_raw(), encoding, max_bytes)
            if is_html_type(result.content_type):
                wall = detect_wall(response.status_code, result.headers, body[:_WALL_SNIFF_BYTES])
                if wall:
                    result.error, result.error_kind = (
                        f"blocked by an anti-bot wall ({wall}; HTTP {response.status_code})",
                        "antibot",
                    )
                    return None
            result.content = body
            return None

    async def _read_head(self, response: httpx.Response, encoding: str) -> bytes:
        """The start of an error answer's body (to recognise a wall); problems just end it."""
        try:
            return await read_bounded(response.aiter_raw(), encoding, _WALL_SNIFF_BYTES, truncate=True)
        except (UnsupportedEncoding, BadCompression, httpx.HTTPError):
            return b""
