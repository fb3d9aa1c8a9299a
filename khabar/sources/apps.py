from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "khabar.sources"
    label = "sources"
    verbose_name = "منابع خبری"
