"""Pagination whose count is bounded: a page of a 1,000,000-row list costs no full count."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from khabar.site.page_cache import cached_value

PER_PAGE = 30
MAX_PAGES = 200  # older items stay reachable by id, search, the outlet pages and the sitemap


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page: int = PER_PAGE, max_pages: int = MAX_PAGES, **kwargs):
        self.max_pages = max_pages
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        limit = self.per_page * self.max_pages
        object_list = self.object_list
        if hasattr(object_list, "count") and hasattr(object_list, "query"):
            return object_list.order_by()[:limit].count()  # counting needs no sort
        return min(len(object_list), limit)


def paginate(request, object_list, per_page: int = PER_PAGE, count_key: str | None = None):
    """(page, elided page range) for ``?page=N``; nonsense page numbers fall back to the first/last page.

    ``count_key``: the bounded count (up to 6,000 index rows read, most of a list page's
    database time on a large archive) is shared under this name until the content changes."""
    paginator = BoundedPaginator(object_list, per_page)
    if count_key is not None:
        paginator.count = cached_value(f"count:{count_key}", lambda: BoundedPaginator(object_list, per_page).count)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, page_range
