from django.apps import AppConfig


class OriginalsConfig(AppConfig):
    name = "khabar.originals"
    label = "originals"
    verbose_name = "نسخه‌های اصلی"

    def ready(self) -> None:
        from khabar.crawler.signals import scheduler_tick
        from khabar.news.signals import articles_stored
        from khabar.originals.periodic import on_scheduler_tick
        from khabar.originals.schedule import on_articles_stored

        # Every newly stored article gets its re-check schedule (schedule.py).
        articles_stored.connect(on_articles_stored, dispatch_uid="khabar.originals.schedule")
        # Due re-checks are queued from the scheduler loop (periodic.py).
        scheduler_tick.connect(on_scheduler_tick, dispatch_uid="khabar.originals.periodic")
