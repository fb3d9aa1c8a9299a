"""Routes of the originals' pages, included by the site's URLconf (names ``site:original_changes``…)."""

from django.urls import path

from khabar.originals import feeds, views

urlpatterns: list = [
    path("originals/", views.changes, name="original_changes"),
    path("feeds/originals.atom", feeds.ChangesAtom(), name="feed_original_changes"),
]
