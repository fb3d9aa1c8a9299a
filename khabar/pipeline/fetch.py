"""Polite asynchronous HTTP fetching with httpx.

``Fetcher.fetch`` never raises for network or HTTP trouble: it returns a
``FetchResult`` whose ``error`` says what went wrong in plain words. It limits
concurrent connections per host, caps response size while streaming, sends
conditional-GET headers, names the project in its User-Agent and (unless
allowed) refuses hosts that resolve to private or loopback addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from khabar.pipeline.records import FetchResult

DEFAULT_USER_AGENT = "KhabarBot/0.1 (+https://github.com/khabar-news/khabar; Persian news aggregator)"


@dataclass
class FetchPolicy:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0  # seconds, for connect, read and the whole request
    max_bytes: int = 5 * 1024 * 1024
    per_host: int = 2
    max_redirects: int = 5
    allow_private: bool = False


class BlockedAddress(Exception):
    pass


def check_public_host(host: str) -> None:
    """Raise BlockedAddress when ``host`` resolves to a non-public address."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise httpx.ConnectError(f"DNS lookup failed for {host}: {exc.strerror}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise BlockedAddress(f"{host} resolves to the non-public address {address}")


class Fetcher:
    """One shared httpx client with a per-host connection limit. Use as ``async with``."""

    def __init__(self, policy: FetchPolicy | None = None):
        self.policy = policy or FetchPolicy()
        self._host_limits: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self.policy.per_host))
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "Fetcher":
        p = self.policy
        self._client = httpx.AsyncClient(
            headers={"User-Agent": p.user_agent, "Accept-Language": "fa,en;q=0.5"},
            timeout=httpx.Timeout(p.timeout, connect=min(p.timeout, 10.0)),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(self, url: str, *, etag: str = "", last_modified: str = "", accept: str = "*/*") -> FetchResult:
        started = time.monotonic()
        result = FetchResult(url=url, final_url=url)
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            await asyncio.wait_for(self._follow(url, headers, result), timeout=self.policy.timeout * 2)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            result.error, result.error_kind = f"timed out after {self.policy.timeout:g} s", "timeout"
        except BlockedAddress as exc:
            result.error, result.error_kind = f"refused: {exc}", "blocked"
        except httpx.TooManyRedirects as exc:
            result.error, result.error_kind = str(exc), "redirect"
        except httpx.InvalidURL as exc:
            result.error, result.error_kind = f"invalid URL: {exc}", "url"
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            result.error, result.error_kind = f"connection failed: {exc or type(exc).__name__}", "connect"
        except httpx.HTTPError as exc:
            result.error, result.error_kind = f"HTTP failure: {exc or type(exc).__name__}", "connect"
        result.elapsed = time.monotonic() - started
        return result

    async def _follow(self, url: str, headers: dict[str, str], result: FetchResult) -> None:
        assert self._client is not None, "use Fetcher inside 'async with'"
        seen: set[str] = set()
        for _hop in range(self.policy.max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise httpx.InvalidURL(f"not an http(s) URL: {url}")
            if url in seen:
                raise httpx.TooManyRedirects(f"redirect loop at {url}")
            seen.add(url)
            if not self.policy.allow_private:
                await asyncio.get_running_loop().run_in_executor(None, check_public_host, parts.hostname)
            async with self._host_limits[parts.netloc.lower()]:
                async with self._client.stream("GET", url, headers=headers) as response:
                    result.final_url = str(response.url)
                    result.status = response.status_code
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    if response.is_redirect and "location" in response.headers:
                        url = str(response.url.join(response.headers["location"]))
                        continue
                    if response.status_code == 304:
                        result.not_modified = True
                        return
                    if response.status_code >= 400:
                        reason = response.reason_phrase or ""
                        result.error, result.error_kind = f"HTTP {response.status_code} {reason}".strip(), "http"
                        return
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > self.policy.max_bytes:
                        result.error, result.error_kind = self._too_large(), "too_large"
                        return
                    chunks, size = [], 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > self.policy.max_bytes:
                            result.error, result.error_kind = self._too_large(), "too_large"
                            return
                        chunks.append(chunk)
                    result.content = b"".join(chunks)
                    return
        raise httpx.TooManyRedirects(f"more than {self.policy.max_redirects} redirects")

    def _too_large(self) -> str:
        return f"response larger than {self.policy.max_bytes // 1024} KiB"
