"""/img/<id>/: an article's image served from this site, so readers' browsers never contact the outlet.

The image is fetched once (httpx, 10 s timeout, size cap ``KHABAR_IMAGE_MAX_BYTES``,
only JPEG/PNG/GIF/WebP/AVIF, checked by content), stored under
``KHABAR_DATA_DIR/images`` and served from there. Like the crawler, it refuses hosts
that resolve to loopback, private or link-local addresses unless
``KHABAR_ALLOW_PRIVATE_ADDRESSES`` is on; the address is checked at connect time, so
DNS rebinding cannot slip through. A failure is remembered for an hour.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from khabar.news.models import Article
from khabar.pipeline.address_guard import BlockedAddress, is_public_address
from khabar.site.templatetags.persian import http_url

log = logging.getLogger(__name__)

TIMEOUT = 10.0
MAX_REDIRECTS = 3
RETRY_FAILED_AFTER = 3600
BROWSER_CACHE_SECONDS = 7 * 24 * 3600
# Magic numbers of the formats served; anything else (SVG, HTML…) is refused.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_locks = [threading.Lock() for _ in range(64)]  # striped: one download per image at a time


def sniff_image_type(head: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


class GuardedSyncBackend(httpcore.SyncBackend):
    """Resolve once, refuse non-public addresses (unless allowed), connect to the checked address."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"DNS lookup failed for {host}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        allowed = addresses if self.allow_private else [ip for ip in addresses if is_public_address(ip)]
        if not allowed:
            raise BlockedAddress(f"{host} resolves to the non-public address {addresses[0] if addresses else '?'}")
        return super().connect_tcp(
            allowed[0], port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )


def _client() -> httpx.Client:
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=4,
        network_backend=GuardedSyncBackend(settings.KHABAR_ALLOW_PRIVATE_ADDRESSES),
    )
    return httpx.Client(
        transport=transport,
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": settings.KHABAR_USER_AGENT, "Accept": "image/avif,image/webp,image/*;q=0.8"},
    )


def download_image(url: str, max_bytes: int) -> tuple[bytes, str]:
    """The image at ``url`` and its type; raises ValueError (with a reason) or an httpx/guard error."""
    with _client() as client:
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"not an http(s) URL: {url[:200]}")
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status_code != 200:
                    raise ValueError(f"HTTP {response.status_code}")
                declared = int(response.headers.get("Content-Length") or 0)
                if declared > max_bytes:
                    raise ValueError(f"image of {declared} bytes is over the limit")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise ValueError("image over the size limit")
            kind = sniff_image_type(bytes(body[:16]))
            if kind is None:
                raise ValueError("not a JPEG, PNG, GIF, WebP or AVIF image")
            return bytes(body), kind
    raise ValueError("too many redirects")


def _paths(article_id: int) -> tuple[Path, Path, Path]:
    folder = Path(settings.DATA_DIR) / "images" / f"{article_id % 1000:03d}"
    return folder / f"{article_id}.img", folder / f"{article_id}.json", folder / f"{article_id}.failed"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _stored(article_id: int, url: str) -> tuple[Path, str] | bool:
    """The stored image, True if a recent attempt failed, False if it must be fetched."""
    image, meta, failed = _paths(article_id)
    try:
        info = json.loads(meta.read_text())
        if info.get("url") == url and image.exists():
            return image, info["type"]
    except (OSError, ValueError):
        pass
    try:
        return time.time() - failed.stat().st_mtime < RETRY_FAILED_AFTER
    except OSError:
        return False


def cached_image(article_id: int, url: str) -> tuple[Path, str] | None:
    """(file, content type) of the article's image, downloading it the first time; None if unavailable."""
    stored = _stored(article_id, url)
    if stored is not False:
        return stored if isinstance(stored, tuple) else None
    with _locks[article_id % len(_locks)]:
        stored = _stored(article_id, url)
        if stored is not False:
            return stored if isinstance(stored, tuple) else None
        image, meta, failed = _paths(article_id)
        try:
            body, kind = download_image(url, settings.KHABAR_IMAGE_MAX_BYTES)
        except (ValueError, httpx.HTTPError, httpcore.NetworkError, BlockedAddress, OSError) as exc:
            log.info("image of article %s not available from %s: %s", article_id, url[:200], exc)
            _write_atomically(failed, str(exc).encode()[:500])
            return None
        _write_atomically(image, body)
        _write_atomically(meta, json.dumps({"url": url, "type": kind}).encode())
        failed.unlink(missing_ok=True)
        return image, kind


@require_safe
def article_image(request, pk: int):
    article = get_object_or_404(Article.objects.visible().only("id", "image_url"), pk=pk)
    url = http_url(article.image_url)
    if not url:
        raise Http404("این خبر تصویری ندارد")
    found = cached_image(article.pk, url)
    if found is None:
        raise Http404("تصویر در دسترس نیست")
    path, kind = found
    response = FileResponse(open(path, "rb"), content_type=kind)
    response["Cache-Control"] = f"public, max-age={BROWSER_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
