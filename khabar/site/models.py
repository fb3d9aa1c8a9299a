"""What the site itself stores: readers' comments, contact messages and daily view counts."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

NAME_MAX_LENGTH = 80
TEXT_MAX_LENGTH = 2000
CONTACT_TEXT_MAX_LENGTH = 5000


class Comment(models.Model):
    """A reader's comment; shown once ``approved`` (at once when KHABAR_COMMENTS_MODERATED is off)."""

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="comments", verbose_name="خبر")
    name = models.CharField("نام", max_length=NAME_MAX_LENGTH)
    text = models.TextField("متن", max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField("زمان ارسال", default=timezone.now, db_index=True)
    approved = models.BooleanField("تأییدشده", default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "نظر"
        verbose_name_plural = "نظرها"
        indexes = [
            models.Index(fields=["article", "approved", "created_at"], name="comment_article_approved_idx"),
            models.Index(fields=["approved", "created_at"], name="comment_approved_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:40]}"


class ContactMessage(models.Model):
    """A message sent with the form on /contact/ (read in the admin)."""

    SUBJECTS = [
        ("general", "پرسش یا پیشنهاد"),
        ("correction", "گزارش خطا در یک خبر"),
        ("publisher", "ناشران و رسانه‌ها"),
        ("advertising", "تبلیغات"),
        ("other", "سایر"),
    ]

    name = models.CharField("نام", max_length=NAME_MAX_LENGTH)
    email = models.EmailField("رایانامه", blank=True)
    subject = models.CharField("موضوع", max_length=20, choices=SUBJECTS, default="general")
    text = models.TextField("متن پیام", max_length=CONTACT_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField("زمان ارسال", default=timezone.now, db_index=True)
    handled = models.BooleanField("رسیدگی‌شده", default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "پیام تماس"
        verbose_name_plural = "پیام‌های تماس"

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:40]}"


class ArticleDailyViews(models.Model):
    """Views of one article on one day (UTC), added in batches by ``khabar.site.view_counter``.

    Only the last few days are kept; «پربازدیدها» sums them over 24 hours or 7 days.
    """

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "بازدید روزانه"
        verbose_name_plural = "بازدیدهای روزانه"
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="daily_views_article_day_uniq")]
        # Covering index for the ranking: rows of recent days, summed per article.
        indexes = [models.Index(fields=["day", "article", "count"], name="daily_views_day_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"
