"""Recognise anti-bot walls: a challenge page instead of the feed or article asked for.

Outlets behind Cloudflare, ArvanCloud (common for Iranian sites) or an Akamai-style
firewall sometimes answer a crawler with a JavaScript challenge or an "Access
denied" page. Such an answer must be reported as what it is ("blocked by an
anti-bot wall") and never parsed as a feed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TITLE = re.compile(rb"<title[^>]*>\s*([^<]{0,200}?)\s*</title>", re.I)
# (wall, body pattern) that only a challenge page's code carries: trusted whatever the status.
_CHALLENGE_CODE = (
    (
        "Cloudflare challenge",
        re.compile(rb"/cdn-cgi/challenge-platform/|window\._cf_chl_opt|cf-browser-verification", re.I),
    ),
    ("ArvanCloud challenge", re.compile(rb"__arcsjs|/cdn-cgi/arvan|arvancloud-challenge", re.I)),
)
# Words of a wall's page, trusted on an error status only (an article may mention them).
_WALL_WORDS = (
    ("ArvanCloud challenge", re.compile(rb"arvancloud", re.I)),
    ("Sucuri firewall", re.compile(rb"sucuri website firewall|sucuri_cloudproxy", re.I)),
    ("DDoS-Guard challenge", re.compile(rb"ddos-guard", re.I)),
)
# Page titles of challenge and denial pages (checked on error statuses only, and on
# 200 answers only for the unmistakable "Just a moment...").
_CHALLENGE_TITLES = {
    b"just a moment...": "Cloudflare challenge",
    b"attention required! | cloudflare": "Cloudflare block page",
    b"access denied": "Access denied page",
    b"403 forbidden - arvancloud": "ArvanCloud block page",
    b"ddos-guard": "DDoS-Guard challenge",
}
_WALL_STATUSES = {401, 403, 429, 503}


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def detect_wall(status: int, headers: Mapping[str, str], body_head: bytes) -> str | None:
    """The name of the anti-bot wall this response is, or None for an ordinary response.

    ``body_head`` is the start of the (decoded) body; 64 KiB is plenty.
    """
    if _header(headers, "cf-mitigated").lower() == "challenge":
        return "Cloudflare challenge"
    server = _header(headers, "server").lower()
    title_match = _TITLE.search(body_head[:65536])
    title = title_match.group(1).strip().lower() if title_match else b""
    if title == b"just a moment...":
        return "Cloudflare challenge"
    for wall, pattern in _CHALLENGE_CODE:
        if pattern.search(body_head[:65536]):
            return wall
    if status not in _WALL_STATUSES:
        return None
    for wall, pattern in _WALL_WORDS:
        if pattern.search(body_head[:65536]):
            return wall
    if title in _CHALLENGE_TITLES:
        return _CHALLENGE_TITLES[title]
    if "arvancloud" in server:
        return "ArvanCloud block page"
    if "cloudflare" in server and status in (403, 503):
        return "Cloudflare block page"
    if status == 403 and re.search(rb"access denied|you don't have permission to access", body_head[:4096], re.I):
        return "Access denied page"
    return None
