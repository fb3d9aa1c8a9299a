"""Fixtures shared by every test module (data helpers and constants live in ``sitekit.py``)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).parent))  # ``import sitekit`` from every test module


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def fresh_site_state(settings):
    """Every test starts with empty caches and no waiting views; views are flushed by the test."""
    from django.core.cache import caches

    from khabar.site import view_counter

    settings.KHABAR_VIEWS_FLUSH_SECONDS = 0
    settings.KHABAR_VIEWS_FLUSH_THRESHOLD = 10**6
    for cache in caches.all(initialized_only=True):
        cache.clear()
    view_counter._buffer.take()
    yield
    view_counter._buffer.take()
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def no_remembered_robots():
    """robots.txt records kept in process memory (``crawler/hosts.py``) name rows of a rolled-back database."""
    from khabar.crawler.hosts import forget_robots

    forget_robots()
    yield
    forget_robots()


@pytest.fixture
def world():
    from sitekit import Category, ensure_categories

    ensure_categories()
    return Category.objects.get(slug="world")


@pytest.fixture
def mehr():
    from sitekit import make_source

    return make_source("خبرگزاری مهر", "mehr")


@pytest.fixture
def yjc():
    from sitekit import make_source

    return make_source("باشگاه خبرنگاران", "yjc")


@pytest.fixture
def lavrov(mehr, world):
    from sitekit import LAVROV_LEAD, LAVROV_P1, LAVROV_P2, LAVROV_TIME, LAVROV_TITLE, LAVROV_URL, make_article

    return make_article(
        mehr,
        world,
        url=LAVROV_URL,
        title=LAVROV_TITLE,
        lead=LAVROV_LEAD,
        body_html=f"<p>{LAVROV_P1}</p><p>{LAVROV_P2}</p>",
        body_text=f"{LAVROV_P1}\n\n{LAVROV_P2}",
        published_at=LAVROV_TIME,
    )


@pytest.fixture
def yjc_world(yjc, world):
    from django.utils import timezone
    from sitekit import YJC_LEADS, make_article

    return [
        make_article(
            yjc, world, title=f"تیتر باشگاه {i}", lead=lead, published_at=timezone.now() - timedelta(hours=i + 1)
        )
        for i, lead in enumerate(YJC_LEADS)
    ]
