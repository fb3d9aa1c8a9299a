"""Who is reading, without storing who: bot detection and an anonymous visitor key.

The visitor key is a hash of the IP address and User-Agent with a random salt that
changes every day and lives only in the cache, never in the database. It lets the
site count one view per reader per article per half hour; rate limits (comments, the
contact form) count per address alone (``address_key``: a /64 for IPv6). Neither key
nor address is written anywhere (see the privacy page).
"""

from __future__ import annotations

import hashlib
import ipaddress
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


def client_network(request) -> str:
    """The client's address, or its /64 network for IPv6 (one subscriber's share: any address in it is theirs)."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:198.51.100.7 is an IPv4 client
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def address_key(request) -> str:
    """An opaque key for the client's address (a /64 for IPv6) valid for one day; what rate limits count."""
    digest = hashlib.blake2b(client_network(request).encode(), key=_daily_salt().encode(), digest_size=16)
    return digest.hexdigest()


def first_sight(request, what: str, seconds: int) -> bool:
    """True the first time this visitor does ``what`` within ``seconds`` (atomic ``cache.add``)."""
    return cache.add(f"khabar:seen:{visitor_key(request)}:{what}", 1, seconds)


def within_rate(request, action: str, limit: int, seconds: int, now: float | None = None) -> bool:
    """Record one ``action`` from this address; False if it makes more than ``limit`` within ``seconds``.

    Keyed on the address (a /64 for IPv6) alone: a User-Agent is the client's to change at will.
    """
    now = time.time() if now is None else now
    key = f"{_RATE_PREFIX}:{action}:{address_key(request)}"
    recent = [t for t in cache.get(key, []) if now - t < seconds]
    if len(recent) >= limit:
        return False
    recent.append(now)
    cache.set(key, recent, seconds)
    return True
