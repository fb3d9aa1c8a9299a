"""Source (an outlet), Feed (what of it is crawled: a feed, a news sitemap or a listing page), Category,
what the crawler learned and changed (``UrlChange``, ``NonArticlePage``), and the crawler's shared state.

``Host``, ``HostSlot`` and ``RobotsFile`` are what every worker process shares
to be polite to one host (``khabar/crawler/hosts.py``); ``CrawlerProcess`` is a
running worker's heartbeat, so that the work of a dead one is recovered
(``khabar/crawler/recovery.py``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone

from khabar.pipeline.health import FAILURE_CLASSES, feed_status
from khabar.pipeline.records import FEED_KINDS
from khabar.site_urls import site_path

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
    """A section of the site (سیاسی، ورزشی، …): feeds carry one as a hint, articles and stories are filed in one."""

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField("نام", max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "دسته"
        verbose_name_plural = "دسته‌ها"
        db_table = "news_category"  # created by the news app; moved here without touching the table

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return site_path("site:category", self.slug)


# What an outlet is (the catalogue's "kind"), with its Persian name.
OUTLET_KINDS = [
    ("agency", "خبرگزاری"),
    ("newspaper", "روزنامه"),
    ("news-site", "پایگاه خبری"),
    ("sports", "ورزشی"),
    ("economy", "اقتصادی"),
    ("tech", "فناوری"),
    ("abroad", "رسانهٔ فارسی‌زبان خارج از ایران"),
]


class Source(models.Model):
    name = models.CharField("نام", max_length=200)
    slug = models.SlugField(unique=True, max_length=100)
    homepage = models.URLField("صفحهٔ اصلی", max_length=500, blank=True)
    kind = models.CharField("گونه", max_length=20, blank=True, choices=OUTLET_KINDS)
    active = models.BooleanField("فعال", default=True)
    weight = models.FloatField("وزن", default=1.0, help_text="Importance of the outlet in ranking (1 = normal).")
    created_at = models.DateTimeField(auto_now_add=True)
    discovered_at = models.DateTimeField(
        null=True, blank=True, help_text="Last discovery from the homepage (what can be crawled; crawler/discovery.py)."
    )
    discovery_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a feed went wrong or moved host: rediscover soon."
    )
    discovery_note = models.CharField(max_length=500, blank=True, help_text="What the last discovery found or did.")

    class Meta:
        ordering = ["name"]
        verbose_name = "منبع"
        verbose_name_plural = "منابع"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return site_path("site:source", self.slug)


class FeedQuerySet(models.QuerySet):
    def crawlable(self):
        """Feeds the crawler may check: active, of an active source, not paused. The one rule for it."""
        return self.filter(active=True, source__active=True, paused_at__isnull=True)

    def due(self, now=None):
        """Crawlable feeds whose next check time has come (Miniflux's scheduler query), oldest first."""
        now = now or timezone.now()
        return self.crawlable().filter(next_check_at__lte=now).order_by("next_check_at", "id")


class Feed(models.Model):
    """What is crawled of an outlet: an RSS/Atom/RDF feed, a Google News sitemap, or a listing page
    (a homepage or section page whose article links are followed). One scheduler, politeness and
    health for all three."""

    KINDS = [
        ("rss", "خوراک (RSS/Atom)"),
        ("news_sitemap", "نقشهٔ خبری گوگل"),
        ("listing", "صفحهٔ فهرست خبرها"),
    ]
    assert [k for k, _ in KINDS] == list(FEED_KINDS)

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField("نشانی خوراک", max_length=1000, unique=True)
    kind = models.CharField("گونه", max_length=20, choices=KINDS, default="rss")
    host = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        editable=False,
        help_text="host[:port] of the URL (politeness and polling floors are per host).",
    )
    title = models.CharField(max_length=300, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Category of the items this feed carries (a hint; items may say otherwise).",
    )
    active = models.BooleanField(default=True, help_text="Off: disabled by an operator.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    check_interval = models.PositiveIntegerField(
        default=0,
        help_text="0: adaptive (from the feed's publishing rhythm); else a fixed number of seconds between checks.",
    )
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_check_reason = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="Set while a worker has the check in hand.")
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_fetch_seconds = models.FloatField(null=True, blank=True, help_text="Seconds the last answer took.")
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last answer.")
    error_streak = models.PositiveIntegerField(default=0)
    error_kind = models.CharField(
        max_length=20,
        blank=True,
        help_text="Class of the last error: dns, tls, timeout, http, antibot, parse, robots, …",
    )
    failure_class = models.CharField(
        max_length=20,
        blank=True,
        choices=[(key, labels[1]) for key, labels in FAILURE_CLASSES.items()],
        help_text="Why it fails, for acting on it: wrong_url, unreachable (from here), network, refused, server…",
    )
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True, help_text="First error of the current streak.")
    paused_at = models.DateTimeField(null=True, blank=True, help_text="Set when failing too long; cleared to resume.")
    items_seen = models.PositiveIntegerField(default=0, help_text="Articles stored from this feed.")

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "url"]
        verbose_name = "خوراک"
        verbose_name_plural = "خوراک‌ها"
        indexes = [models.Index(fields=["active", "next_check_at"], name="feed_due_idx")]

    def __str__(self) -> str:
        return self.url

    def save(self, *args, **kwargs):
        self.host = urlsplit(self.url).netloc.lower()[:255]
        if kwargs.get("update_fields") is not None and "url" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "host"}
        super().save(*args, **kwargs)

    @property
    def status(self) -> str:
        return feed_status(
            active=self.active,
            paused=self.paused_at is not None,
            error_streak=self.error_streak,
            last_success_at=self.last_success_at,
            last_fetch_seconds=self.last_fetch_seconds,
            slow_after=settings.KHABAR_SLOW_FEED_SECONDS,
        )

    def resume(self, now=None) -> None:
        """Poll a paused feed again, now."""
        self.paused_at = None
        self.failing_since = None
        self.error_streak = 0
        self.next_check_at = now or timezone.now()
        self.next_check_reason = "resumed by an operator"


