from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "khabar.console"
    label = "console"
    verbose_name = "میز کار گردانندگان"

    def ready(self) -> None:
        from khabar.console.takedowns import hide_later_arrivals
        from khabar.stories.signals import stories_assigned

        # An article that joins a taken-down story later is hidden with it (takedowns.py).
        stories_assigned.connect(hide_later_arrivals, dispatch_uid="khabar.console.takedowns")
