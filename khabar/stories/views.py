"""The story page (/story/<id>/, «پوشش کامل»): every outlet's coverage of one event."""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from khabar.public_url import public_url
from khabar.stories.models import Story
from khabar.stories.selectors import resolve_merged, story_coverage


@require_safe
def story(request, pk: int):
    found = get_object_or_404(Story, pk=pk)
    if found.merged_into_id is not None:  # merged: the old id keeps working
        return HttpResponsePermanentRedirect(resolve_merged(found).get_absolute_url())
    coverage = story_coverage(found)
    if coverage is None:
        if found.articles.filter(hidden=True).exists():  # taken down by an operator
            return render(request, "410.html", status=410)
        raise Http404("رویداد پیدا نشد")
    return render(
        request,
        "stories/story.html",
        {
            "story": found,
            "coverage": coverage,
            "current_category": found.category,
            "canonical_url": public_url(request, found.get_absolute_url()),
        },
    )
