"""/originals/: the recent edits and removals of stored articles across outlets, filterable by outlet."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from khabar.originals.selectors import recent_changes
from khabar.public_url import public_url
from khabar.sources.models import Source

PER_PAGE = 30


@require_safe
def changes(request):
    slug = request.GET.get("outlet", "")[:100]
    outlet = Source.objects.filter(slug=slug).first() if slug else None
    paginator = Paginator(recent_changes(outlet.slug if outlet else ""), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    outlets = Source.objects.filter(original_changes__isnull=False).distinct().order_by("name")
    return render(
        request,
        "originals/changes.html",
        {
            "page_obj": page,
            "outlet": outlet,
            "outlets": list(outlets.values("slug", "name")),
            "canonical_url": public_url(request, reverse("site:original_changes")),
        },
    )