class FeedCheck(models.Model):
    """One check of a feed (a poll): when, the answer, how long it took, what it brought, or its error.

    The last ``KEEP`` of each feed are kept (``crawler/feed_health.py`` ``log_check``), for the console's
    outlet page: the last polls and the response-time chart."""

    KEEP = 50

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status; empty: no answer.")
    bytes = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True, help_text="Seconds the answer took.")
    new_items = models.PositiveIntegerField(default=0)
    not_modified = models.BooleanField(default=False)
    error_kind = models.CharField(max_length=20, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "بررسی خوراک"
        verbose_name_plural = "بررسی‌های خوراک"
        indexes = [models.Index(fields=["feed", "-checked_at"], name="feedcheck_feed_latest_idx")]

    def __str__(self) -> str:
        return f"{self.feed_id} {self.checked_at:%Y-%m-%d %H:%M} {self.status or self.error_kind}"


class UrlChange(models.Model):
    """A feed's or a homepage's address changed by the crawler, and why (shown in `khabar sources status`)."""

    WHAT = [("feed", "خوراک"), ("homepage", "صفحهٔ اصلی")]
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="url_changes")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="url_changes")
    what = models.CharField(max_length=10, choices=WHAT, default="feed")
    old_url = models.URLField(max_length=1000)
    new_url = models.URLField(max_length=1000)
    reason = models.CharField(max_length=500)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "تغییر نشانی"
        verbose_name_plural = "تغییرهای نشانی"

    def __str__(self) -> str:
        return f"{self.old_url} → {self.new_url}"


class NonArticlePage(models.Model):
    """A page an outlet's listing linked that turned out not to be an article (a section, a tag, a gallery).

    With the outlet's stored articles, what listing crawls learn: the shapes of these URLs are
    refused on the outlet's pages, and these very pages are not fetched again."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="non_article_pages")
    url = models.URLField(max_length=1000, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["source", "-seen_at"], name="nonarticle_source_idx")]

    def __str__(self) -> str:
        return self.url


class Host(models.Model):
    """One host (``host[:port]``) as every crawler process sees it: when it may be contacted next."""

    name = models.CharField(max_length=255, unique=True)
    last_request_at = models.DateTimeField(null=True, blank=True, help_text="The last request, by any worker.")
    next_allowed_at = models.DateTimeField(
        default=timezone.now, help_text="No request before this (Retry-After pause)."
    )
    pause_reason = models.CharField(max_length=200, blank=True)
    requests = models.PositiveBigIntegerField(default=0, help_text="Requests sent to this host, all workers together.")

    def __str__(self) -> str:
        return self.name


class HostSlot(models.Model):
    """One request in flight to a host. Expires by itself if its holder dies."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="slots")
    holder = models.CharField(max_length=100, db_index=True, help_text="The crawler process holding it.")
    taken_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)


class RobotsFile(models.Model):
    """The last answer to ``<origin>/robots.txt`` (shared cache; refreshed daily)."""

    origin = models.CharField(max_length=300, unique=True, help_text="scheme://host[:port]")
    status = models.PositiveSmallIntegerField(default=0, help_text="HTTP status; 0 = host not reached.")
    text = models.TextField(blank=True)
    fetched_at = models.DateTimeField()
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.origin


class CrawlerProcess(models.Model):
    """A running ``khabar worker`` (or demo/run) process, with its heartbeat."""

    name = models.CharField(max_length=64, unique=True, help_text="Prefix of its task-worker ids.")
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.name
