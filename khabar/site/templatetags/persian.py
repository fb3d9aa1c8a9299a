"""Persian display filters: Jalali dates (Tehran time), Persian digits, safe outbound URLs."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeData, mark_safe

from khabar.pipeline.dates import format_jalali, format_jalali_date
from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.persian import display_digits, display_digits_html, to_persian_digits

register = template.Library()


@register.filter
def jalali(value) -> str:
    """datetime → «۱۵:۴۴ - ۲۷ مهر ۱۴۰۰» (Tehran time)."""
    if not value:
        return ""
    return format_jalali(value)


@register.filter
def jalali_date(value) -> str:
    """datetime → «۲۷ مهر ۱۴۰۰» (Tehran time)."""
    if not value:
        return ""
    return format_jalali_date(value)


@register.filter
def fa_digits(value) -> str:
    """Latin and Arabic-Indic digits → Persian digits."""
    if value is None:
        return ""
    return to_persian_digits(value)


@register.filter(is_safe=True)
def fa_text(value) -> str:
    """Text readers see (titles, leads, names, snippets) with Persian digits; URLs, Latin-glued
    and code-like tokens keep theirs. HTML already made safe (a highlighted snippet) is converted
    in its text only. Nearly free on text without Latin or Arabic-Indic digits."""
    if value is None:
        return ""
    if isinstance(value, SafeData):
        return mark_safe(display_digits_html(str(value)))
    return display_digits(str(value))


@register.filter
def fa_short(value, length: int) -> str:
    """``fa_text`` of the text cut to ``length`` characters (an ellipsis included when cut): a slice,
    where ``truncatechars`` walks every character in Python (most of a list page's leads)."""
    if not value:
        return ""
    text = str(value)
    length = int(length)
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return display_digits(text)


@register.filter
def http_url(value) -> str:
    """The URL if it is an absolute http(s) URL, else "" (never a javascript: or data: link)."""
    value = (value or "").strip()
    return value if is_http_url(value) else ""


@register.filter
def iso_datetime(value) -> str:
    """A valid HTML ``datetime`` attribute (seconds precision, local offset)."""
    if not value:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
