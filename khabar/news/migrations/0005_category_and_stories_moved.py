# Category moved to the sources app (sources/0003) and the story models to the stories app
# (stories/0001): point Article's foreign keys at them and forget the old models. State only:
# the tables, their rows and their constraints stay exactly as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
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
    ]
