"""The console's sources: the list with health, an outlet's page, and its actions (pause, resume, check now, edit)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from khabar.console import audit
from khabar.console.access import staff_only
from khabar.console.forms import OutletEditForm
from khabar.console.outlets import FILTERS, outlet_page, outlet_rows
from khabar.crawler.status import STATUS_LABELS
from khabar.pipeline.health import FAILURE_CLASSES
from khabar.sources.models import Source

SOURCES_PAGE = 100


@staff_only
def sources(request):
    query = request.GET.get("q", "").strip()
    show = request.GET.get("show", "")
    rows = outlet_rows(query=query, show=show if show in FILTERS else "")
    page = Paginator(rows, SOURCES_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/sources.html",
        {"page": page, "query": query, "show": show, "filters": FILTERS, "labels": STATUS_LABELS},
    )


@staff_only
def source(request, slug: str):
    found = get_object_or_404(Source, slug=slug)
    return render(
        request,
        "console/source.html",
        {
            "outlet": outlet_page(found),
            "form": OutletEditForm(
                initial={"weight": found.weight, "category": found.feeds.values_list("category", flat=True).first()}
            ),
            "failure_classes": {key: labels[1] for key, labels in FAILURE_CLASSES.items()},
        },
    )


def _acted(request, found: Source, action: str, text: str, detail: str = ""):
    audit.record(request, action, found, reason=request.POST.get("reason", "").strip(), detail=detail)
    messages.success(request, text)
    return redirect("console:source", slug=found.slug)


@require_POST
@staff_only
def source_pause(request, slug: str):
    """Stop crawling the outlet (``Source.active`` off): no check, no daily rediscovery, until resumed."""
    found = get_object_or_404(Source, slug=slug)
    with transaction.atomic():
        found.active = False
        found.save(update_fields=["active"])
        return _acted(request, found, "source_pause", f"{found.name} متوقف شد.")


@require_POST
@staff_only
def source_resume(request, slug: str):
    """Crawl the outlet again, at once: paused feeds (by hand or after failing for days) are resumed too."""
    found = get_object_or_404(Source, slug=slug)
    with transaction.atomic():
        found.active = True
        found.save(update_fields=["active"])
        feeds = list(found.feeds.filter(paused_at__isnull=False))
        for feed in feeds:
            feed.resume()
            feed.save(
                update_fields=["paused_at", "failing_since", "error_streak", "next_check_at", "next_check_reason"]
            )
        return _acted(request, found, "source_resume", f"{found.name} از سر گرفته شد.", f"{len(feeds)} خوراک متوقف")


@require_POST
@staff_only
def source_check(request, slug: str):
    """Every crawlable feed of the outlet becomes due now: the scheduler queues them within seconds."""
    found = get_object_or_404(Source, slug=slug)
    with transaction.atomic():
        count = (
            found.feeds.crawlable()
            .filter(claimed_at__isnull=True)
            .update(next_check_at=timezone.now(), next_check_reason="بررسی همین حالا: به درخواست گرداننده")
        )
        return _acted(request, found, "source_check", f"{found.name} در نوبت بررسی فوری است.", f"{count} خوراک")


@require_POST
@staff_only
def source_edit(request, slug: str):
    found = get_object_or_404(Source, slug=slug)
    form = OutletEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "وزن باید عددی از ۰ تا ۱۰ باشد.")
        return redirect("console:source", slug=found.slug)
    with transaction.atomic():
        changes = []
        if form.cleaned_data["weight"] != found.weight:
            changes.append(f"وزن: {found.weight} → {form.cleaned_data['weight']}")
            found.weight = form.cleaned_data["weight"]
            found.save(update_fields=["weight"])
        category = form.cleaned_data["category"]
        if category is not None:
            count = found.feeds.exclude(category=category).update(category=category)
            if count:
                changes.append(f"دستهٔ {count} خوراک: {category.name}")
        return _acted(request, found, "source_edit", f"{found.name} ذخیره شد.", "؛ ".join(changes) or "بدون تغییر")
