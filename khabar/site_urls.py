"""``reverse()`` memoized: the site's links, computed once per name and arguments.

A list page links 50–150 articles, outlets and categories; Django's ``reverse`` costs tens of
microseconds each (a quarter of a home page's work in the profile). Paths only change with the
URLconf or the script prefix, both part of the key (and the memo is cleared when a test swaps
``ROOT_URLCONF``). Lives beside the settings, like ``public_url``, so every app may use it; its
``{% site_url 'site:home' %}`` tag (a template builtin, see ``TEMPLATES``) is ``{% url %}`` memoized.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=50_000)
def _reverse(urlconf: str, prefix: str, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


def site_path(viewname: str, *args) -> str:
    """``reverse(viewname, args=args)``, memoized."""
    return _reverse(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args)


register = template.Library()


@register.simple_tag(name="site_url")
def site_url_tag(viewname: str, *args) -> str:
    """``{% site_url 'site:article' article.pk %}``: ``{% url %}``, memoized (no ``as``, no keyword arguments)."""
    return site_path(viewname, *args)


def _clear(*, setting: str, **kwargs) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()


setting_changed.connect(_clear)
