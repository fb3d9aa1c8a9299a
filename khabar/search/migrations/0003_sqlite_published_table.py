"""SQLite: each indexed article's publication time also in a small table of its own.

Ranking by relevance × recency read ``published``, an UNINDEXED column of the FTS5 table, for
each of up to 2,000 candidates: FTS5 reads such a column from its content table, i.e. the
whole stored row with the folded title and body (overflow pages and all). Reading the time from
this table of two numbers per article instead made the ranking query 5 × faster at 100,000
articles (bench/RESULTS.md). The FTS5 column is still written (the table is not rebuilt) but no
query reads it. PostgreSQL's index keeps ``published_at`` in its own table and is unchanged."""

from django.db import migrations

TABLE = "search_article_published"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"CREATE TABLE {TABLE} (article_id INTEGER PRIMARY KEY, published REAL NOT NULL)")
    schema_editor.execute(f"INSERT INTO {TABLE} (article_id, published) SELECT rowid, published FROM search_article_index")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_sqlite_filter_tags")]
    operations = [migrations.RunPython(create, drop)]
