from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "khabar.search"
    label = "search"
    verbose_name = "جست‌وجو"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from khabar.news.models import Article
        from khabar.news.signals import articles_stored
        from khabar.search import indexing

        articles_stored.connect(indexing.index_stored_articles, dispatch_uid="khabar.search.index_stored_articles")
        post_save.connect(indexing.reindex_saved_article, sender=Article, dispatch_uid="khabar.search.reindex_saved")
        post_delete.connect(
            indexing.unindex_deleted_article, sender=Article, dispatch_uid="khabar.search.unindex_deleted"
        )
