"""Moderation: readers' comments (approve / reject, in bulk and by keyboard) and the contact-form inbox.

The comment and message models belong to the site, a sibling layer the console does not import:
they are looked up by app label (``apps.get_model``). Saving them one by one lets the site's own
signal receivers refresh its cached pages.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from khabar.console import audit
from khabar.console.access import staff_only
from khabar.pipeline.persian import to_persian_digits

QUEUE_PAGE = 50
INBOX_PAGE = 50


def _back(request, default: str):
    """Back to the page the form was on (this site's own paths only), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def comment_model():
    return apps.get_model("site", "Comment")


def contact_model():
    return apps.get_model("site", "ContactMessage")


@staff_only
def comments(request):
    Comment = comment_model()
    name = request.GET.get("name", "").strip()
    show = request.GET.get("show", "pending")
    qs = Comment.objects.select_related("article")
    if name:
        qs = qs.filter(name=name)  # a reader's other comments
    elif show != "all":
        qs = qs.filter(approved=False)
    page = Paginator(qs.order_by("-created_at", "-id"), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/comments.html",
        {"page": page, "name": name, "show": show, "pending": Comment.objects.filter(approved=False).count()},
    )


@require_POST
@staff_only
def comments_act(request):
    Comment = comment_model()
    action = request.POST.get("action")
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()][:QUEUE_PAGE]
    if action not in ("approve", "reject") or not ids:
        messages.error(request, "نظری انتخاب نشده است.")
        return _back(request, "console:comments")
    with transaction.atomic():
        chosen = list(Comment.objects.select_related("article").filter(pk__in=ids))
        for comment in chosen:
            label = f"{comment.name}: {comment.text[:80]}"
            if action == "approve":
                comment.approved = True
                comment.save(update_fields=["approved"])
                audit.record(request, "comment_approve", comment, label=label)
            else:
                # Rejected comments are deleted; the log keeps what they said.
                audit.record(
                    request, "comment_reject", comment, label=label, detail=f"خبر {comment.article_id}: {comment.text}"
                )
                comment.delete()
    done = "تأیید" if action == "approve" else "رد"
    messages.success(request, to_persian_digits(f"{len(chosen)} نظر {done} شد."))
    return _back(request, "console:comments")


@staff_only
def inbox(request):
    Message = contact_model()
    show = request.GET.get("show", "unread")
    qs = Message.objects.all()
    if show == "unread":
        qs = qs.filter(handled=False)
    page = Paginator(qs.order_by("-created_at", "-id"), INBOX_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/inbox.html",
        {"page": page, "show": show, "unread": Message.objects.filter(handled=False).count()},
    )


@require_POST
@staff_only
def inbox_mark(request, pk: int):
    message = get_object_or_404(contact_model(), pk=pk)
    message.handled = request.POST.get("read") == "1"
    message.save(update_fields=["handled"])
    audit.record(
        request,
        "contact_read" if message.handled else "contact_unread",
        message,
        label=f"{message.name}: {message.text[:80]}",
    )
    return _back(request, "console:inbox")
