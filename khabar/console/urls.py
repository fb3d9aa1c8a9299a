from django.contrib.auth import views as auth_views
from django.urls import path

from khabar.console import views

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
    path("takedowns/", views.takedown_list, name="takedowns"),
    path("takedowns/<int:pk>/restore/", views.takedown_restore, name="takedown_restore"),
]
