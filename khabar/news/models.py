"""Category, Story and Article: what the site shows."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

# The categories every instance starts with (slug, Persian name), in menu order.
DEFAULT_CATEGORIES = [
    ("politics", "سیاسی"),
    ("economy", "اقتصادی"),
    ("society", "اجتماعی"),
    ("world", "بین‌الملل"),
    ("sports", "ورزشی"),
    ("culture", "فرهنگی"),
    ("science", "علمی و فناوری"),
    ("health", "سلامت"),
    ("incidents", "حوادث"),
    ("other", "سایر"),
]


class Category(models.Model):
    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField("نام", max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "دسته"
        verbose_name_plural = "دسته‌ها"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:category", args=[self.slug])


class Story(models.Model):
    """A group of articles about one event (filled by the stories step)."""

    title = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "رویداد"
        verbose_name_plural = "رویدادها"

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"


class ArticleQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False)

    def latest_first(self):
        return self.order_by("-published_at", "-id")


class Article(models.Model):
    # The numeric primary key is the site's own id, used in /news/<id>/.
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="articles")
    feed = models.ForeignKey("sources.Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    url = models.URLField("نشانی اصلی", max_length=1000, unique=True)
    guid = models.CharField(max_length=1000, blank=True)
    title = models.CharField("تیتر", max_length=500)
    lead = models.TextField("لید", blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField("زمان انتشار", db_index=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    content_hash = models.CharField(max_length=64, db_index=True, blank=True)
    hidden = models.BooleanField("پنهان", default=False, help_text="Taken down by an operator.")
    view_count = models.PositiveIntegerField(default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "خبر"
        verbose_name_plural = "اخبار"
        indexes = [
            models.Index(fields=["category", "-published_at"], name="article_category_latest_idx"),
            models.Index(fields=["source", "-published_at"], name="article_source_latest_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("site:article", args=[self.pk])
