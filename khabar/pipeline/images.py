"""An article's image, fetched when the article is crawled (readers' requests never reach the outlet).

``fetch_image`` goes through the crawler's ``Fetcher`` (address guard at connect time, robots.txt
and per-host politeness, the size cap counted on decoded bytes while streaming, read and total
deadlines), so a gzip bomb is cut at the cap and a server dripping bytes at the deadline. Only
JPEG/PNG/GIF/WebP/AVIF are kept, checked by their first bytes (never by the outlet's label).
"""

from __future__ import annotations

from typing import NamedTuple

from khabar.pipeline.fetch import Fetcher

IMAGE_ACCEPT = "image/avif,image/webp,image/*;q=0.8"
DEFAULT_MAX_BYTES = 3 * 1024 * 1024
# Magic numbers of the formats kept; anything else (SVG, HTML…) is refused.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class FetchedImage(NamedTuple):
    content: bytes = b""
    content_type: str = ""  # one of the types of _SIGNATURES, WebP or AVIF; "" when refused
    problem: str = ""  # why there is no image ("too_large: ...", "not an image ...")


def sniff_image_type(head: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


def may_be_image(content_type: str) -> bool:
    """Text (an HTML error page, SVG as text) is not downloaded; anything else is checked by content."""
    return not content_type.startswith("text/")


async def fetch_image(fetcher: Fetcher, url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FetchedImage:
    """The image at ``url``, or the reason there is none; never raises."""
    fetched = await fetcher.fetch(url, accept=IMAGE_ACCEPT, accept_type=may_be_image, max_bytes=max_bytes)
    if fetched.error:
        return FetchedImage(problem=f"{fetched.error_kind}: {fetched.error}")
    if fetched.not_modified or fetched.status != 200:
        return FetchedImage(problem=f"HTTP {fetched.status}")
    kind = sniff_image_type(fetched.content[:16])
    if kind is None:
        return FetchedImage(problem="not a JPEG, PNG, GIF, WebP or AVIF image")
    return FetchedImage(fetched.content, kind)
