"""Readers' comments on articles (shown only after a moderator approves them)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

NAME_MAX_LENGTH = 80
TEXT_MAX_LENGTH = 2000


class Comment(models.Model):
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
