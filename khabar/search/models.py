"""The search index table, declared for Django's bookkeeping only.

The table is created by raw SQL in migration search.0001 (an FTS5 table on SQLite, a
tsvector table on PostgreSQL) and read and written only by ``khabar.search.backends``.
It is declared as a model so that ``flush`` (and so every transactional test) empties
it together with the articles; do not query it through the ORM.
"""

from django.db import models


class IndexedArticle(models.Model):
    article_id = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "search_article_index"
        verbose_name = "خبر نمایه‌شده"
        verbose_name_plural = "نمایهٔ جست‌وجو"
