# Category moved to the sources app (sources/0003) and the story models to the stories app
# (stories/0001): point Article's foreign keys at them and forget the old models. State only:
# the tables, their rows and their constraints stay exactly as they are. The content types
# follow the models, so permissions and admin history keep pointing at them.

import django.db.models.deletion
from django.db import migrations, models

MOVED = {"category": "sources", "story": "stories", "storyindexstate": "stories", "frontpagecheck": "stories", "frontpagelead": "stories"}


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, {model: ("news", app) for model, app in MOVED.items()})


def restore_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, {model: (app, "news") for model, app in MOVED.items()})


def _relabel(apps, schema_editor, moves):
    # Permissions and admin history point to a content type: keep its row, change its app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model, (old, new) in moves.items():
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0004_stories"),
        ("sources", "0003_category"),
        ("stories", "0001_move_from_news"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="category",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="articles", to="sources.category"),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="story",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="articles", to="stories.story"),
                ),
                migrations.DeleteModel(name="FrontPageLead"),
                migrations.DeleteModel(name="FrontPageCheck"),
                migrations.DeleteModel(name="StoryIndexState"),
                migrations.DeleteModel(name="Story"),
                migrations.DeleteModel(name="Category"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
