from django.contrib import admin

from khabar.news.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "source", "category", "published_at", "hidden")
    list_filter = ("hidden", "category", "source")
    search_fields = ("title", "url")
    date_hierarchy = "published_at"
    raw_id_fields = ("feed", "story")
    actions = ["take_down", "restore"]

    @admin.action(description="پنهان کردن خبرهای انتخاب‌شده")
    def take_down(self, request, queryset):
        queryset.update(hidden=True)

    @admin.action(description="نمایش دوبارهٔ خبرهای انتخاب‌شده")
    def restore(self, request, queryset):
        queryset.update(hidden=False)
