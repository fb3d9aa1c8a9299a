"""Persian text for display: unify letters, drop junk, keep every ZWNJ.

This is the first, conservative layer; it never rewords and never drops a
zero-width non-joiner (U+200C).
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

# Arabic letter forms that Persian writes differently.
_LETTERS = str.maketrans({
    "\u064a": "\u06cc",  # ي -> ی
    "\u0649": "\u06cc",  # ى -> ی
    "\u0643": "\u06a9",  # ك -> ک
})
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_TO_PERSIAN_DIGITS = str.maketrans("0123456789٠١٢٣٤٥٦٧٨٩", _PERSIAN_DIGITS * 2)
_TO_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)

_KASHIDA = "\u0640"
# Invisible characters that are junk in Persian text (ZWNJ is NOT among them).
_JUNK_RE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad" + _KASHIDA + "]")
_ZWNJ_RUN_RE = re.compile(ZWNJ + "{2,}")
# A ZWNJ next to a space or at a word edge joins nothing: it is junk only there.
_ZWNJ_EDGE_RE = re.compile(r"(?:(?<=\s)|^)" + ZWNJ + "|" + ZWNJ + r"(?=\s|$)", re.M)
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_display(text: str) -> str:
    """Normalize text readers will see: letters unified, junk removed, ZWNJs kept."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LETTERS)
    text = _JUNK_RE.sub("", text)
    text = _ZWNJ_RUN_RE.sub(ZWNJ, text)
    text = _ZWNJ_EDGE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def to_persian_digits(value: object) -> str:
    return str(value).translate(_TO_PERSIAN_DIGITS)


def to_latin_digits(value: object) -> str:
    return str(value).translate(_TO_LATIN_DIGITS)


def normalize_html_text(fragment: str) -> str:
    """Unify letters and drop invisible junk inside an HTML fragment, leaving its markup alone."""
    if not fragment:
        return ""
    return _JUNK_RE.sub("", unicodedata.normalize("NFC", fragment).translate(_LETTERS))
