"""/img/<id>/: an article's image served from this site, so readers' browsers never contact the outlet.

The image is fetched once through the crawler's one way out to the web
(``khabar.crawler.egress.fetch_politely``: the address guard checked at connect
time, robots.txt and per-host politeness shared with the crawler through the
database, the size cap ``KHABAR_IMAGE_MAX_BYTES`` counted on decoded bytes while
streaming, a read timeout of at most ``IMAGE_TIMEOUT`` seconds and a total deadline
of twice that). Only JPEG/PNG/GIF/WebP/AVIF are kept, checked by content. The
image is stored under ``KHABAR_DATA_DIR/images`` and served from there; a failure
is remembered for an hour.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from khabar.crawler.egress import fetch_politely
from khabar.news.models import Article
from khabar.site.templatetags.persian import http_url

log = logging.getLogger(__name__)

IMAGE_TIMEOUT = 10.0  # a reader is waiting: at most this between two reads, twice this in all
IMAGE_ACCEPT = "image/avif,image/webp,image/*;q=0.8"
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


class ImageUnavailable(Exception):
    """The image could not be fetched, or is not an image we serve; the message says why."""


def may_be_image(content_type: str) -> bool:
    """Text (an HTML error page, SVG as text) is not downloaded; anything else is checked by content."""
    return not content_type.startswith("text/")


def download_image(url: str, max_bytes: int) -> tuple[bytes, str]:
    """The image at ``url`` and its type; raises ``ImageUnavailable`` with the reason."""
    [fetched] = fetch_politely(
        [url], timeout=IMAGE_TIMEOUT, accept=IMAGE_ACCEPT, accept_type=may_be_image, max_bytes=max_bytes
    )
    if fetched.error:
        raise ImageUnavailable(f"{fetched.error_kind}: {fetched.error}")
    if fetched.not_modified or fetched.status != 200:
        raise ImageUnavailable(f"HTTP {fetched.status}")
    kind = sniff_image_type(fetched.content[:16])
    if kind is None:
        raise ImageUnavailable("not a JPEG, PNG, GIF, WebP or AVIF image")
    return fetched.content, kind


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
        except ImageUnavailable as exc:
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
