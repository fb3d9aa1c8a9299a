"""The configured search backend: ``settings.KHABAR_SEARCH_BACKEND`` (a dotted path), one instance per process."""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from khabar.search.backends.base import SearchBackend, SearchFilters, SearchHits

_lock = threading.Lock()
_instances: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    path = settings.KHABAR_SEARCH_BACKEND
    backend = _instances.get(path)
    if backend is None:
        with _lock:
            backend = _instances.get(path)
            if backend is None:
                backend = import_string(path)()
                _instances[path] = backend
    return backend


__all__ = ["SearchBackend", "SearchFilters", "SearchHits", "get_backend"]
