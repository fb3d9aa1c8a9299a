"""Decode a response body while streaming, never holding more than a size cap.

httpx's own decoders inflate each received chunk in one step, so a small gzip
chunk can become hundreds of megabytes before anyone counts it. Here raw bytes
are inflated with zlib's ``max_length``: the decoded size is counted as it
grows and decoding stops at ``max_bytes``, so a gzip or deflate bomb costs at
most the cap in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate", "identity", "")
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    pass


class UnsupportedEncoding(Exception):
    pass


class BadCompression(Exception):
    pass


class _Inflater:
    """gzip (possibly several members), zlib-wrapped or raw deflate, with bounded output."""

    def __init__(self, encoding: str):
        self.gzip = encoding in ("gzip", "x-gzip")
        self._new(zlib.MAX_WBITS | 16 if self.gzip else zlib.MAX_WBITS)
        self._raw_fallback = not self.gzip  # servers send raw deflate for "deflate" too
        self._started = False

    def _new(self, wbits: int) -> None:
        self.wbits = wbits
        self.inflate = zlib.decompressobj(wbits)

    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate ``data``; return at most ``room + 1`` bytes (one more means: over the cap)."""
        out = bytearray()
        while data and len(out) <= room:
            try:
                out += self.inflate.decompress(data, room + 1 - len(out))
            except zlib.error as exc:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._new(-zlib.MAX_WBITS)
                    continue
                raise BadCompression(f"invalid {'gzip' if self.gzip else 'deflate'} data: {exc}") from exc
            self._started = True
            if self.inflate.unconsumed_tail:
                data = self.inflate.unconsumed_tail
            elif self.inflate.eof and self.inflate.unused_data and self.gzip:
                data = self.inflate.unused_data  # the next gzip member
                self._new(self.wbits)
            else:
                data = b""
        return bytes(out)


async def read_bounded(
    raw_chunks: AsyncIterator[bytes], content_encoding: str, max_bytes: int, truncate: bool = False
) -> bytes:
    """The decoded body, or ``BodyTooLarge`` as soon as it would exceed ``max_bytes``.

    With ``truncate`` the first ``max_bytes`` are returned instead (reading stops there).
    """
    encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
    encodings = [e for e in encodings if e != "identity"]
    if len(encodings) > 1 or any(e not in SUPPORTED_ENCODINGS for e in encodings):
        raise UnsupportedEncoding(f"unsupported content encoding {content_encoding!r}")
    inflater = _Inflater(encodings[0]) if encodings else None
    body = bytearray()
    async for chunk in raw_chunks:
        room = max_bytes - len(body)
        piece = inflater.feed(chunk, room) if inflater else chunk
        if len(piece) > room:
            if truncate:
                return bytes(body + piece[:room])
            raise BodyTooLarge(f"response larger than {max_bytes // 1024} KiB")
        body += piece
    return bytes(body)


GZIP_MAGIC = b"\x1f\x8b"


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """A gzip file served as such (``sitemap.xml.gz``: the bytes, not the transfer, are gzip),
    inflated to at most ``max_bytes``: ``BodyTooLarge`` beyond, ``BadCompression`` if broken."""
    out = _Inflater("gzip").feed(data, max_bytes)
    if len(out) > max_bytes:
        raise BodyTooLarge(f"inflates to more than {max_bytes // 1024} KiB")
    return out
