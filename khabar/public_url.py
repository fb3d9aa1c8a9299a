"""The one place that turns a path of the site into the address readers and search engines see.

Used for canonical links, link previews, sitemaps and robots.txt, by the site and by the story pages
(the stories app sits below the site, so this lives beside the settings, not inside ``khabar.site``).
"""

from __future__ import annotations

from django.conf import settings


def public_url(request, path: str, page: int | None = None) -> str:
    """Absolute URL of ``path``: under ``KHABAR_SITE_URL`` when configured, else the request's scheme and host.

    ``page`` > 1 adds ``?page=N``, the only query a canonical address keeps.
    """
    if page and page > 1:
        path = f"{path}?page={page}"
    if settings.KHABAR_SITE_URL:
        return settings.KHABAR_SITE_URL + path
    return request.build_absolute_uri(path)
