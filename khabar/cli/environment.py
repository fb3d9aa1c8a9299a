"""What every ``khabar`` command shares: the settings modules, Django and its database, the console."""

from __future__ import annotations

import os
import sys

SETTINGS, LOOPBACK_SETTINGS, DEMO_SETTINGS = "khabar.settings", "khabar.settings_loopback", "khabar.settings_demo"


def setup_django(settings_module: str = SETTINGS) -> None:
    """Configure Django with one of Khabar's settings modules (docs/configuration.md).

    A ``DJANGO_SETTINGS_MODULE`` of your own (not one of ``khabar.settings…``) wins, and so
    does a configuration already in place (the tests, which call ``main`` in-process).
    """
    import django
    from django.conf import settings

    chosen = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    if not settings.configured and (not chosen or chosen.startswith(SETTINGS)):
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    django.setup()


def ensure_database() -> None:
    """Create the database and apply migrations if any are pending."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def wait_for_interrupt() -> None:
    from khabar.crawler.runner import wait_for_interrupt as wait

    wait()


def terminal_console():
    from rich.console import Console

    # Piped output (logs, scripts) gets a wide table rather than one cut to 80 columns.
    return Console() if sys.stdout.isatty() else Console(width=220)


def share_the_cache() -> None:
    """The crawler runs in this process and the site in the server's: one cache on disk, so that
    new articles refresh the pages at once (``KHABAR_CACHE_URL``, unless set)."""
    os.environ.setdefault("KHABAR_CACHE_URL", "file://")
