from django.contrib import admin

from khabar.stories.models import Story, StoryAssignmentFailure


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "created_at", "updated_at")


@admin.register(StoryAssignmentFailure)
class StoryAssignmentFailureAdmin(admin.ModelAdmin):
    """Articles the story assignment failed on: delete a row to let the catch-up try the article again."""

    list_display = ("article_id", "failures", "last_failed_at", "last_error")
    raw_id_fields = ("article",)
