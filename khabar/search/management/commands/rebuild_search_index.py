"""``khabar manage rebuild_search_index``: index every visible article again.

Needed once for articles stored before the search app existed, and whenever the
folding rules change (``khabar.pipeline.search_keys.KEY_VERSION``).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from khabar.search.backends import get_backend


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the stored articles."

    def handle(self, *args, **options):
        backend = get_backend()
        started = time.monotonic()

        def progress(done: int) -> None:
            if done % 5000 == 0:
                self.stdout.write(f"  {done} articles indexed …")

        with transaction.atomic():
            total = backend.rebuild(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {total} articles with {type(backend).__name__} in {time.monotonic() - started:.1f} s."
            )
        )
