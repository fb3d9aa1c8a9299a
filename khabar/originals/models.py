"""What became of each stored article's original: its re-check schedule, edits and removal.

``OriginalWatch`` (one per article) says when the outlet's page is fetched again, what the
last re-check found, and whether the page has gone (first seen gone, then confirmed by a
second check at least ``KHABAR_REMOVAL_CONFIRM_AFTER`` seconds later). ``OriginalChange`` is
one event readers see: an edit (a new revision of headline, lead and text, kept forever; the
article row keeps what was first stored) or a confirmed removal.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OriginalWatch(models.Model):
    PRESENT, SUSPECT, REMOVED = "present", "suspect", "removed"
    STATES = [(PRESENT, "در دسترس"), (SUSPECT, "در انتظار تأیید حذف"), (REMOVED, "حذف‌شده از منبع")]

    article = models.OneToOneField(
        "news.Article", on_delete=models.CASCADE, primary_key=True, related_name="original_watch"
    )
    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="original_watches")
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="None: no more re-checks.")
    last_checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time the page showed the latest known version."
    )
    last_result = models.CharField(max_length=200, blank=True)
    checks = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0, help_text="Re-checks in a row that proved nothing.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=PRESENT)
    gone_since = models.DateTimeField(null=True, blank=True, help_text="First re-check that found the page gone.")
    gone_reason = models.CharField(max_length=30, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, help_text="When the removal was confirmed.")
    edited_at = models.DateTimeField(null=True, blank=True, help_text="When the latest edit was detected.")
    # The page as last extracted (what the next re-check compares with); empty before the first re-check.
    page_title = models.CharField(max_length=500, blank=True)
    page_lead = models.TextField(blank=True)
    page_text = models.TextField(blank=True)

    class Meta:
        verbose_name = "پیگیری نسخه اصلی"
        verbose_name_plural = "پیگیری نسخه‌های اصلی"


class OriginalChange(models.Model):
    EDIT, REMOVAL = "edit", "removal"
    KINDS = [(EDIT, "ویرایش‌شده"), (REMOVAL, "حذف‌شده از منبع")]

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="original_changes")
    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="original_changes")
    kind = models.CharField(max_length=10, choices=KINDS)
    detected_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The change happened between this (the last check that saw the earlier state) and detected_at.
    unchanged_at = models.DateTimeField(null=True, blank=True)
    # An edit: the new revision, whole, and the one before it (as extracted from the page alike,
    # so that their diff shows the outlet's change, not the page's furniture).
    # A removal: first seen gone and why.
    title = models.CharField(max_length=500, blank=True)
    lead = models.TextField(blank=True)
    text = models.TextField(blank=True)
    before_title = models.CharField(max_length=500, blank=True)
    before_lead = models.TextField(blank=True)
    before_text = models.TextField(blank=True)
    changed_fields = models.CharField(max_length=50, blank=True, help_text="title, text (comma-separated).")
    gone_since = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = "تغییر نسخه اصلی"
        verbose_name_plural = "تغییرهای نسخه‌های اصلی"
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["source", "-detected_at"], name="original_change_source_idx")]

    @property
    def changed(self) -> list[str]:
        return [f for f in self.changed_fields.split(",") if f]
