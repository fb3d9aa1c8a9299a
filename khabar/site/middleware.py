"""PageCacheMiddleware: answers readers from the page cache before anything else runs.

It is the first middleware, so a cached page is answered before any other middleware
or view runs; what they would have added (security headers, Vary, Content-Language…)
was stored with the page. Cached pages carry no per-reader state (no CSRF token, no view
counting: see ``khabar.site.page_cache``), so the stored bytes are the answer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from khabar.site import page_cache


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key, entry = page_cache.lookup(request)
        if key is None:
            return self.get_response(request)
        if entry is None:
            response = self.get_response(request)
            entry = getattr(response, "khabar_entry", None)  # the view answered from a normalized key
            if entry is None:
                entry = page_cache.entry_from(response)
                if entry is None:
                    return response
                cache.set(getattr(response, "khabar_page_key", None) or key, entry, settings.KHABAR_PAGE_CACHE_SECONDS)
        return page_cache.revalidated(request, page_cache.response_from(entry), entry)
