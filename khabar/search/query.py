"""Read a search request (?q=…&category=…&source=…&from=…&to=…&page=…) into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from khabar.pipeline.dates import parse_persian_datetime
from khabar.pipeline.persian import to_persian_digits
from khabar.pipeline.search_keys import search_tokens
from khabar.search.backends import SearchFilters

MAX_QUERY_LENGTH = 200
MAX_TOKENS = 12
DATE_EXAMPLE = "۱۴۰۳/۰۷/۲۷"


@dataclass
class SearchRequest:
    text: str = ""
    tokens: list[str] = field(default_factory=list)
    category: object | None = None
    source: object | None = None
    since_text: str = ""
    until_text: str = ""
    since: datetime | None = None
    until: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def filters(self) -> SearchFilters:
        return SearchFilters(
            category_id=self.category.pk if self.category is not None else None,
            source_id=self.source.pk if self.source is not None else None,
            since=self.since,
            until=self.until,
        )

    @property
    def has_filters(self) -> bool:
        return any((self.category, self.source, self.since, self.until))


def _date(value: str, label: str, errors: list[str]) -> datetime | None:
    """A Jalali (or Gregorian) date typed by a reader, as the start of that day in Tehran (UTC)."""
    if not value:
        return None
    parsed = parse_persian_datetime(value)
    if parsed is None:
        errors.append(f"تاریخ «{value}» در بخش «{label}» خوانده نشد؛ آن را مانند {DATE_EXAMPLE} بنویسید.")
    return parsed


def parse_search(params, categories: list, sources: list) -> SearchRequest:
    """``params``: request.GET. Unknown categories/outlets and unreadable dates are reported, not fatal."""
    request = SearchRequest()
    request.text = " ".join((params.get("q") or "").split())[:MAX_QUERY_LENGTH]
    request.tokens = list(dict.fromkeys(search_tokens(request.text)))[:MAX_TOKENS]
    slug = params.get("category") or ""
    request.category = next((c for c in categories if c.slug == slug), None)
    slug = params.get("source") or ""
    request.source = next((s for s in sources if s.slug == slug), None)
    request.since_text = (params.get("from") or "").strip()[:40]
    request.until_text = (params.get("to") or "").strip()[:40]
    request.since = _date(request.since_text, "از تاریخ", request.errors)
    until = _date(request.until_text, "تا تاریخ", request.errors)
    request.until = until + timedelta(days=1) if until is not None else None  # the whole last day
    if request.since and request.until and request.since >= request.until:
        request.errors.append("تاریخ آغاز بعد از تاریخ پایان است؛ بازهٔ تاریخ را بررسی کنید.")
        request.since = request.until = None
    if request.text and not request.tokens:
        request.errors.append("عبارت جست‌وجو واژه‌ای برای جست‌وجو ندارد.")
    return request


def describe_count(total: int, capped: int) -> str:
    if total >= capped:
        return f"بیش از {to_persian_digits(capped)} نتیجه"
    return f"{to_persian_digits(total)} نتیجه"
