"""Article: one stored news item, what the site lists and shows.

Its category is a ``sources.Category``; its story a ``stories.Story`` (the stories app builds them).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from khabar.site_urls import site_path
from khabar.sources.models import Category


class ArticleQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False)

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    def originals(self):
        """Without near-duplicates: a republished copy is shown once, with its original."""
        return self.filter(duplicate_of__isnull=True)


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
    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # A near-duplicate (the same copy republished) points to the earliest article of its group.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    minhash = models.BinaryField(blank=True, default=b"", editable=False, help_text="Near-duplicate signature.")
    content_hash = models.CharField(max_length=64, db_index=True, blank=True)
    # The credit chain the text states («به گزارش X از P به نقل از Y»: khabar.pipeline.attribution.article_credit).
    credit_reported_by = models.CharField("به گزارش", max_length=200, blank=True, help_text="The reporting outlet.")
    credit_citing = models.CharField("به نقل از", max_length=200, blank=True, help_text="The outlet it cites.")
    credit_place = models.CharField("محل خبر", max_length=100, blank=True, help_text="The dateline's place.")
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
        return site_path("site:article", self.pk)

    def copies(self) -> list[Article]:
        """This article's near-duplicate group (the original first, then by time), visible ones only."""
        root_id = self.duplicate_of_id or self.pk
        group = Article.objects.visible().filter(models.Q(pk=root_id) | models.Q(duplicate_of_id=root_id))
        return list(group.select_related("source").order_by("published_at", "id")[:50])

    def also_published_by(self) -> list[Article]:
        """The other outlets' copies of this article, the original (earliest) first: «همچنین منتشرشده در».

        No query for an original known to have no copies (``has_copies`` annotated False)."""
        if self.duplicate_of_id is None and getattr(self, "has_copies", True) is False:
            return []
        return [a for a in self.copies() if a.pk != self.pk]


class ArticleImage(models.Model):
    """An article's image, fetched when the article was crawled and served from here (``/img/<id>/``).

    In the database, so that the site serves what a worker on another machine fetched. Only
    real image types are stored (checked by content: ``khabar.pipeline.images``), each at most
    ``KHABAR_IMAGE_MAX_BYTES``; a fetch that failed stores nothing.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="stored_image")
    url = models.URLField(max_length=1000, help_text="Where it was fetched from (the article's image_url then).")
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "تصویر خبر"
        verbose_name_plural = "تصویرهای خبر"

    def __str__(self) -> str:
        return f"{self.content_type} of article {self.article_id}"
