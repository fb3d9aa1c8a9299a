"""Template tags of the originals app: ``{% load originals_tags %}{% original_notice article %}`` on the
article page, ``{% original_counts source %}`` on an outlet's page."""

from __future__ import annotations

from django import template

from khabar.originals.selectors import COUNT_DAYS, article_notice, outlet_counts

register = template.Library()


@register.inclusion_tag("originals/notice.html")
def original_notice(article) -> dict:
    return {"notice": article_notice(article), "article": article}


@register.inclusion_tag("originals/counts.html")
def original_counts(source) -> dict:
    return {"counts": outlet_counts(source.pk), "source": source, "days": COUNT_DAYS}
