"""Takedowns: hide an article or a whole story from readers, with a reason, and restore it.

Articles are hidden through ``Article.save`` so that every reader-facing surface follows at once
through the signals the other apps already listen to: the search index drops the article
(``khabar.search.indexing``), and the site's page cache and boxes start a new content version
(``khabar.site.apps``). Lists, feeds, sitemaps, the story boxes and /top/ read only visible
articles; the article and story pages answer 410 Gone. An article that joins a taken-down story
later (``stories_assigned``) is hidden too, added to the takedown (a restore shows it again) and
recorded in the audit log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from khabar.console import audit
from khabar.console.models import Takedown
from khabar.news.models import Article
from khabar.pipeline.persian import to_persian_digits

REASON_LABELS = dict(Takedown.REASONS)


def _set_hidden(article_ids: list[int], hidden: bool) -> None:
    for article in Article.objects.filter(pk__in=article_ids).only("pk", "hidden"):
        article.hidden = hidden
        article.save(update_fields=["hidden"])


def take_down(request, *, reason: str, note: str = "", article: Article | None = None, story=None) -> Takedown:
    """Hide ``article`` or every article of ``story`` (those visible now); recorded in the audit log."""
    if reason not in REASON_LABELS:
        raise ValueError(f"unknown takedown reason {reason!r}")
    if (article is None) == (story is None):
        raise ValueError("a takedown hides one article or one story")
    with transaction.atomic():
        if article is not None:
            ids = [article.pk] if not article.hidden else []
        else:
            ids = list(Article.objects.filter(story=story, hidden=False).values_list("pk", flat=True))
        _set_hidden(ids, True)
        takedown = Takedown.objects.create(
            article=article, story=story, reason=reason, note=note, article_ids=ids, taken_by=request.user
        )
        audit.record(
            request,
            "takedown",
            article or story,
            reason=f"{REASON_LABELS[reason]}: {note}".rstrip(": "),
            detail=f"{len(ids)} خبر پنهان شد",
        )
    return takedown


def restore(request, takedown: Takedown, note: str = "") -> int:
    """Show again the articles ``takedown`` hid, except those another active takedown still hides."""
    if takedown.restored_at is not None:
        return 0
    with transaction.atomic():
        still_hidden: set[int] = set()
        for ids in (
            Takedown.objects.filter(restored_at__isnull=True)
            .exclude(pk=takedown.pk)
            .values_list("article_ids", flat=True)
        ):
            still_hidden.update(ids)
        ids = [pk for pk in takedown.article_ids if pk not in still_hidden]
        _set_hidden(ids, False)
        takedown.restored_at = timezone.now()
        takedown.restored_by = request.user
        takedown.save(update_fields=["restored_at", "restored_by"])
        audit.record(
            request,
            "restore",
            takedown.article or takedown.story,
            reason=note,
            detail=f"{len(ids)} خبر دوباره نمایش داده شد",
        )
    return len(ids)


def _current_story_id(story) -> int:
    """The story ``story`` is part of now (it may have merged into another, and that one again)."""
    from khabar.stories.models import Story

    story_id, merged_into = story.pk, story.merged_into_id
    for _ in range(20):  # a chain of merges is short; never loop for ever on bad data
        if merged_into is None:
            break
        story_id, merged_into = (
            merged_into,
            Story.objects.filter(pk=merged_into).values_list("merged_into_id", flat=True).first(),
        )
    return story_id


def hide_later_arrivals(sender, article_ids: list[int], story_ids: set[int], **kwargs) -> None:
    """Receiver of ``stories_assigned``: new articles of a taken-down story are hidden with it.

    One query when no story is taken down (the usual case)."""
    active = list(Takedown.objects.filter(restored_at__isnull=True, story__isnull=False).select_related("story"))
    for takedown in active:
        story_id = _current_story_id(takedown.story)
        if story_id not in story_ids:
            continue
        ids = list(
            Article.objects.filter(pk__in=article_ids, story_id=story_id, hidden=False).values_list("pk", flat=True)
        )
        if not ids:
            continue
        with transaction.atomic():
            _set_hidden(ids, True)
            takedown.article_ids = [*takedown.article_ids, *ids]
            takedown.save(update_fields=["article_ids"])
            audit.record_automatic(
                "takedown",
                takedown.story,
                reason=REASON_LABELS.get(takedown.reason, takedown.reason),
                detail=f"{to_persian_digits(len(ids))} خبر تازهٔ این رویداد پنهان شد",
            )
