"""The ``khabar`` command. ``khabar --help`` lists every command; each has ``--help``.

Every command that touches the database creates and migrates it first, so a
fresh checkout needs no separate set-up step.
"""

from khabar.cli.environment import DEMO_SETTINGS, LOOPBACK_SETTINGS, SETTINGS, ensure_database, setup_django
from khabar.cli.parser import build_parser, main

__all__ = ["DEMO_SETTINGS", "LOOPBACK_SETTINGS", "SETTINGS", "build_parser", "ensure_database", "main", "setup_django"]
