from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "khabar.site"
    label = "site"
    verbose_name = "سایت"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from khabar.news.models import Article, ArticleImage
        from khabar.news.signals import articles_stored
        from khabar.site import security  # noqa: F401 - registers the deploy checks
        from khabar.site.models import Comment
        from khabar.site.page_cache import bump_content_version
        from khabar.sources.models import Category, Source
        from khabar.stories.models import Story

        # New articles, and edits of what pages show, make every cached page stale.
        articles_stored.connect(bump_content_version, dispatch_uid="khabar.site.pages_on_articles_stored")
        for model in (Article, ArticleImage, Category, Story, Source):
            post_save.connect(
                bump_content_version, sender=model, dispatch_uid=f"khabar.site.pages_on_save_{model.__name__}"
            )
            post_delete.connect(
                bump_content_version, sender=model, dispatch_uid=f"khabar.site.pages_on_delete_{model.__name__}"
            )
        post_save.connect(_comment_saved, sender=Comment, dispatch_uid="khabar.site.pages_on_comment_save")
        post_delete.connect(bump_content_version, sender=Comment, dispatch_uid="khabar.site.pages_on_comment_delete")


def _comment_saved(sender, instance, **kwargs) -> None:
    # An unapproved comment changes no page; an approved one (or an edit of one) does.
    if instance.approved or kwargs.get("update_fields"):
        from khabar.site.page_cache import bump_content_version

        bump_content_version()
