from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "khabar.stories"
    label = "stories"
    verbose_name = "رویدادها"

    def ready(self) -> None:
        from khabar.crawler.signals import scheduler_tick
        from khabar.news.signals import articles_stored
        from khabar.stories.assignment import on_articles_stored
        from khabar.stories.periodic import on_scheduler_tick

        # Every newly stored article joins its story (assignment.py).
        articles_stored.connect(on_articles_stored, dispatch_uid="khabar.stories.assignment")
        # Homepages' lead slots and the catch-up of articles left without a story, from the scheduler loop.
        scheduler_tick.connect(on_scheduler_tick, dispatch_uid="khabar.stories.periodic")
