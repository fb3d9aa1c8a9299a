from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "khabar.news"
    label = "news"
    verbose_name = "اخبار"

    def ready(self) -> None:
        from khabar.news.signals import articles_stored
        from khabar.news.stories import on_articles_stored

        # Stories: every newly stored article joins its story (khabar/news/stories.py).
        articles_stored.connect(on_articles_stored, dispatch_uid="khabar.news.stories")
