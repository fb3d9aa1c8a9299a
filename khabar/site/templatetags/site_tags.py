"""Tags and filters of the site's templates: cacheable CSRF fields, reader-safe body HTML, feed health, the sidebar,
the credit line."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString, mark_safe

from khabar.news.credits import article_credits
from khabar.pipeline.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from khabar.site import selectors
from khabar.site.middleware import CSRF_PLACEHOLDER

register = template.Library()

# Images inside an outlet's body would make the reader's browser contact the outlet: dropped.
_READER_TAGS = ALLOWED_TAGS - {"img"}
_READER_ATTRIBUTES = {tag: attrs for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag != "img"}
# Paragraphs that mix Persian and Latin take their direction from their own first strong letter.
_AUTO_DIR = {
    tag: {"dir": "auto"}
    for tag in ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th", "div")
}

# Feed.status values (khabar/pipeline/health.py) in Persian.
FEED_STATUS = {
    "ok": "سالم",
    "slow": "کند",
    "failing": "خطا",
    "new": "هنوز بررسی نشده",
    "paused": "متوقف (خطای طولانی)",
    "disabled": "غیرفعال",
}


@register.simple_tag
def cacheable_csrf_token() -> SafeString:
    """The CSRF field with a placeholder that PageCacheMiddleware fills per request."""
    return mark_safe(f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">')


@register.filter
def reader_html(value: str, base_url: str | None = None) -> SafeString:
    """Stored body HTML as shown to readers: sanitized again, no images, ``dir="auto"`` blocks.

    ``base_url`` (the article's own URL) resolves links left relative in older stored bodies.
    """
    if not value:
        return mark_safe("")
    return mark_safe(
        sanitize_html(
            value, base_url, tags=_READER_TAGS, attributes=_READER_ATTRIBUTES, set_tag_attribute_values=_AUTO_DIR
        )
    )


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


@register.inclusion_tag("site/includes/sidebar.html")
def sidebar_boxes() -> dict:
    """The «پربازدیدها» and «پربحث‌ترین‌ها» boxes of every page's sidebar (cached for a minute)."""
    return selectors.sidebar()


@register.inclusion_tag("site/includes/credit_line.html")
def credit_line(article) -> dict:
    """«به گزارش … به نقل از …» of an article, its outlets linked to their pages here when we crawl them."""
    return {"credit": article_credits([article]).get(article.pk)}
