from django.contrib import admin

from khabar.site.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "short_text", "article", "created_at", "approved")
    list_filter = ("approved", "created_at")
    search_fields = ("name", "text")
    date_hierarchy = "created_at"
    raw_id_fields = ("article",)
    list_select_related = ("article",)
    actions = ["approve", "unapprove"]

    @admin.display(description="متن")
    def short_text(self, obj: Comment) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:80] + "…"

    @admin.action(description="تأیید نظرهای انتخاب‌شده")
    def approve(self, request, queryset):
        count = queryset.update(approved=True)
        self.message_user(request, f"{count} نظر تأیید شد.")

    @admin.action(description="لغو تأیید نظرهای انتخاب‌شده")
    def unapprove(self, request, queryset):
        count = queryset.update(approved=False)
        self.message_user(request, f"تأیید {count} نظر لغو شد.")
