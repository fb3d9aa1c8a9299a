"""Console display filters: durations in Persian, status and error-class labels."""

from __future__ import annotations

from datetime import timedelta

from django import template

from khabar.crawler.status import ERROR_KIND_LABELS, STATUS_LABELS
from khabar.pipeline.persian import to_persian_digits

register = template.Library()


@register.filter
def duration_fa(value) -> str:
    """timedelta or seconds → «۳ ساعت و ۱۲ دقیقه», «۴۵ ثانیه»."""
    if value is None or value == "":
        return ""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else float(value))
    if seconds < 0:
        return "اکنون"
    if seconds < 60:
        text = f"{seconds} ثانیه"
    elif seconds < 3600:
        text = f"{seconds // 60} دقیقه"
    elif seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        text = f"{hours} ساعت" + (f" و {minutes} دقیقه" if minutes else "")
    else:
        days, hours = divmod(seconds // 3600, 24)
        text = f"{days} روز" + (f" و {hours} ساعت" if hours else "")
    return to_persian_digits(text)


@register.filter
def status_fa(value: str) -> str:
    return STATUS_LABELS.get(value, value)


@register.filter
def error_kind_fa(value: str) -> str:
    """``Feed.error_kind`` in the words `khabar sources status` uses too."""
    return ERROR_KIND_LABELS.get(value, value)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, key)
