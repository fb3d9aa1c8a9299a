from django.contrib import admin

from khabar.originals.models import OriginalChange, OriginalWatch


@admin.register(OriginalWatch)
class OriginalWatchAdmin(admin.ModelAdmin):
    list_display = ("article_id", "source", "state", "next_check_at", "last_checked_at", "checks", "last_result")
    list_filter = ("state", "source")
    raw_id_fields = ("article",)


@admin.register(OriginalChange)
class OriginalChangeAdmin(admin.ModelAdmin):
    list_display = ("article_id", "source", "kind", "detected_at", "changed_fields", "reason")
    list_filter = ("kind", "source")
    raw_id_fields = ("article",)
