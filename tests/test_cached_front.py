"""The WSGI front answers page-cache hits exactly as Django's full stack would, and nothing else."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from khabar.site.cached_front import CachedPageFront


def call(application, path: str, method: str = "GET", **headers) -> tuple[str, list[tuple[str, str]], bytes]:
    request = getattr(RequestFactory(), method.lower())(path, **headers)
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    body = application(request.environ, start_response)
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return answer["status"], answer["headers"], content


@pytest.fixture
def started():
    """Counts the requests Django's handler started; keeps the test's connection open, as the test client does."""
    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(count)
    yield seen
    request_started.disconnect(count)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_a_hit_is_the_same_answer_without_django_handling_the_request(lavrov, started):
    django = WSGIHandler()
    front = CachedPageFront(django)
    path = lavrov.get_absolute_url()
    first = call(front, path)  # a miss: Django renders the page and the middleware stores it
    assert first[0] == "200 OK" and len(started) == 1
    by_django = call(django, path)  # the middleware's own hit, through the whole handler
    assert len(started) == 2
    by_front = call(front, path)
    assert len(started) == 2  # the front answered: no request_started, no middleware, no view
    assert by_front == by_django
    assert by_front[2] == first[2] and dict(by_front[1])["ETag"] == dict(first[1])["ETag"]


@pytest.mark.django_db
def test_a_conditional_hit_is_answered_304(lavrov, started):
    front = CachedPageFront(WSGIHandler())
    first = call(front, "/category/world/")
    etag = dict(first[1])["ETag"]
    status, headers, content = call(front, "/category/world/", HTTP_IF_NONE_MATCH=etag)
    assert status == "304 Not Modified" and content == b"" and dict(headers)["ETag"] == etag
    assert len(started) == 1
    assert call(front, "/category/world/", HTTP_IF_NONE_MATCH='"other"')[0] == "200 OK"


@pytest.mark.django_db
def test_what_the_cache_must_not_answer_goes_to_django(lavrov, started, settings):
    front = CachedPageFront(WSGIHandler())
    call(front, "/about/")
    assert call(front, "/about/")[0] == "200 OK" and len(started) == 1  # stored, then a hit
    assert call(front, "/about/", HTTP_HOST="evil.example")[0].startswith("400")  # Django refuses the host
    assert call(front, "/about/", method="POST")[0].startswith("403")  # not a GET: Django's CSRF check answers
    assert len(started) == 3
    settings.KHABAR_PAGE_CACHE_SECONDS = 0
    assert call(front, "/about/")[0] == "200 OK"
    assert len(started) == 4  # caching off: rendered by Django again
