"""Who is reading, without storing who: bot detection and an anonymous visitor key.

The visitor key is a hash of the IP address and User-Agent with a random salt that
changes every day and lives only in the cache, never in the database. It lets the
site count one view per reader per article per half hour and rate-limit comments;
neither the key nor the address is written anywhere (see the privacy page).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from django.core.cache import cache
from django.utils import timezone

_BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|headless|preview|facebookexternalhit|python-|httpx|curl|wget|"
    r"go-http-client|java/|libwww|okhttp|scrapy|feedfetcher|monitor|lighthouse|pingdom",
    re.I,
)
_PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")
SALT_TTL = 2 * 24 * 3600
_RATE_PREFIX = "khabar:rate"


def is_bot(request) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent.strip() or bool(_BOT_RE.search(agent))


def is_prefetch(request) -> bool:
    return any(
        "prefetch" in request.headers.get(h, "").lower() or "prerender" in request.headers.get(h, "").lower()
        for h in _PREFETCH_HEADERS
    )


def is_countable_view(request) -> bool:
    """A person's browser reporting an article shown (the page script's beacon, a POST), neither
    from a bot nor a speculative prefetch."""
    return request.method == "POST" and not is_bot(request) and not is_prefetch(request)


def _daily_salt() -> str:
    day = timezone.now().date().isoformat()
    return cache.get_or_set(f"khabar:visitor-salt:{day}", lambda: secrets.token_hex(16), SALT_TTL)


def visitor_key(request) -> str:
    """An opaque key for (IP address, User-Agent) valid for one day; kept only in the cache."""
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.headers.get("User-Agent", "")
    digest = hashlib.blake2b(f"{address}\n{agent}".encode(), key=_daily_salt().encode(), digest_size=16)
    return digest.hexdigest()


def first_sight(request, what: str, seconds: int) -> bool:
    """True the first time this visitor does ``what`` within ``seconds`` (atomic ``cache.add``)."""
    return cache.add(f"khabar:seen:{visitor_key(request)}:{what}", 1, seconds)


def within_rate(request, action: str, limit: int, seconds: int, now: float | None = None) -> bool:
    """Record one ``action`` by this visitor; False if it makes more than ``limit`` within ``seconds``."""
    now = time.time() if now is None else now
    key = f"{_RATE_PREFIX}:{action}:{visitor_key(request)}"
    recent = [t for t in cache.get(key, []) if now - t < seconds]
    if len(recent) >= limit:
        return False
    recent.append(now)
    cache.set(key, recent, seconds)
    return True
