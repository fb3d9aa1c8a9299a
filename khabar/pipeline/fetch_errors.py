"""What can go wrong while fetching (``fetch.py``), and its name: a readable message and an error
kind (``records.ERROR_KINDS``) for each network or HTTP failure."""

from __future__ import annotations

import asyncio
import ssl

import httpx

from khabar.pipeline.address_guard import BlockedAddress, DNSLookupFailed
from khabar.pipeline.bounded_body import BadCompression, BodyTooLarge, UnsupportedEncoding
from khabar.pipeline.fetch_policy import FetchPolicy
from khabar.pipeline.politeness import HostPaused


class TotalTimeout(Exception):
    """No complete answer within the policy's total time (``FetchPolicy.total``)."""


def is_tls_failure(exc: BaseException) -> bool:
    """The failure, or one of its causes, is TLS's: a handshake or a certificate refused."""
    seen = 0
    while exc is not None and seen < 6:
        if isinstance(exc, ssl.SSLError) or "SSL" in str(exc) or "CERTIFICATE" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


# What can go wrong on the way to a server and back: these become a result with their error kind.
# Anything else is a bug or a failure of our own (e.g. the database behind the politeness): kind "internal".
NETWORK_FAILURES = (
    httpx.HTTPError,
    httpx.InvalidURL,
    DNSLookupFailed,
    BlockedAddress,
    HostPaused,
    TotalTimeout,
    TimeoutError,
    BodyTooLarge,
    UnsupportedEncoding,
    BadCompression,
)


# Failures of a request that got no answer at all (not timeouts): worth sending once more.
STALE_CONNECTION_FAILURES = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.ConnectError)


def classify_error(exc: BaseException, policy: FetchPolicy) -> tuple[str, str]:
    """(readable message, error kind) for an exception raised while fetching (one of ``NETWORK_FAILURES``)."""
    if isinstance(exc, DNSLookupFailed):
        return str(exc), "dns"
    if isinstance(exc, HostPaused):
        return str(exc), "http"
    if isinstance(exc, BlockedAddress):
        return f"refused: {exc}", "blocked"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting after {policy.connect:g} s", "timeout"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {policy.timeout:g} s without data", "timeout"
    if isinstance(exc, (TotalTimeout, asyncio.TimeoutError)):
        return f"timed out: no complete answer within {policy.total:g} s", "timeout"
    if isinstance(exc, BodyTooLarge):
        return str(exc), "too_large"
    if isinstance(exc, (UnsupportedEncoding, BadCompression)):
        return str(exc), "encoding"
    if isinstance(exc, httpx.TooManyRedirects):
        return str(exc), "redirect"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return f"invalid URL: {exc}", "url"
    if isinstance(exc, httpx.ConnectError) and is_tls_failure(exc):
        return f"TLS failure: {exc}", "tls"
    if isinstance(exc, (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return f"connection failed: {exc or type(exc).__name__}", "connect"
    return f"HTTP failure: {exc or type(exc).__name__}", "connect"  # another httpx.HTTPError
