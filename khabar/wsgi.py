import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khabar.settings")
_django = get_wsgi_application()

from khabar.site.cached_front import CachedPageFront  # noqa: E402 - needs the apps loaded

# Cached pages are answered in front of Django's request handling (khabar/site/cached_front.py).
application = CachedPageFront(_django)
