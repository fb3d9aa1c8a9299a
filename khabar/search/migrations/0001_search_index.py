"""The search index table: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Raw SQL: each database gets the table its backend uses, chosen here by
``connection.vendor`` inside the operation. The model IndexedArticle only tells
Django the table exists (so that flush empties it); its state is created alongside.
"""

from django.db import migrations, models
from django.db.migrations.operations.base import Operation

# Frozen copies of the schema the backends (khabar/search/backends/) expect.
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_article_index USING fts5("
    "article_id UNINDEXED, published UNINDEXED, category_id UNINDEXED, source_id UNINDEXED, title, body, "
    "tokenize = 'unicode61 remove_diacritics 0')",
]
POSTGRES_CREATE = [
    """CREATE TABLE IF NOT EXISTS search_article_index (
        article_id bigint PRIMARY KEY,
        published_at timestamptz NOT NULL,
        category_id bigint NULL,
        source_id bigint NOT NULL,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS search_article_index_document_idx ON search_article_index USING GIN (document)",
]
DROP = ["DROP TABLE IF EXISTS search_article_index"]


class VendorSQL(Operation):
    """Run the SQL written for the current database vendor (nothing on others)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, forwards: dict[str, list[str]], backwards: dict[str, list[str]]):
        self.forwards, self.backwards = forwards, backwards

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, statements: dict[str, list[str]]):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.forwards)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.backwards)

    def describe(self):
        return "Create the search index table for this database vendor"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"forwards": self.forwards, "backwards": self.backwards})


class Migration(migrations.Migration):
    initial = True
    dependencies = [("news", "0003_default_categories")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IndexedArticle",
                    fields=[("article_id", models.BigIntegerField(primary_key=True, serialize=False))],
                    options={
                        "db_table": "search_article_index",
                        "verbose_name": "خبر نمایه‌شده",
                        "verbose_name_plural": "نمایهٔ جست‌وجو",
                    },
                ),
            ],
            database_operations=[
                VendorSQL(
                    forwards={"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE},
                    backwards={"sqlite": DROP, "postgresql": DROP},
                ),
            ],
        ),
    ]
