"""Routes of the story ("full coverage") pages; kept apart from urls.py so the stories step owns them."""

from django.urls import path

from khabar.site import story_views

urlpatterns: list = [
    path("story/<int:pk>/", story_views.story, name="story"),
]
