"""Moving models between apps keeps every row: Category (news → sources) and the story models
(news → stories) are state-only moves over the same tables, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

BEFORE_MOVE = [("news", "0004_stories"), ("sources", "0002_crawler_politeness_health"), ("stories", None)]
AFTER_MOVE = [
    ("news", "0005_category_and_stories_moved"),
    ("stories", "0001_move_from_news"),
    ("sources", "0003_category"),
]
CONTENT_TYPES = ("contenttypes", "0002_remove_content_type_name")
WHEN = datetime(2026, 1, 5, 9, 30, tzinfo=dt_timezone.utc)


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _latest() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    return _migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    _latest()  # whatever happened, later tests find the current schema


def _fill_before_move(apps) -> dict:
    """Rows in every moved table, written through the models as they were before the move."""
    Category = apps.get_model("news", "Category")
    Source = apps.get_model("sources", "Source")
    Feed = apps.get_model("sources", "Feed")
    Article = apps.get_model("news", "Article")
    Story = apps.get_model("news", "Story")
    StoryIndexState = apps.get_model("news", "StoryIndexState")
    FrontPageCheck = apps.get_model("news", "FrontPageCheck")
    FrontPageLead = apps.get_model("news", "FrontPageLead")
    ContentType = apps.get_model("contenttypes", "ContentType")

    category = Category.objects.create(slug="moved-cat", name="دستهٔ منتقل‌شده", order=42)
    source = Source.objects.create(name="منبع", slug="moved-source", homepage="https://example.ir/")
    feed = Feed.objects.create(source=source, url="https://example.ir/rss", category=category)
    story = Story.objects.create(
        title="رویداد منتقل‌شده",
        category=category,
        article_count=2,
        outlet_count=1,
        score=7.5,
        leading_count=1,
        lead_hours=0.5,
        centroid=b"\x01\x02\x03",
        revision=9,
        first_published_at=WHEN,
        last_published_at=WHEN,
    )
    merged = Story.objects.create(title="ادغام‌شده", merged_into=story)
    first = Article.objects.create(
        source=source, feed=feed, url="https://example.ir/n/1", title="خبر یک", published_at=WHEN, category=category
    )
    second = Article.objects.create(
        source=source, url="https://example.ir/n/2", title="خبر دو", published_at=WHEN, duplicate_of=first
    )
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(story=story)
    Story.objects.filter(pk=story.pk).update(central_article=first)
    StoryIndexState.objects.update_or_create(pk=1, defaults={"generation": 17, "epoch": "e" * 32})
    FrontPageCheck.objects.create(source=source, next_check_at=WHEN, leads_found=3, last_error="")
    FrontPageLead.objects.create(source=source, article=first, first_seen_at=WHEN, last_seen_at=WHEN)
    story_type = ContentType.objects.get_or_create(app_label="news", model="story")[0]
    category_type = ContentType.objects.get_or_create(app_label="news", model="category")[0]
    return {
        "category": category.pk,
        "source": source.pk,
        "feed": feed.pk,
        "story": story.pk,
        "merged": merged.pk,
        "articles": [first.pk, second.pk],
        "story_type": story_type.pk,
        "category_type": category_type.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_moving_category_and_story_models_keeps_every_row(back_to_latest):
    executor = _migrate(BEFORE_MOVE)
    ids = _fill_before_move(executor.loader.project_state([t for t in BEFORE_MOVE if t[1]] + [CONTENT_TYPES]).apps)

    with CaptureQueriesContext(connection) as queries:
        _migrate(AFTER_MOVE)
    schema_changes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("CREATE", "DROP", "ALTER", "DELETE"))
    ]
    assert schema_changes == []  # state-only: no table is created, dropped, rebuilt or emptied
    _latest()  # and the later migrations keep the rows too

    from django.contrib.contenttypes.models import ContentType

    from khabar.news.models import Article
    from khabar.sources.models import Category, Feed
    from khabar.stories.models import FrontPageCheck, FrontPageLead, Story, StoryIndexState

    category = Category.objects.get(pk=ids["category"])
    assert (category.slug, category.name, category.order) == ("moved-cat", "دستهٔ منتقل‌شده", 42)
    assert Feed.objects.get(pk=ids["feed"]).category == category
    assert Feed.objects.get(pk=ids["feed"]).kind == "rss"  # sources 0004: every feed there was a feed
    story = Story.objects.get(pk=ids["story"])
    assert (story.title, story.category, story.score, story.revision) == ("رویداد منتقل‌شده", category, 7.5, 9)
    assert (story.article_count, story.leading_count, story.lead_hours) == (2, 1, 0.5)
    assert bytes(story.centroid) == b"\x01\x02\x03"
    assert story.central_article_id == ids["articles"][0]
    assert Story.objects.get(pk=ids["merged"]).merged_into == story
    assert sorted(story.articles.values_list("pk", flat=True)) == ids["articles"]
    assert Article.objects.get(pk=ids["articles"][0]).category == category
    assert Article.objects.get(pk=ids["articles"][1]).duplicate_of_id == ids["articles"][0]
    state = StoryIndexState.objects.get(pk=1)
    assert (state.generation, state.epoch) == (17, "e" * 32)
    assert FrontPageCheck.objects.get(source_id=ids["source"]).leads_found == 3
    assert FrontPageLead.objects.get().article_id == ids["articles"][0]
    assert FrontPageLead.objects.get().slot == 1  # sightings recorded before slots were: the lead
    # The content type rows (and so their permissions and admin history) moved with the models.
    assert ContentType.objects.get(app_label="stories", model="story").pk == ids["story_type"]
    assert ContentType.objects.get(app_label="sources", model="category").pk == ids["category_type"]
    assert not ContentType.objects.filter(app_label="news", model__in=["story", "category"]).exists()
    # New rows go to the same tables.
    again = Story.objects.create(title="تازه")
    assert Article.objects.filter(pk=ids["articles"][0]).update(story=again) == 1


@pytest.mark.django_db(transaction=True)
def test_a_fresh_database_gets_the_default_categories_through_the_moved_model(back_to_latest):
    executor = _migrate([("news", "0002_initial"), ("sources", "0002_crawler_politeness_health")])
    apps = executor.loader.project_state([("news", "0002_initial")]).apps
    apps.get_model("news", "Category").objects.all().delete()  # as on a fresh database

    _latest()

    from khabar.sources.models import DEFAULT_CATEGORIES, Category
    from khabar.stories.models import StoryIndexState

    assert list(Category.objects.values_list("slug", "name")) == DEFAULT_CATEGORIES
    assert StoryIndexState.objects.filter(pk=1).exists()


@pytest.mark.django_db(transaction=True)
def test_credit_lines_of_articles_stored_before_are_read_by_the_migration(back_to_latest):
    target = [("news", "0006_article_credit"), ("sources", "0003_category")]  # both apps as they were then
    apps = _migrate(target).loader.project_state(target).apps
    Source = apps.get_model("sources", "Source")
    Article = apps.get_model("news", "Article")
    source = Source.objects.create(name="منبع قدیمی", slug="old-credits")
    texts = {
        "https://example.ir/c/1": ("", "به گزارش خبرنگار خبرگزاری فارس از سنندج، جلسه برگزار شد.\n\nبند دوم."),
        "https://example.ir/c/2": ("به گزارش خبرگزاری مهر به نقل از اسپوتنیک، لاوروف گفت", "متن خبر."),
        "https://example.ir/c/3": ("", "متن خبر.\n" + "بند میانی خبر. " * 400 + "\nمنبع: خبرگزاری تسنیم"),
        "https://example.ir/c/4": ("لید بی‌اعتبار", "متنی بدون هیچ اعتباری."),
    }
    for url, (lead, body) in texts.items():
        Article.objects.create(source=source, url=url, title="خبر", lead=lead, body_text=body, published_at=WHEN)

    _latest()
    from khabar.news.models import Article as Current

    credits = {
        a.url: (a.credit_reported_by, a.credit_citing, a.credit_place)
        for a in Current.objects.filter(source__slug="old-credits")
    }
    assert credits == {
        "https://example.ir/c/1": ("خبرگزاری فارس", "", "سنندج"),
        "https://example.ir/c/2": ("خبرگزاری مهر", "اسپوتنیک", ""),
        "https://example.ir/c/3": ("", "خبرگزاری تسنیم", ""),
        "https://example.ir/c/4": ("", "", ""),
    }


@pytest.mark.django_db(transaction=True)
def test_the_search_index_keeps_its_rows_when_it_gets_filter_tags(back_to_latest):
    """search 0002 rebuilds SQLite's FTS5 table with a tags column: what was indexed stays findable,
    with the category and outlet filters (PostgreSQL's index is left as it is)."""
    from khabar.search.backends import get_backend
    from khabar.search.backends.base import SearchFilters

    _migrate([("search", "0001_search_index")])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_article_index (rowid, article_id, published, category_id, source_id, title, body)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(7, 7, 20000.0, 3, 11, "لاوروف", "ناتو"), (8, 8, 20000.5, 4, 12, "لاوروف", "ناتو")],
            )
    _latest()
    if connection.vendor != "sqlite":
        return
    backend = get_backend()
    assert backend.count_indexed() == 2
    search = lambda **f: backend.search(["لاوروف"], SearchFilters(**f), 0, 10, WHEN).ids  # noqa: E731
    assert sorted(search()) == [7, 8]
    assert search(category_id=3) == [7] and search(source_id=12) == [8]
    assert search(category_id=3, source_id=12) == []
    assert backend.search(["c3"], SearchFilters(), 0, 10, WHEN).ids == []  # readers' words never match a tag
