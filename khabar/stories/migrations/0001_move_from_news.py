# Story, StoryIndexState, FrontPageCheck and FrontPageLead move from the news app to the stories app.
# State only: their tables keep their names (news_story, ...) and every row; no SQL runs on them.
# news/0005 then points Article.story here, drops the old models from the news app's state
# and moves their content types.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import khabar.stories.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("news", "0004_stories"),
        ("sources", "0003_category"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Story",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("first_published_at", models.DateTimeField(blank=True, null=True)),
                        ("last_published_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        ("article_count", models.PositiveIntegerField(default=0)),
                        ("outlet_count", models.PositiveIntegerField(default=0)),
                        ("score", models.FloatField(db_index=True, default=0.0)),
                        ("pickup_count", models.PositiveIntegerField(default=0, help_text="Outlets within two hours of the first publication.")),
                        ("leading_count", models.PositiveIntegerField(default=0, help_text="Outlets with the story in a homepage lead slot now.")),
                        ("lead_hours", models.FloatField(default=0.0, help_text="Outlet-hours spent in homepage lead slots.")),
                        ("ranked_at", models.DateTimeField(blank=True, null=True)),
                        ("centroid", models.BinaryField(blank=True, default=b"")),
                        ("revision", models.PositiveBigIntegerField(db_index=True, default=0, editable=False)),
                        ("category", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="stories", to="sources.category")),
                        ("central_article", models.ForeignKey(blank=True, help_text="The article closest to the story's centroid; its headline names the story.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="news.article")),
                        ("merged_into", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="merged_stories", to="stories.story")),
                    ],
                    options={
                        "verbose_name": "رویداد",
                        "verbose_name_plural": "رویدادها",
                        "db_table": "news_story",
                        "indexes": [models.Index(fields=["category", "-score"], name="story_category_score_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="StoryIndexState",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("generation", models.PositiveBigIntegerField(default=0)),
                        ("epoch", models.CharField(default=khabar.stories.models._new_epoch, max_length=32)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name": "وضعیت نمایه رویدادها",
                        "db_table": "news_storyindexstate",
                    },
                ),
                migrations.CreateModel(
                    name="FrontPageCheck",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("next_check_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("last_checked_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("leads_found", models.PositiveSmallIntegerField(default=0)),
                        ("source", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="front_page_check", to="sources.source")),
                    ],
                    options={
                        "verbose_name": "بررسی صفحهٔ اول",
                        "verbose_name_plural": "بررسی\u200cهای صفحهٔ اول",
                        "db_table": "news_frontpagecheck",
                    },
                ),
                migrations.CreateModel(
                    name="FrontPageLead",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("first_seen_at", models.DateTimeField()),
                        ("last_seen_at", models.DateTimeField(db_index=True)),
                        ("article", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="front_page_leads", to="news.article")),
                        ("source", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="front_page_leads", to="sources.source")),
                    ],
                    options={
                        "verbose_name": "خبر صدر صفحهٔ اول",
                        "verbose_name_plural": "خبرهای صدر صفحهٔ اول",
                        "db_table": "news_frontpagelead",
                        "indexes": [models.Index(fields=["source", "article", "-last_seen_at"], name="frontpagelead_lookup_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
