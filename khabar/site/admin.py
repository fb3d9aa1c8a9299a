from django.contrib import admin

from khabar.site.models import Comment, ContactMessage
from khabar.site.page_cache import bump_content_version
from khabar.site.security import ThrottledAdminLoginForm

# Sign-ins are throttled per address (khabar/site/security.py); the form says so in Persian.
admin.site.login_form = ThrottledAdminLoginForm


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
        bump_content_version()  # update() sends no signal; the pages showing comments must refresh
        self.message_user(request, f"{count} نظر تأیید شد.")

    @admin.action(description="لغو تأیید نظرهای انتخاب‌شده")
    def unapprove(self, request, queryset):
        count = queryset.update(approved=False)
        bump_content_version()
        self.message_user(request, f"تأیید {count} نظر لغو شد.")


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "email", "subject", "short_text", "created_at", "handled")
    list_filter = ("handled", "subject", "created_at")
    search_fields = ("name", "email", "text")
    date_hierarchy = "created_at"
    readonly_fields = ("name", "email", "subject", "text", "created_at")
    actions = ["mark_handled"]

    @admin.display(description="متن")
    def short_text(self, obj: ContactMessage) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:80] + "…"

    @admin.action(description="علامت‌گذاری به‌عنوان رسیدگی‌شده")
    def mark_handled(self, request, queryset):
        count = queryset.update(handled=True)
        self.message_user(request, f"{count} پیام رسیدگی‌شده علامت خورد.")

    def has_add_permission(self, request) -> bool:
        return False  # messages come from readers through /contact/
