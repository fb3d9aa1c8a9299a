"""An Atom feed of the originals' edits and removals (Django's syndication framework escapes it)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from khabar.originals.models import OriginalChange
from khabar.originals.selectors import recent_changes

FEED_ITEMS = 50


class ChangesAtom(Feed):
    feed_type = Atom1Feed
    language = "fa"
    title = "خبر: ویرایش‌ها و حذف‌های رسانه‌ها"
    subtitle = "خبرهایی که رسانه‌ها پس از انتشار ویرایش کردند یا از سایت خود برداشتند."

    def link(self):
        return reverse("site:original_changes")

    def items(self):
        return recent_changes()[:FEED_ITEMS]

    def item_title(self, item: OriginalChange) -> str:
        label = "ویرایش‌شده" if item.kind == OriginalChange.EDIT else "حذف‌شده از منبع"
        return f"{label}: {item.article.title}"

    def item_description(self, item: OriginalChange) -> str:
        if item.kind == OriginalChange.REMOVAL:
            return f"«{item.source.name}» این خبر را از سایت خود برداشت."
        fields = {"title": "تیتر", "text": "متن"}
        changed = " و ".join(fields[f] for f in item.changed if f in fields) or "متن"
        return f"«{item.source.name}» {changed} این خبر را پس از انتشار تغییر داد."

    def item_link(self, item: OriginalChange) -> str:
        return item.article.get_absolute_url()

    def item_guid(self, item: OriginalChange) -> str:
        return f"original-change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: OriginalChange):
        return item.detected_at

    def item_updateddate(self, item: OriginalChange):
        return item.detected_at

    def item_author_name(self, item: OriginalChange) -> str:
        return item.source.name
