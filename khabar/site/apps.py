from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "khabar.site"
    label = "site"
    verbose_name = "سایت"
