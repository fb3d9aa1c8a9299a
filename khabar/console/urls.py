from django.contrib.auth import views as auth_views
from django.urls import path

from khabar.console import moderation_views, outlet_views, source_views, views

app_name = "console"
urlpatterns = [
    path("", views.overview, name="overview"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="console/login.html", redirect_authenticated_user=False),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="console:login"), name="logout"),
    path("audit/", views.audit_log, name="audit"),
    path("sources/", source_views.sources, name="sources"),
    path("sources/add/", outlet_views.add_outlet, name="add_outlet"),
    path("opml/", outlet_views.opml, name="opml"),
    path("opml/export/", outlet_views.opml_export, name="opml_export"),
    path("sources/<slug:slug>/", source_views.source, name="source"),
    path("sources/<slug:slug>/pause/", source_views.source_pause, name="source_pause"),
    path("sources/<slug:slug>/resume/", source_views.source_resume, name="source_resume"),
    path("sources/<slug:slug>/check/", source_views.source_check, name="source_check"),
    path("sources/<slug:slug>/edit/", source_views.source_edit, name="source_edit"),
    path("comments/", moderation_views.comments, name="comments"),
    path("comments/act/", moderation_views.comments_act, name="comments_act"),
    path("inbox/", moderation_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", moderation_views.inbox_mark, name="inbox_mark"),
    path("takedowns/", views.takedown_list, name="takedowns"),
    path("takedowns/<int:pk>/restore/", views.takedown_restore, name="takedown_restore"),
]
