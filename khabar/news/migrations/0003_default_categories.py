from django.db import migrations


def create_categories(apps, schema_editor):
    from khabar.sources.models import DEFAULT_CATEGORIES

    Category = apps.get_model("news", "Category")
    for order, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("news", "0002_initial")]
    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
