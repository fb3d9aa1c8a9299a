"""Routes of the story ("full coverage") pages, included by the site's URLconf (names ``site:story``…)."""

from django.urls import path

from khabar.stories import views

urlpatterns: list = [
    path("story/<int:pk>/", views.story, name="story"),
]
