"""Tiny valid PNG images (stdlib only) for og:image, enclosures, logos and banners."""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def hex_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


@lru_cache(maxsize=4096)
def png(width: int, height: int, rgb: tuple[int, int, int], seed: int = 0) -> bytes:
    """An RGB PNG: a diagonal two-tone pattern derived from ``rgb`` and ``seed``."""
    r, g, b = rgb
    alt = ((r + 60 + seed * 7) % 256, (g + 90 + seed * 13) % 256, (b + 30 + seed * 3) % 256)
    rows = bytearray()
    band = 6 + seed % 9
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(bytes(alt) if ((x + y) // band) % 2 else bytes((r, g, b)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def article_image(color: str, item_id: int) -> bytes:
    return png(64, 36, hex_rgb(color), item_id % 97)


def logo(color: str) -> bytes:
    return png(32, 32, hex_rgb(color), 1)


def banner() -> bytes:
    return png(94, 12, (240, 200, 40), 5)
