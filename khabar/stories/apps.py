from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "khabar.stories"
    label = "stories"
    verbose_name = "رویدادها"

    def ready(self) -> None:
        from khabar.news.signals import articles_stored
        from khabar.stories.assignment import on_articles_stored

        # Every newly stored article joins its story (assignment.py).
        articles_stored.connect(on_articles_stored, dispatch_uid="khabar.stories.assignment")
