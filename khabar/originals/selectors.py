"""What the site shows of the originals: an article's edits or removal, recent changes, outlet counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from khabar.news.models import Article
from khabar.originals.models import OriginalChange, OriginalWatch
from khabar.pipeline.originals_diff import DiffPiece, word_diff

COUNT_DAYS = 30


@dataclass
class OriginalNotice:
    """«ویرایش‌شده» (with the diff of headline and text) or «حذف‌شده از منبع», for one article."""

    edited_at: datetime | None = None
    edits: int = 0
    removed_at: datetime | None = None
    gone_since: datetime | None = None
    title_diff: list[DiffPiece] = field(default_factory=list)
    text_diff: list[DiffPiece] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return bool(self.edits or self.removed_at)


def article_notice(article: Article) -> OriginalNotice:
    """One query (none when ``has_original_changes`` is annotated False): the article's changes,
    oldest first; the diff spans the first edit to the latest."""
    if getattr(article, "has_original_changes", True) is False:
        return OriginalNotice()
    changes = list(OriginalChange.objects.filter(article=article).order_by("detected_at", "id"))
    notice = OriginalNotice()
    edits = [c for c in changes if c.kind == OriginalChange.EDIT]
    if edits:
        first, last = edits[0], edits[-1]
        notice.edits, notice.edited_at = len(edits), last.detected_at
        if first.before_title != last.title:
            notice.title_diff = word_diff(first.before_title, last.title)
        before = "\n".join(part for part in (first.before_lead, first.before_text) if part)
        after = "\n".join(part for part in (last.lead, last.text) if part)
        if "text" in {f for e in edits for f in e.changed}:
            notice.text_diff = _around_changes(word_diff(before, after))
    removal = next((c for c in reversed(changes) if c.kind == OriginalChange.REMOVAL), None)
    if removal is not None:
        notice.removed_at, notice.gone_since = removal.detected_at, removal.gone_since
    return notice


def _around_changes(pieces: list[DiffPiece], context: int = 25) -> list[DiffPiece]:
    """Long unchanged runs shortened to their words next to a change (a diff, not the whole text)."""
    shortened = []
    for index, piece in enumerate(pieces):
        words = piece.text.split(" ")
        if piece.op != "same" or len(words) <= 2 * context:
            shortened.append(piece)
            continue
        head = " ".join(words[:context]) if index > 0 else ""
        tail = " ".join(words[-context:]) if index < len(pieces) - 1 else ""
        text = " … ".join(part for part in (head, tail) if part) or "…"
        shortened.append(DiffPiece("same", ("… " if index == 0 else "") + text + (" …" if tail == "" else "")))
    return shortened


def recent_changes(source_slug: str = ""):
    changes = OriginalChange.objects.select_related("article", "source").filter(article__hidden=False)
    if source_slug:
        changes = changes.filter(source__slug=source_slug)
    return changes.order_by("-detected_at", "-id")


def outlet_counts(source_id: int, days: int = COUNT_DAYS, now: datetime | None = None) -> dict[str, int]:
    """How many of an outlet's articles were edited, and removed, in the last ``days`` days (one query)."""
    since = (now or timezone.now()) - timedelta(days=days)
    counts = OriginalChange.objects.filter(source_id=source_id, detected_at__gte=since).aggregate(
        edited=Count("article", filter=Q(kind=OriginalChange.EDIT), distinct=True),
        removed=Count("article", filter=Q(kind=OriginalChange.REMOVAL), distinct=True),
    )
    watched = OriginalWatch.objects.filter(source_id=source_id, article__published_at__gte=since).count()
    return {**counts, "watched": watched, "days": days}
