"""The reader's pages: home, category, top stories, article (with comments) and the static pages."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from khabar.news.models import Article, Category
from khabar.site import selectors
from khabar.site.forms import CommentForm

PER_PAGE = 30
COMMENT_SENT_PARAM = "comment"
COMMENT_SENT_VALUE = "sent"

_BOT_RE = re.compile(r"bot|crawler|spider|crawling", re.I)

STATIC_PAGES = {
    "about": ("site/pages/about.html", "درباره‌ما"),
    "contact": ("site/pages/contact.html", "تماس با ما"),
    "advertising": ("site/pages/advertising.html", "تبلیغات"),
    "privacy": ("site/pages/privacy.html", "حفظ حریم شخصی"),
}


def canonical(request, path: str, page_number: int | None = None) -> str:
    """Absolute canonical URL: KHABAR_SITE_URL when configured, else the request's host; never any query but ?page=N."""
    if page_number and page_number > 1:
        path = f"{path}?page={page_number}"
    base = getattr(settings, "KHABAR_SITE_URL", "") or ""
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


def _categories(request) -> list[Category]:
    # Shared with the nav context processor, so the page asks the database once.
    cached = getattr(request, "_khabar_categories", None)
    if cached is None:
        cached = list(Category.objects.all())
        request._khabar_categories = cached
    return cached


def _paginate(request, queryset):
    paginator = Paginator(queryset, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, page_range


def is_countable_view(request) -> bool:
    """A human reading the page: not a bot, not a speculative prefetch, not HEAD."""
    if request.method != "GET":
        return False
    if _BOT_RE.search(request.headers.get("User-Agent", "")):
        return False
    for header in ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz"):
        if "prefetch" in request.headers.get(header, "").lower():
            return False
    return True


@require_GET
def home(request):
    categories = _categories(request)
    by_category = selectors.latest_by_category(categories)
    sections = [{"category": c, "articles": by_category[c.pk]} for c in categories if by_category[c.pk]]
    has_news = bool(sections) or Article.objects.visible().exists()
    return render(request, "site/home.html", {
        "sections": sections,
        "has_news": has_news,
        "canonical_url": canonical(request, reverse("site:home")),
        **selectors.sidebar(),
    })


@require_GET
def category(request, slug: str):
    categories = _categories(request)
    current = next((c for c in categories if c.slug == slug), None)
    if current is None:
        raise Http404("دسته پیدا نشد")
    page, page_range = _paginate(request, selectors.latest(current))
    return render(request, "site/category.html", {
        "category": current,
        "current_category": current,
        "page_obj": page,
        "page_range": page_range,
        "important": selectors.important_in_category(current),
        "canonical_url": canonical(request, current.get_absolute_url(), page.number),
        **selectors.sidebar(),
    })


@require_GET
def top(request):
    page, page_range = _paginate(request, selectors.top_articles())
    return render(request, "site/top.html", {
        "page_obj": page,
        "page_range": page_range,
        "canonical_url": canonical(request, reverse("site:top"), page.number),
        **selectors.sidebar(),
    })


def _article_or_404(pk: int) -> Article:
    return get_object_or_404(selectors.visible_articles(), pk=pk)


def _render_article(request, article: Article, form: CommentForm, status: int = 200):
    important = selectors.important_in_category(article.category, exclude_pk=article.pk) if article.category_id else []
    return render(request, "site/article.html", {
        "article": article,
        "current_category": article.category,
        "important": important,
        "comments": list(selectors.approved_comments(article)),
        "form": form,
        "comment_sent": request.GET.get(COMMENT_SENT_PARAM) == COMMENT_SENT_VALUE,
        "canonical_url": canonical(request, article.get_absolute_url()),
        **selectors.sidebar(),
    }, status=status)


@require_GET
def article(request, pk: int):
    item = _article_or_404(pk)
    if is_countable_view(request):
        Article.objects.filter(pk=item.pk).update(view_count=F("view_count") + 1)
    return _render_article(request, item, CommentForm())


@require_POST
def comment(request, pk: int):
    item = _article_or_404(pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_article(request, item, form, status=400)
    if not form.is_spam:
        form.save(item)
    url = f"{item.get_absolute_url()}?{COMMENT_SENT_PARAM}={COMMENT_SENT_VALUE}#comments"
    return HttpResponseRedirect(url)


@require_GET
def static_page(request, page: str):
    if page not in STATIC_PAGES:
        raise Http404
    template, title = STATIC_PAGES[page]
    return render(request, template, {
        "page_title": title,
        "page": page,
        "contact_email": getattr(settings, "KHABAR_CONTACT_EMAIL", ""),
        "canonical_url": canonical(request, reverse(f"site:{page}")),
    })
