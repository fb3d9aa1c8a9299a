"""A feed's health in one word, and when a failing feed is paused.

``feed_status`` is what ``khabar sources status`` and the admin show:

* ``new``: never fetched successfully, no error yet;
* ``ok``: the last check succeeded;
* ``slow``: the last check succeeded but the answer took longer than ``slow_after`` seconds
  (the setting ``KHABAR_SLOW_FEED_SECONDS``);
* ``failing``: the last check(s) failed; the error class says why;
* ``paused``: failing for longer than the configured time (``KHABAR_PAUSE_FAILING_AFTER``):
  no longer polled until an operator resumes it; listed, never hidden;
* ``disabled``: turned off by an operator.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def feed_status(
    *,
    active: bool,
    paused: bool,
    error_streak: int,
    last_success_at: datetime | None,
    last_fetch_seconds: float | None,
    slow_after: float,
) -> str:
    if not active:
        return "disabled"
    if paused:
        return "paused"
    if error_streak:
        return "failing"
    if last_success_at is None:
        return "new"
    if last_fetch_seconds is not None and last_fetch_seconds > slow_after:
        return "slow"
    return "ok"


def should_pause(failing_since: datetime | None, now: datetime, pause_after: timedelta) -> bool:
    """True when a feed has failed without a success for longer than ``pause_after``."""
    return failing_since is not None and pause_after.total_seconds() > 0 and now - failing_since >= pause_after


# Why a failing feed fails, in classes an operator acts on differently: (English for the command line,
# Persian for the site and the console). Set on the feed with each failure (``Feed.failure_class``).
FAILURE_CLASSES = {
    "wrong_url": ("wrong URL: the address answers 404/410 or a page that is not a feed", "نشانی نادرست"),
    "unreachable": (
        "unreachable from here: every address of the host times out or is reset (possibly a geographic block)",
        "دسترس‌ناپذیر از اینجا",
    ),
    "network": ("this address timed out or failed while the host answers otherwise", "خطای شبکه"),
    "refused": ("refused: an anti-bot wall, robots.txt, 401/403 or a non-public address", "دسترسی بسته"),
    "server": ("the outlet's server failed (5xx) or asked us to wait (429)", "خطای کارگزار"),
    "broken": ("the answer came but could not be read (XML, compression, size, redirects)", "پاسخ خراب"),
    "internal": ("a crawler error (a bug or a database failure), not the outlet's fault", "خطای خزنده"),
}
NETWORK_KINDS = frozenset({"timeout", "connect", "dns", "tls"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def looks_like_html(content_type: str, head: bytes = b"") -> bool:
    """An HTML page, by its type or, when the type says nothing useful, by its first bytes."""
    if content_type in _HTML_TYPES:
        return True
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def failure_class(error_kind: str, status: int | None, *, html_answer: bool = False, host_unreachable: bool) -> str:
    """The class (``FAILURE_CLASSES``) of a failed check.

    ``status`` is the HTTP status of the answer (0/None: none came); ``html_answer``: the answer
    was an HTML page; ``host_unreachable``: no address of the host answered lately either
    (robots.txt included).
    """
    if error_kind == "internal":
        return "internal"
    if error_kind in NETWORK_KINDS:
        return "unreachable" if host_unreachable else "network"
    if error_kind in ("antibot", "robots", "blocked") or (error_kind == "http" and status in (401, 403, 451)):
        return "refused"
    if error_kind == "http" and (not status or status >= 500 or status == 429):
        return "server"  # also a host paused by an earlier Retry-After
    if error_kind in ("http", "url", "content_type"):
        return "wrong_url"  # 404, 410, another 4xx; not an address; an image or a PDF where a feed should be
    if error_kind == "parse" and html_answer:
        return "wrong_url"  # an HTML page where a feed should be
    return "broken"
