from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "khabar.console"
    label = "console"
    verbose_name = "میز کار گردانندگان"
