"""Refuse connections to non-public addresses, checked on the resolved IP at connect time.

``GuardedNetworkBackend`` is an httpcore network backend: for every new
connection it resolves the host name once, checks the addresses, and connects
to a checked address itself. A name whose DNS answer changes between a check
and the connection (DNS rebinding) therefore cannot slip through, and every
redirect that needs a new connection is checked the same way.
``GuardedTransport`` puts it under an httpx client (public APIs of httpx and httpcore only).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import socket
import ssl
import typing
from collections.abc import Awaitable, Callable

import anyio
import httpcore
import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
AddressCheck = Callable[[str], bool]


class BlockedAddress(Exception):
    """The host resolves only to addresses the crawler must not contact."""


class DNSLookupFailed(Exception):
    """The host name does not resolve."""


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local, multicast, reserved)."""
    try:
        address = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the system resolver, in its order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        ip = str(info[4][0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Resolve once, check, connect to the checked address."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        is_allowed: AddressCheck | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ):
        self.allow_private = allow_private
        self.resolver = resolver or system_resolve
        self.is_allowed = is_allowed or is_public_address
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            with anyio.fail_after(timeout):
                addresses = await self.resolver(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"DNS lookup for {host} timed out") from exc
        except (OSError, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise DNSLookupFailed(f"DNS lookup failed for {host}: {reason}") from exc
        if not addresses:
            raise DNSLookupFailed(f"DNS lookup failed for {host}: no address")
        allowed = addresses if self.allow_private else [ip for ip in addresses if self.is_allowed(ip)]
        if not allowed:
            raise BlockedAddress(f"{host} resolves to the non-public address {addresses[0]}")
        error: Exception | None = None
        for ip in allowed:
            try:
                return await self.inner.connect_tcp(
                    ip, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[typing.Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never crawled")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


# httpcore's exceptions as httpx's own transport maps them (most specific first), so that callers
# see the usual ``httpx.ConnectTimeout``, ``httpx.ReadError``…; ours (``BlockedAddress``…) pass unchanged.
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _as_httpx_errors() -> typing.Iterator[None]:
    try:
        yield
    except tuple(core for core, _ in _HTTPX_ERRORS) as exc:
        httpx_class = next(mapped for core, mapped in _HTTPX_ERRORS if isinstance(exc, core))
        raise httpx_class(str(exc)) from exc


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: typing.AsyncIterable[bytes]):
        self._stream = stream

    async def __aiter__(self) -> typing.AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


@functools.cache
def verifying_context(verify: bool = True) -> ssl.SSLContext:
    """httpx's TLS context, made once per process: loading the CA bundle takes ~25 ms, and every batch
    of feeds is a new ``Fetcher`` (an ``SSLContext`` is meant to be shared by many connections)."""
    return httpx.create_ssl_context(verify=verify)


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport over an httpcore connection pool whose every connection goes through
    ``GuardedNetworkBackend``.

    httpx's own ``AsyncHTTPTransport`` takes no network backend, so this is the same small
    adapter it is (request → httpcore request, response stream and exceptions back to httpx's),
    written on the public APIs of both libraries. HTTP/1.1 only, no proxies, no environment.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        is_allowed: AddressCheck | None = None,
        limits: httpx.Limits | None = None,
        verify: ssl.SSLContext | bool = True,
    ):
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify if isinstance(verify, ssl.SSLContext) else verifying_context(verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedNetworkBackend(
                allow_private=allow_private, resolver=resolver, is_allowed=is_allowed
            ),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        assert isinstance(response.stream, typing.AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
