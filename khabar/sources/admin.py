from django.contrib import admin
from django.utils import timezone

from khabar.sources.models import Category, Feed, Host, Source, UrlChange


class FeedInline(admin.TabularInline):
    model = Feed
    extra = 0
    fields = ("url", "kind", "category", "active", "next_check_at", "error_streak", "failure_class", "last_error")
    readonly_fields = ("next_check_at", "error_streak", "failure_class", "last_error")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "homepage", "kind", "active", "weight", "discovered_at")
    list_filter = ("active", "kind")
    readonly_fields = ("discovered_at", "discovery_requested_at", "discovery_note")
    search_fields = ("name", "slug", "homepage")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FeedInline]


@admin.action(description="Resume polling (paused or failing feeds are checked now)")
def resume_polling(modeladmin, request, queryset):
    now = timezone.now()
    for feed in queryset:
        feed.resume(now)
        feed.save()


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = (
        "url",
        "source",
        "kind",
        "category",
        "status",
        "failure_class",
        "error_kind",
        "last_success_at",
        "error_streak",
        "next_check_at",
        "next_check_reason",
    )
    list_filter = (
        "active",
        "kind",
        "failure_class",
        "error_kind",
        ("paused_at", admin.EmptyFieldListFilter),
        "source",
        "category",
    )
    search_fields = ("url", "source__name", "last_error")
    actions = [resume_polling]
    readonly_fields = (
        "host",
        "etag",
        "last_modified",
        "last_checked_at",
        "last_success_at",
        "last_fetch_seconds",
        "last_status",
        "error_kind",
        "failure_class",
        "last_error",
        "last_error_at",
        "failing_since",
        "paused_at",
        "next_check_reason",
        "claimed_at",
        "items_seen",
    )


@admin.register(UrlChange)
class UrlChangeAdmin(admin.ModelAdmin):
    """What the crawler moved, and why: read-only."""

    list_display = ("changed_at", "source", "what", "old_url", "new_url", "reason")
    list_filter = ("what", "source")
    search_fields = ("old_url", "new_url", "reason")
    readonly_fields = ("source", "feed", "what", "old_url", "new_url", "reason", "changed_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ("name", "requests", "last_request_at", "next_allowed_at", "pause_reason")
    search_fields = ("name",)
    readonly_fields = ("name", "requests", "last_request_at", "next_allowed_at", "pause_reason")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
