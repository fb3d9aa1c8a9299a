"""Tags and filters of the site's templates: cacheable CSRF fields, reader-safe body HTML, feed health, the sidebar,
the credit line."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from khabar.news.credits import article_credits
from khabar.pipeline.persian import display_digits_html
from khabar.pipeline.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from khabar.site import selectors
from khabar.site.page_cache import cached_value

register = template.Library()

# Images inside an outlet's body would make the reader's browser contact the outlet: dropped.
_READER_TAGS = ALLOWED_TAGS - {"img"}
_READER_ATTRIBUTES = {tag: attrs for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag != "img"}
# Paragraphs that mix Persian and Latin take their direction from their own first strong letter.
_AUTO_DIR = {
    tag: {"dir": "auto"}
    for tag in ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th", "div")
}

READER_HTML_SECONDS = 24 * 3600
# Feed.status values (khabar/pipeline/health.py) in Persian.
FEED_STATUS = {
    "ok": "سالم",
    "slow": "کند",
    "failing": "خطا",
    "new": "هنوز بررسی نشده",
    "paused": "متوقف (خطای طولانی)",
    "disabled": "غیرفعال",
}


@register.simple_tag(takes_context=True)
def form_csrf_field(context) -> SafeString:
    """A form's CSRF field. Cached pages carry no token: the page script fetches it from
    ``/csrf/`` when the reader starts filling the form (``data-csrf`` on the form). Answers that
    are never cached (``live_csrf``: a form sent back with errors) carry the reader's own."""
    token = get_token(context["request"]) if context.get("live_csrf") else ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.filter
def reader_html(value: str, base_url: str | None = None) -> SafeString:
    """Stored body HTML as shown to readers: sanitized again, no images, ``dir="auto"`` blocks,
    Persian digits in its text (``display_digits_html``).

    ``base_url`` (the article's own URL) resolves links left relative in older stored bodies.
    """
    if not value:
        return mark_safe("")
    # Sanitizing and digit conversion cost ~1 ms for a long body: done once per body, then cached
    # (the key is the body itself, so an edited body is never served stale).
    digest = hashlib.blake2b(f"{base_url}\n{value}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    key = f"khabar:reader-html:{digest}"
    html = cache.get(key)
    if html is None:
        html = display_digits_html(
            sanitize_html(
                value, base_url, tags=_READER_TAGS, attributes=_READER_ATTRIBUTES, set_tag_attribute_values=_AUTO_DIR
            )
        )
        cache.set(key, html, READER_HTML_SECONDS)
    return mark_safe(html)


@register.filter
def feed_status(value: str) -> str:
    return FEED_STATUS.get(value, value)


@register.filter
def public_feed_address(url: str) -> str:
    """A feed's address as readers see it: host and path only (no credentials, port, query or fragment,
    which may hold an outlet's key)."""
    try:
        parts = urlsplit(url or "")
        host = parts.hostname or ""
    except ValueError:
        return ""
    return f"{host}{parts.path}" if host else ""


@register.simple_tag
def sidebar_boxes() -> SafeString:
    """The «پربازدیدها» and «پربحث‌ترین‌ها» boxes of every page's sidebar: rendered once and shared
    by every page as HTML until the content changes (at most a minute: views change the ranking)."""
    return mark_safe(
        cached_value(
            "sidebar-html",
            lambda: render_to_string("site/includes/sidebar.html", selectors.sidebar_lists()),
            selectors.SIDEBAR_CACHE_SECONDS,
        )
    )


@register.inclusion_tag("site/includes/credit_line.html")
def credit_line(article) -> dict:
    """«به گزارش … به نقل از …» of an article, its outlets linked to their pages here when we crawl them."""
    return {"credit": article_credits([article]).get(article.pk)}


_EMPTY_FORM_FIELDS: dict[tuple, SafeString] = {}


@register.simple_tag
def comment_fields(form) -> SafeString:
    """The comment form's fields. An empty form's are the same on every article page: rendered once
    (Django's widget templates cost more than the rest of the form); a form sent back with errors is
    rendered each time."""
    if form.is_bound:
        return render_to_string("site/includes/comment_fields.html", {"form": form})
    key = (type(form), get_language())
    html = _EMPTY_FORM_FIELDS.get(key)
    if html is None:
        html = _EMPTY_FORM_FIELDS[key] = render_to_string("site/includes/comment_fields.html", {"form": form})
    return html
