"""Story (one event, every outlet's coverage), the stories index state and learned term counts, articles the
assignment failed on, and homepage lead sightings.

The first tables were created by the news app and keep their names (``news_story``, …): those models moved
here without a schema change (see ``migrations/0001_move_from_news.py``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from khabar.news.models import Article
from khabar.pipeline.persian import to_persian_digits
from khabar.site_urls import site_path
from khabar.sources.models import Category


class StoryQuerySet(models.QuerySet):
    def current(self):
        """Stories not merged into another one."""
        return self.filter(merged_into__isnull=True)


class Story(models.Model):
    """A group of articles about one event: every outlet's coverage (filled by ``khabar.stories.assignment``)."""

    title = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When two stories turn out to be one, the newer id redirects to the story it was merged into.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_stories"
    )
    central_article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The article closest to the story's centroid; its headline names the story.",
    )
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")
    first_published_at = models.DateTimeField(null=True, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    outlet_count = models.PositiveIntegerField(default=0)
    # Ranking ("at the top of the media"): see khabar.pipeline.stories.ranking.
    score = models.FloatField(default=0.0, db_index=True)
    pickup_count = models.PositiveIntegerField(
        default=0, help_text="Outlets within two hours of the first publication."
    )
    leading_count = models.PositiveIntegerField(
        default=0, help_text="Outlets with the story in a homepage lead slot now."
    )
    lead_hours = models.FloatField(default=0.0, help_text="Outlet-hours spent in homepage lead slots.")
    ranked_at = models.DateTimeField(null=True, blank=True)
    # The clustering state (sparse centroid), so a new process rebuilds its index without re-reading texts.
    centroid = models.BinaryField(blank=True, default=b"", editable=False)
    revision = models.PositiveBigIntegerField(default=0, db_index=True, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = "رویداد"
        verbose_name_plural = "رویدادها"
        db_table = "news_story"
        indexes = [models.Index(fields=["category", "-score"], name="story_category_score_idx")]

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"

    def get_absolute_url(self) -> str:
        return site_path("site:story", self.pk)

    @property
    def why_ranked(self) -> str:
        """Why the story ranks, for readers: «۱۲ رسانه، ۴ در صدر»."""
        parts = [f"{to_persian_digits(self.outlet_count)} رسانه"]
        if self.leading_count:
            parts.append(f"{to_persian_digits(self.leading_count)} در صدر")
        return "، ".join(parts)


def _new_epoch() -> str:
    return uuid.uuid4().hex


class StoryIndexState(models.Model):
    """One row: the generation of the stories index, so that every process sees others' changes."""

    generation = models.PositiveBigIntegerField(default=0)
    # A new token whenever the row is created: an index built from another database is thrown away.
    epoch = models.CharField(max_length=32, default=_new_epoch)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "وضعیت نمایه رویدادها"
        db_table = "news_storyindexstate"


class StoryTermCounts(models.Model):
    """One row: the document frequencies the stories' TF-IDF learned from the stream (see ``term_counts.py``),
    so that a restart, or another process, starts from them rather than from nothing."""

    documents = models.PositiveBigIntegerField(default=0)
    terms = models.PositiveIntegerField(default=0)
    counts = models.BinaryField(blank=True, default=b"", editable=False)  # packed (term id, count) pairs
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "بسامد واژه‌های رویدادها"


class StoryAssignmentFailure(models.Model):
    """An article the story assignment failed on: the catch-up leaves it out after a few failures."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="story_failure")
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "شکست در گروه‌بندی خبر"
        verbose_name_plural = "شکست‌های گروه‌بندی خبر"


class FrontPageCheck(models.Model):
    """When an outlet's homepage is read next (its lead slots), and how the last read went."""

    source = models.OneToOneField("sources.Source", on_delete=models.CASCADE, related_name="front_page_check")
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    leads_found = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "بررسی صفحهٔ اول"
        verbose_name_plural = "بررسی‌های صفحهٔ اول"
        db_table = "news_frontpagecheck"


class FrontPageLead(models.Model):
    """An article seen in one slot of its outlet's homepage (1 = the lead), from first to last sighting."""

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="front_page_leads")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="front_page_leads")
    slot = models.PositiveSmallIntegerField(
        default=1, help_text="Place in the homepage's prominence order: 1 = the lead, then the top slots."
    )
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "خبر صدر صفحهٔ اول"
        verbose_name_plural = "خبرهای صدر صفحهٔ اول"
        db_table = "news_frontpagelead"
        indexes = [models.Index(fields=["source", "article", "-last_seen_at"], name="frontpagelead_lookup_idx")]
