"""Settings modules: the base one reads the environment; the command line picks the offline modes' modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from khabar.cli import setup_django
setup_django(*sys.argv[1:])
from django.conf import settings
print(json.dumps({"module": settings.SETTINGS_MODULE, "database": str(settings.DATABASES["default"]["NAME"]),
                  "private": settings.KHABAR_ALLOW_PRIVATE_ADDRESSES, "gap": settings.KHABAR_HOST_MIN_GAP}))
"""


def configured(tmp_path: Path, *module: str, **env: str) -> dict:
    """The settings a fresh ``khabar`` process gets from ``setup_django(*module)``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KHABAR_")}
    environment.update(KHABAR_DATA_DIR=str(tmp_path), PYTHONPATH=str(tmp_path), **env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *module], env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_base_settings_refuse_private_addresses_and_use_khabar_sqlite(tmp_path):
    base = configured(tmp_path, DJANGO_SETTINGS_MODULE="")
    assert base["module"] == "khabar.settings" and base["private"] is False and base["gap"] == 1.0
    assert base["database"] == str(tmp_path / "khabar.sqlite3")


def test_the_demo_has_its_own_database_and_crawls_loopback(tmp_path):
    demo = configured(tmp_path, "khabar.settings_demo", DJANGO_SETTINGS_MODULE="khabar.settings")  # as under pytest
    assert demo["module"] == "khabar.settings_demo" and demo["private"] is True and demo["gap"] == 0.1
    assert demo["database"] == str(tmp_path / "demo.sqlite3")
    # The environment still wins over the demo's own choices.
    mine = configured(
        tmp_path, "khabar.settings_demo", KHABAR_HOST_MIN_GAP="2", KHABAR_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"
    )
    assert mine["gap"] == 2.0 and mine["database"] == str(tmp_path / "x.db")


def test_allow_private_is_a_settings_module_and_a_settings_module_of_your_own_wins(tmp_path):
    assert configured(tmp_path, "khabar.settings_loopback")["private"] is True
    (tmp_path / "my_settings.py").write_text("from khabar.settings import *\nKHABAR_HOST_MIN_GAP = 7.0\n")
    mine = configured(tmp_path, "khabar.settings_loopback", DJANGO_SETTINGS_MODULE="my_settings")
    assert mine == {**mine, "module": "my_settings", "private": False, "gap": 7.0}
