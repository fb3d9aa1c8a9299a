"""What the console itself stores: the append-only audit log of staff actions, and takedowns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """An audit entry is never changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("the audit log is append-only")

    def delete(self):
        raise AppendOnly("the audit log is append-only")


class AuditEntry(models.Model):
    """One staff action in the console: who, when, what, on which object, and why."""

    ACTIONS = [
        ("takedown", "پنهان کردن"),
        ("restore", "بازگرداندن"),
        ("source_pause", "توقف منبع"),
        ("source_resume", "ازسرگیری منبع"),
        ("source_check", "بررسی فوری"),
        ("source_edit", "ویرایش منبع"),
        ("source_add", "افزودن منبع"),
        ("opml_import", "درون‌ریزی OPML"),
        ("opml_export", "برون‌بری OPML"),
        ("comment_approve", "تأیید نظر"),
        ("comment_reject", "رد نظر"),
        ("contact_read", "خوانده شد"),
        ("contact_unread", "خوانده‌نشده"),
    ]

    at = models.DateTimeField("زمان", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("کاربر", max_length=150, help_text="Kept when the user is deleted.")
    action = models.CharField("کار", max_length=30, choices=ACTIONS, db_index=True)
    object_type = models.CharField("گونهٔ شیء", max_length=30, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField("شیء", max_length=300, blank=True)
    reason = models.TextField("دلیل", blank=True)
    detail = models.TextField("جزئیات", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "رویداد ثبت‌شده"
        verbose_name_plural = "دفتر رویدادها"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("the audit log is append-only")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_label}"


class Takedown(models.Model):
    """An article or a whole story hidden from readers by an operator, until restored."""

    REASONS = [("outlet_request", "درخواست رسانه"), ("legal", "حقوقی"), ("error", "خطا")]

    article = models.ForeignKey("news.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey("stories.Story", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("دلیل", max_length=20, choices=REASONS)
    note = models.TextField("توضیح", blank=True)
    # The articles this takedown hid (a story's at the time), so a restore shows exactly these again.
    article_ids = models.JSONField(default=list)
    taken_at = models.DateTimeField(default=timezone.now, db_index=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = "پنهان‌سازی"
        verbose_name_plural = "پنهان‌سازی‌ها"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False) | models.Q(story__isnull=False), name="takedown_has_object"
            )
        ]

    @property
    def active(self) -> bool:
        return self.restored_at is None

    def __str__(self) -> str:
        what = f"article {self.article_id}" if self.article_id else f"story {self.story_id}"
        return f"{what}: {self.reason}"
