"""Template tags of the stories app: ``{% load story_tags %}{% top_stories_box %}`` (e.g. on the home page)."""

from __future__ import annotations

from django import template

from khabar.stories.selectors import attach_outlets, top_stories

register = template.Library()


@register.inclusion_tag("stories/top_box.html")
def top_stories_box(limit: int = 5) -> dict:
    """«در صدر رسانه‌ها»: the most important stories now, with the outlets covering each (two queries)."""
    return {"top_stories": attach_outlets(list(top_stories()[:limit]))}
