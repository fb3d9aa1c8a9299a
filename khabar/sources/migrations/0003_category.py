# Category moves from the news app to sources (feeds carry one, and sources sits below news).
# State only: the table keeps its name (news_category) and every row; no SQL runs on the table.

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    _move_content_type(apps, schema_editor, "news", "sources")


def restore_content_type(apps, schema_editor):
    _move_content_type(apps, schema_editor, "sources", "news")


def _move_content_type(apps, schema_editor, old, new):
    # Permissions and admin history point to the content type: keep its row, change its app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=new, model="category").exists():
        types.filter(app_label=old, model="category").update(app_label=new)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
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
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
