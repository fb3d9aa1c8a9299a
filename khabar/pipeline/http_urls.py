"""The one test of "is this a web address Khabar may fetch or link to".

An absolute ``http``/``https`` URL with a host: never a ``javascript:``, ``data:``
or ``mailto:`` link, a relative path or a scheme-relative ``//host/path`` (resolve
those against their page first). Used on addresses found in feeds and pages, in
stored articles and in templates. It checks the shape only: user input (``khabar
sources add``) deserves a stricter validator on top.
"""

from __future__ import annotations

from urllib.parse import urlsplit

HTTP_SCHEMES = frozenset({"http", "https"})


def is_http_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host name (surrounding spaces allowed)."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())  # lower-cases the scheme
        return parts.scheme in HTTP_SCHEMES and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket: not an address anyone can fetch
        return False
