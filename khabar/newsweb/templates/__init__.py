"""HTML rendering of the outlets' pages (seven structurally different layouts)."""

from __future__ import annotations

from khabar.newsweb.templates.common import (
    TEHRAN,
    Link,
    PageContext,
    esc,
    gregorian_to_jalali,
    iso,
    jalali_dateline,
)
from khabar.newsweb.templates.layouts_a import DivSoup, Html5, Layout, Microdata, TableLayout
from khabar.newsweb.templates.layouts_b import AspNet, Magazine, SportsPortal

LAYOUTS: dict[str, Layout] = {
    cls.name: cls() for cls in (DivSoup, Html5, TableLayout, Microdata, Magazine, SportsPortal, AspNet)
}


def render_article(ctx: PageContext) -> str:
    return LAYOUTS[ctx.spec.layout].article(ctx)


def render_listing(ctx: PageContext) -> str:
    """Homepage (``ctx.section`` None) or a section page."""
    return LAYOUTS[ctx.spec.layout].listing(ctx)


def render_simple(ctx: PageContext, title: str, text: str) -> str:
    return LAYOUTS[ctx.spec.layout].simple(ctx, title, text)


def render_404(ctx: PageContext | None = None) -> str:
    name = esc(ctx.spec.name) if ctx else ""
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f"<title>صفحه پیدا نشد - {name}</title></head><body><h1>۴۰۴</h1>"
        '<p>صفحه مورد نظر پیدا نشد.</p><p><a href="/">بازگشت به صفحه نخست</a></p></body></html>\n'
    )


__all__ = [
    "LAYOUTS",
    "TEHRAN",
    "Link",
    "PageContext",
    "gregorian_to_jalali",
    "iso",
    "jalali_dateline",
    "render_404",
    "render_article",
    "render_listing",
    "render_simple",
]
