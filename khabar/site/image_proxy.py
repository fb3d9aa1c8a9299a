"""/img/<id>/: an article's image served from this site, so readers' browsers never contact the outlet.

Only what the crawler stored is served (``khabar.news.models.ArticleImage``: fetched when the
article was crawled, through the crawler's fetcher, capped, checked to be a real image:
``khabar.crawler.article_images``). A reader's request never reaches the outlet nor waits for it:
an article whose image was not stored has no image.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from khabar.news.models import ArticleImage

BROWSER_CACHE_SECONDS = 7 * 24 * 3600


@require_safe
def article_image(request, pk: int):
    image = ArticleImage.objects.filter(article_id=pk, article__hidden=False).only("content_type", "data").first()
    if image is None:
        raise Http404("تصویر این خبر در دسترس نیست")
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["Cache-Control"] = f"public, max-age={BROWSER_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
