"""The story page (/story/<id>/, «پوشش کامل»): every outlet's coverage of one event."""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from khabar.news.models import Story
from khabar.site import selectors
from khabar.site.story_selectors import resolve_merged, story_coverage
from khabar.site.views import canonical


@require_safe
def story(request, pk: int):
    found = get_object_or_404(Story, pk=pk)
    if found.merged_into_id is not None:  # merged: the old id keeps working
        return HttpResponsePermanentRedirect(resolve_merged(found).get_absolute_url())
    coverage = story_coverage(found)
    if coverage is None:
        raise Http404("رویداد پیدا نشد")
    return render(
        request,
        "site/story.html",
        {
            "story": found,
            "coverage": coverage,
            "current_category": found.category,
            "canonical_url": canonical(request, found.get_absolute_url()),
            **selectors.sidebar(),
        },
    )
