from django.contrib import admin

from khabar.stories.models import Story


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "created_at", "updated_at")
