# Category moves from the news app to sources (feeds carry one, and sources sits below news).
# State only: the table keeps its name (news_category) and every row; no SQL runs on the table.
# news/0005 re-points Article.category here and moves the content type.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sources", "0002_crawler_politeness_health"),
        ("news", "0004_stories"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("slug", models.SlugField(unique=True)),
                        ("name", models.CharField(max_length=100, verbose_name="نام")),
                        ("order", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "دسته",
                        "verbose_name_plural": "دسته\u200cها",
                        "ordering": ["order", "id"],
                        "db_table": "news_category",
                    },
                ),
                migrations.AlterField(
                    model_name="feed",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Category of the items this feed carries (a hint; items may say otherwise).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="sources.category",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
