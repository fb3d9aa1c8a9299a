"""Whole-page caching for anonymous readers, with ETag and Last-Modified.

Views opt in with ``@cached_page``; ``khabar.site.middleware.PageCacheMiddleware``, first
in ``MIDDLEWARE``, stores their successful responses (with every header the other
middleware added) and answers the next request for the same URL straight from the cache,
before any other middleware or view runs. Entries live under the current *content
version*, a number bumped whenever what pages show changes: new articles
(``articles_stored``), and saves of articles, approved comments, categories, stories and
sources. They also expire after ``KHABAR_PAGE_CACHE_SECONDS`` (0 turns caching off),
which bounds staleness for changes made by other processes or by ``QuerySet.update()``.

Pages with forms are stored with a CSRF placeholder that the middleware fills per
request. A view that must run something even for cached answers (the article page
counts a view) names it with ``on_hit`` (see ``HIT_HOOKS``).
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

VERSION_KEY = "khabar:content-version"
# Headers never replayed from a stored page (set per answer).
_PER_ANSWER = {"content-length", "set-cookie", "etag", "last-modified", "date"}
# Work a cached answer still needs, by name: filled in by the apps (e.g. "article_view").
HIT_HOOKS: dict[str, object] = {}


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
    return (
        settings.KHABAR_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # signed-in staff see live pages
    )


def page_key(request) -> str:
    path = request.get_full_path().encode("utf-8", "surrogateescape")
    where = f"{request.scheme}://{request.get_host()}".encode()
    return versioned_key("page", hashlib.blake2b(where + b"|" + path, digest_size=16).hexdigest())


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
        "on_hit": getattr(response, "khabar_on_hit", None),
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


def cached_page(view=None, *, on_hit: str | None = None):
    """Let the page cache keep ``view``'s successful GET answers for anonymous readers.

    ``on_hit``: a name in ``HIT_HOOKS`` called as ``hook(request, **view_kwargs)`` for every
    answer, cached or not (the view calls it itself when it renders).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                response.render()  # a TemplateResponse (e.g. the sitemap views)
            if is_cacheable_request(request) and response.status_code == 200:
                response.khabar_cacheable = True
                if on_hit:
                    response.khabar_on_hit = (on_hit, kwargs)
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
