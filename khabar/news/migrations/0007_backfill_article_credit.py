"""Fill the credit chain of the articles stored before it was read at crawl time.

In chunks of ``CHUNK`` articles by id (keyset), reading only the lead and the start and end of
each body, so memory stays bounded whatever the table's size. Not atomic: each chunk commits on
its own, and a run that is interrupted starts again where it stopped (only articles without any
credit field are read).
"""

from django.db import migrations
from django.db.models.functions import Left, Right

CHUNK = 500


def fill_credits(apps, schema_editor):
    from khabar.pipeline.attribution import CREDIT_HEAD, CREDIT_TAIL, article_credit

    Article = apps.get_model("news", "Article")
    pending = Article.objects.filter(credit_reported_by="", credit_citing="", credit_place="").order_by("pk")
    last = 0
    while True:
        rows = list(
            pending.filter(pk__gt=last)
            .annotate(head=Left("body_text", CREDIT_HEAD), tail=Right("body_text", CREDIT_TAIL))
            .values_list("pk", "lead", "head", "tail")[:CHUNK]
        )
        if not rows:
            return
        last = rows[-1][0]
        found = []
        for pk, lead, head, tail in rows:
            body = head if len(head or "") < CREDIT_HEAD else f"{head}\n{tail}"
            credit = article_credit(lead, body or "")
            if credit:
                found.append(
                    Article(
                        pk=pk,
                        credit_reported_by=credit.reported_by,
                        credit_citing=credit.citing,
                        credit_place=credit.place,
                    )
                )
        Article.objects.bulk_update(found, ["credit_reported_by", "credit_citing", "credit_place"], batch_size=200)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("news", "0006_article_credit"),
    ]

    operations = [migrations.RunPython(fill_credits, migrations.RunPython.noop)]
