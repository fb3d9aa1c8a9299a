"""Source (an outlet) and Feed (one of its RSS/Atom/RDF feeds)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone


class Source(models.Model):
    name = models.CharField("نام", max_length=200)
    slug = models.SlugField(unique=True, max_length=100)
    homepage = models.URLField("صفحهٔ اصلی", max_length=500, blank=True)
    active = models.BooleanField("فعال", default=True)
    weight = models.FloatField("وزن", default=1.0, help_text="Importance of the outlet in ranking (1 = normal).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "منبع"
        verbose_name_plural = "منابع"

    def __str__(self) -> str:
        return self.name


class FeedQuerySet(models.QuerySet):
    def due(self, now=None):
        """Active feeds of active sources whose next check time has come (Miniflux's scheduler query)."""
        now = now or timezone.now()
        return self.filter(active=True, source__active=True, next_check_at__lte=now).order_by("next_check_at", "id")


class Feed(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField("نشانی خوراک", max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    category = models.ForeignKey(
        "news.Category", null=True, blank=True, on_delete=models.SET_NULL,
        help_text="Category of the items this feed carries (a hint; items may say otherwise).",
    )
    active = models.BooleanField(default=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    check_interval = models.PositiveIntegerField(default=300, help_text="Seconds between two checks.")
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    error_streak = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    items_seen = models.PositiveIntegerField(default=0, help_text="Articles stored from this feed.")

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "url"]
        verbose_name = "خوراک"
        verbose_name_plural = "خوراک‌ها"
        indexes = [models.Index(fields=["active", "next_check_at"], name="feed_due_idx")]

    def __str__(self) -> str:
        return self.url

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()

    @property
    def status(self) -> str:
        if not self.active:
            return "paused"
        if self.error_streak:
            return "failing"
        if self.last_success_at is None:
            return "new"
        return "ok"

    def record_success(self, *, etag: str = "", last_modified: str = "", new_items: int = 0, now=None) -> None:
        now = now or timezone.now()
        self.etag = etag[:500]
        self.last_modified = last_modified[:100]
        self.last_checked_at = now
        self.last_success_at = now
        self.error_streak = 0
        self.last_error = ""
        self.items_seen += new_items
        self.next_check_at = now + timedelta(seconds=self.check_interval)

    def record_error(self, message: str, *, now=None) -> None:
        """Remember a failure with a readable message; back off exponentially (capped at 6 h)."""
        now = now or timezone.now()
        self.last_checked_at = now
        self.error_streak += 1
        self.last_error = message[:2000]
        self.last_error_at = now
        backoff = min(self.check_interval * (2 ** min(self.error_streak - 1, 10)), 6 * 3600)
        self.next_check_at = now + timedelta(seconds=backoff)
