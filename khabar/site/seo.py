"""What search engines and link previews read: OpenGraph/Twitter values and NewsArticle JSON-LD."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from khabar.news.models import Article
from khabar.public_url import public_url
from khabar.site.templatetags.persian import http_url

SITE_NAME = "خبر"
DESCRIPTION_LENGTH = 200
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element; <, > and & escaped so it cannot end the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=None).translate(_JSON_ESCAPES))


def article_meta(request, article: Article, canonical_url: str) -> dict:
    """Values for the article page's <head>: description, image, OpenGraph/Twitter and JSON-LD."""
    description = _shorten(article.lead or article.body_text or article.title)
    # Only an image the crawler stored (``has_image``, annotated by the article view) is served.
    image = (
        public_url(request, reverse("site:article_image", args=[article.pk]))
        if getattr(article, "has_image", False)
        else ""
    )
    published = timezone.localtime(article.published_at).replace(microsecond=0).isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": description,
        "inLanguage": "fa",
        "datePublished": published,
        "dateModified": published,
        "url": canonical_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical_url},
        "identifier": str(article.pk),
        "publisher": {"@type": "Organization", "name": SITE_NAME, "url": public_url(request, reverse("site:home"))},
        "sourceOrganization": {"@type": "NewsMediaOrganization", "name": article.source.name},
    }
    original = http_url(article.url)
    if original:
        data["isBasedOn"] = original
    if article.source.homepage and http_url(article.source.homepage):
        data["sourceOrganization"]["url"] = article.source.homepage
    if article.category_id:
        data["articleSection"] = article.category.name
    if image:
        data["image"] = [image]
    return {
        "description": description,
        "image": image,
        "published": published,
        "json_ld": json_ld(data),
    }
