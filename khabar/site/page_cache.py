"""Whole-page caching for anonymous readers, with ETag and Last-Modified.

Views opt in with ``@cached_page``; ``khabar.site.middleware.PageCacheMiddleware``, first
in ``MIDDLEWARE``, stores their successful responses (with every header the other
middleware added) and answers the next request for the same URL straight from the cache,
before any other middleware or view runs. Entries live under the current *content
version*, a number bumped whenever what pages show changes: new articles
(``articles_stored``), and saves of articles, approved comments, categories, stories and
sources. They also expire after ``KHABAR_PAGE_CACHE_SECONDS`` (0 turns caching off),
which bounds staleness for changes made by other processes or by ``QuerySet.update()``.

A cached page carries no per-reader state, so every reader gets the same bytes: forms
fetch their CSRF token from ``/csrf/`` when the reader starts filling them, and article
views are counted by a beacon (``khabar/site/static/khabar/site.js``). Signed-in staff
get the same pages (nothing on them depends on who reads), so a session cookie, real or
fake, changes nothing.

The key is the path and the query parameters the view declares (``query=``), normalized:
``?page=02&utm_source=x`` is the page of ``?page=2``, and the view itself sees only the
normalized parameters, so an unknown parameter can neither bypass nor fill the cache.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

VERSION_KEY = "khabar:content-version"
# Headers never replayed from a stored page (set per answer).
_PER_ANSWER = {"content-length", "set-cookie", "etag", "last-modified", "date"}
MAX_PAGE_NUMBER = 100_000
MAX_PARAMETER_LENGTH = 200


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start (or an evicted key) never reuses an older version number.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY) or time.time_ns()
    return version


def bump_content_version(**kwargs) -> None:
    """Receiver for ``articles_stored`` and model saves: every cached page becomes stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def versioned_key(*parts) -> str:
    return ":".join(["khabar", str(content_version()), *map(str, parts)])


def is_cacheable_request(request) -> bool:
    return settings.KHABAR_PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD")


def _never_cached() -> tuple[str, ...]:
    return tuple(p for p in (settings.STATIC_URL, "/admin/", "/img/", "/csrf/") if p)


def lookup(request) -> tuple[str | None, dict | None]:
    """(key, stored entry or None) of a request the page cache may answer; (None, None) for one it
    may not (not GET/HEAD, caching off, static files, admin, images, the token endpoint)."""
    if not is_cacheable_request(request) or request.path.startswith(_never_cached()):
        return None, None
    key = page_key(request)
    return key, cache.get(key)


def page_key(request, query: str | None = None) -> str:
    """The cache key of a page: host, path and query string (as sent, unless ``query`` is given)."""
    if query is None:
        query = request.META.get("QUERY_STRING", "")
    path = f"{request.path}?{query}".encode("utf-8", "surrogateescape")
    where = f"{request.scheme}://{request.get_host()}".encode()
    return versioned_key("page", hashlib.blake2b(where + b"|" + path, digest_size=16).hexdigest())


# --- query parameters a cached view reads ---------------------------------------------------------
def page_number(value: str) -> str | None:
    """``?page=N``: a positive number (page 1 is the page without the parameter)."""
    value = value.strip()
    if not value.isdecimal() or len(value) > 6:
        return None
    number = int(value)
    return str(number) if 1 < number <= MAX_PAGE_NUMBER else None


def text(value: str) -> str | None:
    """Free text (a search query, a date): at most ``MAX_PARAMETER_LENGTH`` characters."""
    return value[:MAX_PARAMETER_LENGTH] or None


def one_of(*allowed: str):
    """A parameter with a few meaningful values (``?comment=sent``); any other value is dropped."""
    return lambda value: value if value in allowed else None


def normalized_query(params: QueryDict, spec: dict) -> str:
    """The query string of the declared parameters only, in declared order, each value normalized
    (the last one given, as ``QueryDict.get`` reads it)."""
    pairs = []
    for name, normalize in spec.items():
        value = params.get(name)
        if value is not None:
            value = normalize(value)
            if value:
                pairs.append((name, value))
    if not pairs:
        return ""
    query = QueryDict(mutable=True)
    for name, value in pairs:
        query[name] = value
    return query.urlencode()


def entry_from(response) -> dict | None:
    """What to store of a response a view marked cacheable; None when it must not be stored."""
    if not getattr(response, "khabar_cacheable", False) or response.status_code != 200 or response.streaming:
        return None
    if (
        response.cookies
        or "no-store" in response.get("Cache-Control", "")
        or "private" in response.get("Cache-Control", "")
    ):
        return None
    content = response.content
    # Browsers may keep the page but must ask (cheaply, with If-None-Match) before reusing it.
    patch_cache_control(response, no_cache=True)
    now = time.time()
    etag = f'"{hashlib.blake2b(content, digest_size=12).hexdigest()}"'
    headers = [(k, v) for k, v in response.items() if k.lower() not in _PER_ANSWER]
    headers += [("ETag", etag), ("Last-Modified", http_date(now)), ("Content-Length", str(len(content)))]
    return {
        "content": content,
        "headers": dict(headers),
        "etag": etag,
        "last_modified": int(now),
    }


def response_from(entry: dict) -> HttpResponse:
    return HttpResponse(entry["content"], headers=entry["headers"])


def revalidated(request, response: HttpResponse, entry: dict) -> HttpResponse:
    """The stored answer, or a 304 when the browser's copy (If-None-Match / If-Modified-Since) is current."""
    if "HTTP_IF_NONE_MATCH" not in request.META and "HTTP_IF_MODIFIED_SINCE" not in request.META:
        return response
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


def cached_page(view=None, *, query: dict | None = None):
    """Let the page cache keep ``view``'s successful GET answers, for everyone.

    ``query``: the parameters the view reads, name → normalizer (``page_number``, ``text``,
    ``one_of(...)``); the view sees only these, normalized, and the page is cached under them.
    A request that names others (``?utm_source=…``) is answered from the normalized page's entry.
    """
    spec = dict(query or {})

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            canonical = normalized_query(request.GET, spec)
            key = None
            if canonical != request.META.get("QUERY_STRING", ""):
                request.GET = QueryDict(canonical)
                if is_cacheable_request(request):
                    key = page_key(request, canonical)
                    entry = cache.get(key)
                    if entry is not None:  # the normalized page is cached: answer with it
                        response = response_from(entry)
                        response.khabar_entry = entry
                        return response
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                response.render()  # a TemplateResponse (e.g. the sitemap views)
            if is_cacheable_request(request) and response.status_code == 200:
                response.khabar_cacheable = True
                response.khabar_page_key = key  # None: the key of the request as sent
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def cached_value(name: str, compute, seconds: int = 60):
    """A value shared by many pages (e.g. the sidebar lists), cached under the content version."""
    key = versioned_key("value", name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
