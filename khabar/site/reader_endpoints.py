"""The two small uncached endpoints the page script (``static/khabar/site.js``) calls.

Cached pages are the same bytes for every reader, so what is per reader comes from here:
``/csrf/`` gives a form its CSRF token (and sets the CSRF cookie) when the reader starts
filling it, and ``/news/<id>/seen/`` counts a view of an article (a beacon, after the
page is shown: bots and prefetches that run no script are never counted).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from khabar.site import view_counter


@require_GET
@never_cache
def csrf_token(request):
    return JsonResponse({"token": get_token(request)})


@csrf_exempt  # counting a view changes nothing a forged request could abuse beyond what a GET could
@require_POST
@never_cache
def article_seen(request, pk: int):
    view_counter.record(request, pk)
    return HttpResponse(status=204)
