"""The article page (with comments and related items), its light text-only version, and comment posting."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from khabar.news.models import Article, ArticleImage
from khabar.originals.models import OriginalChange
from khabar.public_url import public_url
from khabar.site import selectors, seo
from khabar.site.forms import CommentForm
from khabar.site.models import Comment
from khabar.site.page_cache import cached_page, one_of
from khabar.site.security import policy_allowing_style
from khabar.site.visitors import within_rate

COMMENT_SENT_PARAM = "comment"
COMMENT_SENT_VALUE = "sent"
COMMENT_RATE_LIMIT = 3  # comments per visitor …
COMMENT_RATE_SECONDS = 10 * 60  # … in this many seconds
RATE_LIMITED = "شما در چند دقیقهٔ اخیر چند نظر فرستاده‌اید. لطفاً چند دقیقهٔ دیگر دوباره تلاش کنید."


class ArticleGone(Exception):
    """The article was taken down by an operator: readers get 410 Gone, not 404."""


def _article_or_404(pk: int) -> Article:
    """The article with its story, and whether it has a stored image, approved comments, copies and
    recorded changes of its original: most have none, and then the page asks nothing more about them."""
    found = selectors.visible_articles().select_related("story").filter(pk=pk).first()
    if found is None:
        if Article.objects.filter(pk=pk, hidden=True).exists():
            raise ArticleGone(pk)
        raise Http404("خبر پیدا نشد")
    found.has_image, found.has_comments, found.has_copies, found.has_original_changes = _what_it_has(pk)
    return found


def _exists(model, where: str) -> str:
    return f"EXISTS (SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {where})"


def _what_it_has(pk: int) -> tuple[bool, bool, bool, bool]:
    """(stored image, approved comments, copies, changes of its original): one plain query (as ORM
    ``Exists`` annotations they cost more to compile than the rest of the article's query)."""
    sql = "SELECT " + ", ".join(
        (
            _exists(ArticleImage, "article_id = %s"),
            _exists(Comment, "article_id = %s AND approved = %s"),
            _exists(Article, "duplicate_of_id = %s"),
            _exists(OriginalChange, "article_id = %s"),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, pk, True, pk, pk])
        return tuple(bool(value) for value in cursor.fetchone())


def gone(request) -> HttpResponse:
    return render(request, "410.html", status=410)


def answers_gone(view):
    """Turn ``ArticleGone`` into the 410 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ArticleGone:
            return gone(request)

    return wrapper


def _render_article(request, article: Article, form: CommentForm, status: int = 200, live_csrf: bool = False):
    """The article page. ``live_csrf``: an answer never cached (a form sent back, the no-script
    comment page) carries the reader's CSRF token itself; cached pages leave it to the script."""
    important = selectors.important_beside(article) if article.category_id else []
    canonical_url = public_url(request, article.get_absolute_url())
    return render(
        request,
        "site/article.html",
        {
            "article": article,
            "current_category": article.category,
            "important": important,
            "related": selectors.related_articles(article),
            "related_by_story": article.story_id is not None,
            "comments": list(selectors.approved_comments(article)) if getattr(article, "has_comments", True) else [],
            "form": form,
            "comment_sent": request.GET.get(COMMENT_SENT_PARAM) == COMMENT_SENT_VALUE,
            "comments_moderated": settings.KHABAR_COMMENTS_MODERATED,
            "canonical_url": canonical_url,
            "share": seo.article_meta(request, article, canonical_url),
            "live_csrf": live_csrf,
        },
        status=status,
    )


@require_safe
@answers_gone
@cached_page(query={COMMENT_SENT_PARAM: one_of(COMMENT_SENT_VALUE)})
def article(request, pk: int):
    """The same bytes for every reader: views are counted by the page script's beacon."""
    return _render_article(request, _article_or_404(pk), CommentForm())


# The text-only page's one inline style, allowed by its hash in the page's Content-Security-Policy.
TEXT_PAGE_STYLE = (
    "body{max-width:40rem;margin:0 auto;padding:.75rem;font-family:Tahoma,sans-serif;line-height:1.9}a{color:LinkText}"
)


@require_safe
@answers_gone
@cached_page
def article_text(request, pk: int):
    """A light page for slow connections: no stylesheet, font, image or sidebar."""
    item = _article_or_404(pk)
    response = render(
        request,
        "site/article_text.html",
        {
            "article": item,
            "canonical_url": public_url(request, item.get_absolute_url()),
            "style": TEXT_PAGE_STYLE,
        },
    )
    response["Content-Security-Policy"] = policy_allowing_style(TEXT_PAGE_STYLE)
    return response


@answers_gone
@require_http_methods(["GET", "HEAD", "POST"])
def comment(request, pk: int):
    """POST: a comment. GET: the article with a ready comment form, for browsers that run no script."""
    item = _article_or_404(pk)
    if request.method != "POST":
        return _render_article(request, item, CommentForm(), live_csrf=True)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_article(request, item, form, status=400, live_csrf=True)
    if not form.is_spam:
        if not within_rate(request, "comment", COMMENT_RATE_LIMIT, COMMENT_RATE_SECONDS):
            form.add_error(None, RATE_LIMITED)
            return _render_article(request, item, form, status=429, live_csrf=True)
        form.save(item)
    url = f"{reverse('site:article', args=[item.pk])}?{COMMENT_SENT_PARAM}={COMMENT_SENT_VALUE}#comments"
    return HttpResponseRedirect(url)
