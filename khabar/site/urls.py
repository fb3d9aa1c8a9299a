from django.urls import path

from khabar.site import views
from khabar.site.story_urls import urlpatterns as story_urlpatterns

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("top/", views.top, name="top"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("news/<int:pk>/", views.article, name="article"),
    path("news/<int:pk>/comment/", views.comment, name="comment"),
    path("about/", views.static_page, {"page": "about"}, name="about"),
    path("contact/", views.static_page, {"page": "contact"}, name="contact"),
    path("advertising/", views.static_page, {"page": "advertising"}, name="advertising"),
    path("privacy/", views.static_page, {"page": "privacy"}, name="privacy"),
]
urlpatterns += story_urlpatterns
