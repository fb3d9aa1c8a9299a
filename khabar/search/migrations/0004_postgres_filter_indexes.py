"""PostgreSQL: B-tree indexes on the search index's category_id and source_id, so that the search
form's category and outlet filters are bitmaps ANDed with the GIN index's matches instead of a test
of every match's row (the same reason as SQLite's filter tags in search.0002). CREATE INDEX fills
them from the existing rows. SQLite's index is unchanged."""

from django.db import migrations

INDEXES = {
    "search_article_index_category_idx": "category_id",
    "search_article_index_source_idx": "source_id",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON search_article_index ({column})")
    schema_editor.execute("ANALYZE search_article_index")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sqlite_published_table")]
    operations = [migrations.RunPython(create, drop)]
