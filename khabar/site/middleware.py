"""PageCacheMiddleware: answers anonymous readers from the page cache and fills CSRF tokens.

It is the first middleware, so a cached page is answered before any other middleware
or view runs; what they would have added (security headers, Vary, Content-Language…)
was stored with the page. Pages with forms render ``{% cacheable_csrf_token %}``, a
placeholder, so one rendering serves every reader; this middleware replaces it with the
reader's own token and sets the CSRF cookie when needed, for cached and fresh pages alike.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import patch_vary_headers

from khabar.site import page_cache

CSRF_PLACEHOLDER = "@@khabar-csrf-token@@"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
TOKEN_MEMORY = 20_000  # masked tokens remembered per CSRF secret (a returning reader's cookie)


def _no_response(request):  # CsrfViewMiddleware needs a get_response; it is never called here
    raise AssertionError("not used")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(_no_response)
        self.skip = tuple(p for p in (settings.STATIC_URL, "/admin/", "/img/") if p)
        self.tokens: dict[str, str] = {}

    def __call__(self, request):
        if not page_cache.is_cacheable_request(request) or request.path.startswith(self.skip):
            return self.fill_csrf(request, self.get_response(request))
        key = page_cache.page_key(request)
        entry = cache.get(key)
        if entry is None:
            response = self.get_response(request)
            entry = page_cache.entry_from(response)
            if entry is None:
                return self.fill_csrf(request, response)
            cache.set(key, entry, settings.KHABAR_PAGE_CACHE_SECONDS)
            response = page_cache.response_from(entry)  # the same headers as every later answer
        else:
            response = page_cache.response_from(entry)
            if entry["on_hit"]:
                name, kwargs = entry["on_hit"]
                page_cache.HIT_HOOKS[name](request, **kwargs)
        return self.fill_csrf(request, page_cache.revalidated(request, response, entry))

    def fill_csrf(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        if _PLACEHOLDER_BYTES not in content:
            return response
        if "CSRF_COOKIE" not in request.META:
            self.csrf.process_request(request)  # reads the reader's CSRF cookie, if any
        response.content = content.replace(_PLACEHOLDER_BYTES, self.token(request).encode())
        response["Content-Length"] = str(len(response.content))
        patch_vary_headers(response, ("Cookie",))
        return self.csrf.process_response(request, response)  # sets the cookie when new

    def token(self, request) -> str:
        """The reader's masked CSRF token. Masking costs 32 random characters, so a returning
        reader (valid cookie) gets the token made for that cookie before; a new one gets a new
        secret, token and cookie from Django."""
        secret = request.META.get("CSRF_COOKIE")
        if not secret:
            return get_token(request)
        token = self.tokens.get(secret)
        if token is None:
            if len(self.tokens) >= TOKEN_MEMORY:
                self.tokens.clear()
            token = self.tokens[secret] = get_token(request)
        return token
