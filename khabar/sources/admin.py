from django.contrib import admin

from khabar.sources.models import Feed, Source


class FeedInline(admin.TabularInline):
    model = Feed
    extra = 0
    fields = ("url", "category", "active", "next_check_at", "error_streak", "last_error")
    readonly_fields = ("next_check_at", "error_streak", "last_error")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "homepage", "active", "weight")
    list_filter = ("active",)
    search_fields = ("name", "slug", "homepage")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FeedInline]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("url", "source", "category", "active", "last_success_at", "error_streak", "next_check_at")
    list_filter = ("active", "source", "category")
    search_fields = ("url", "source__name", "last_error")
    readonly_fields = ("etag", "last_modified", "last_checked_at", "last_success_at", "last_error_at", "items_seen")
