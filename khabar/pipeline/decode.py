"""Bytes of a web page to text: HTTP charset, BOM, ``<meta charset>``, else detection.

Valid UTF-8 wins over a wrong label; a page labelled latin-1/windows-1252 that is
not valid UTF-8 is re-detected with charset-normalizer (Persian pages in
windows-1256 are common).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

__all__ = ["BINARY_MAGIC", "decode_html"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.I)
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:\-]+)|<\?xml[^>]+encoding\s*=\s*[\"']([\w.:\-]+)", re.I
)
# Labels that servers send by default whatever the page really is: never trusted
# for bytes that are not plain ASCII.
_DEFAULT_LABELS = {"ascii", "latin_1", "iso8859-1", "cp1252"}
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x7fELF",
    b"MZ",
    b"\xd0\xcf\x11\xe0",
    b"7z\xbc\xaf",
)


def _codec_name(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="ignore")
    label = label.strip().strip("\"'").lower()
    # WHATWG: pages labelled latin-1 are decoded as windows-1252.
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "l1"}:
        label = "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header(headers: Mapping[str, str] | None, name: str) -> str:
    if not headers:
        return ""
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
            return value if isinstance(value, str) else ""
    return ""


def _is_utf8(content: bytes) -> bool:
    """Valid UTF-8, allowing a multi-byte character cut off at the very end (a size cap)."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data" and error.start >= len(content) - 3
    return True


def _arabic_share(text: str) -> float:
    """Share of Arabic-script letters among the non-ASCII characters of ``text``."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    return sum(1 for ch in non_ascii if "\u0600" <= ch <= "\u06ff" or ch in "\u200c\u200d\u00ab\u00bb") / len(non_ascii)


def _detect(content: bytes) -> str:
    """Decode with charset-normalizer's best guess, checked against windows-1256.

    On short pages detection can pick a wrong single-byte code page; when its result
    is not mostly Arabic script but windows-1256 gives Persian, windows-1256 wins.
    """
    sample = content[:400_000]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:  # noqa: BLE001 - detection is best effort
        best = None
    text = None
    if best is not None and best.encoding:
        try:
            text = content.decode(best.encoding, errors="replace")
        except LookupError:
            text = None
    arabic = content.decode("cp1256", errors="replace")
    arabic_share = _arabic_share(arabic[:100_000])
    if arabic_share >= 0.8 and (
        text is None or _arabic_share(text[:100_000]) < arabic_share or text.count("\ufffd") > arabic.count("\ufffd")
    ):
        return arabic
    return text if text is not None else content.decode("utf-8", errors="replace")


def decode_html(content: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Text of an HTML page's bytes.

    The charset comes from (in order) a byte-order mark, the HTTP ``Content-Type``
    header, ``<meta charset>`` / ``http-equiv`` / the XML declaration, else detection
    with charset-normalizer. Bytes that are valid UTF-8 (and not plain ASCII) are
    decoded as UTF-8 whatever the label says, and bytes labelled UTF-8 that are not
    valid UTF-8 (a windows-1256 page served as UTF-8) are detected instead. A
    default-looking label (ISO-8859-1, windows-1252, ASCII) on non-ASCII bytes is not
    trusted either. Never raises.
    """
    if not content:
        return ""
    if isinstance(content, str):
        return content
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    if content.isascii():
        return content.decode("ascii")
    if _is_utf8(content):
        return content.decode("utf-8", errors="ignore")

    labels = [_codec_name(m.group(1)) for m in _HEADER_CHARSET_RE.finditer(_header(headers, "content-type"))]
    head = content[:8192]
    labels += [_codec_name(m.group(1) or m.group(2)) for m in _META_CHARSET_RE.finditer(head)]
    for label in labels:
        if not label or label == "utf-8" or label in _DEFAULT_LABELS:
            continue  # a UTF-8 label on invalid UTF-8, or a default label: detect instead
        if label.startswith(("utf-16", "utf-32")):
            continue  # no BOM and ASCII-compatible markup: the label is wrong
        return content.decode(label, errors="replace")
    return _detect(content)


# --------------------------------------------------------------------------- helpers
