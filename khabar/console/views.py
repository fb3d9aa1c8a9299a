"""The console's overview, audit log and takedown pages."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from khabar.console import takedowns
from khabar.console.access import staff_only
from khabar.console.audit import filtered
from khabar.console.models import AuditEntry, Takedown
from khabar.console.overview import overview as overview_figures
from khabar.news.models import Article
from khabar.pipeline.persian import to_persian_digits
from khabar.stories.models import Story

AUDIT_PAGE = 50
_SITE_ARTICLE = re.compile(r"/news/(\d+)/?")
_SITE_STORY = re.compile(r"/story/(\d+)/?")


@staff_only
def overview(request):
    return render(request, "console/overview.html", overview_figures())


@staff_only
def audit_log(request):
    page = Paginator(filtered(request.GET), AUDIT_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/audit.html",
        {
            "page": page,
            "actions": AuditEntry.ACTIONS,
            "users": AuditEntry.objects.order_by("username").values_list("username", flat=True).distinct(),
            "types": AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct(),
            "params": request.GET,
        },
    )


def _find_target(kind: str, ref: str):
    """An article (by id, site address or original URL) or a story (by id or site address)."""
    ref = ref.strip()
    if kind == "story":
        match = _SITE_STORY.search(ref)
        pk = match.group(1) if match else ref
        return Story.objects.filter(pk=pk).first() if pk.isdigit() else None
    match = _SITE_ARTICLE.search(ref)
    if match or ref.isdigit():
        return Article.objects.filter(pk=match.group(1) if match else ref).first()
    return Article.objects.filter(url=ref).first()


@staff_only
def takedown_list(request):
    if request.method == "POST":
        kind = request.POST.get("kind", "article")
        reason = request.POST.get("reason", "")
        note = request.POST.get("note", "").strip()
        target = _find_target(kind, request.POST.get("ref", ""))
        if target is None:
            messages.error(request, "چنین خبر یا رویدادی پیدا نشد.")
        elif reason not in takedowns.REASON_LABELS:
            messages.error(request, "دلیل پنهان کردن را انتخاب کنید.")
        else:
            found = {"article": target} if kind != "story" else {"story": target}
            done = takedowns.take_down(request, reason=reason, note=note, **found)
            messages.success(request, to_persian_digits(f"پنهان شد: {target} ({len(done.article_ids)} خبر)"))
        return redirect("console:takedowns")
    items = Takedown.objects.select_related("article", "story", "taken_by", "restored_by")
    return render(
        request,
        "console/takedowns.html",
        {
            "active": list(items.filter(restored_at__isnull=True)[:200]),
            "restored": list(items.filter(restored_at__isnull=False)[:50]),
            "reasons": Takedown.REASONS,
            "ref": request.GET.get("ref", ""),
            "kind": request.GET.get("kind", "article"),
        },
    )


@require_POST
@staff_only
def takedown_restore(request, pk: int):
    takedown = get_object_or_404(Takedown, pk=pk)
    shown = takedowns.restore(request, takedown, note=request.POST.get("note", "").strip())
    messages.success(request, to_persian_digits(f"بازگردانده شد: {shown} خبر"))
    return redirect("console:takedowns")
