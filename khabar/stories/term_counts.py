"""The document frequencies the stories' TF-IDF learns from the stream, kept in the database.

``TermWeighter`` (``khabar.pipeline.stories.text_features``) blends a reference IDF
table with counts of the articles it has seen; those counts used to start from nothing
at every restart. Here they live in one ``StoryTermCounts`` row:

* ``LearningWeighter`` is the weighter of this process's clusterer; it also keeps what
  it observed since its counts were last saved;
* ``load_counts`` gives a freshly built index the stored counts;
* ``save_counts``, run with a batch of assignments (at most every
  ``KHABAR_STORY_TERM_COUNTS_INTERVAL`` seconds), adds what this process observed to the
  stored counts and takes the sum back: several processes each add their own articles,
  none overwrites another's. It runs holding the ``StoryIndexState`` row lock, like
  every batch, so the read-add-write is never interleaved.

The row keeps at most ``MAX_TERMS`` terms: when more, the rarest are dropped (a term
seen once weighs almost the same as one never seen).
"""

from __future__ import annotations

import logging
import sys
import zlib
from array import array

from django.utils import timezone

from khabar.pipeline.stories.text_features import TermWeighter
from khabar.stories.models import StoryTermCounts

log = logging.getLogger("khabar.stories")
MAX_TERMS = 400_000
_ROW = 1


class LearningWeighter(TermWeighter):
    """A ``TermWeighter`` that remembers what it learned since its counts were last saved."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.unsaved_docs = 0
        self.unsaved: dict[int, int] = {}

    def observe(self, tids) -> None:
        super().observe(tids)
        self.unsaved_docs += 1
        unsaved = self.unsaved
        for t in tids:
            unsaved[t] = unsaved.get(t, 0) + 1


def pack_counts(df: dict[int, int]) -> bytes:
    """Term id -> count as compressed little-endian uint32 pairs (ids sorted)."""
    ids = array("I", sorted(df))
    counts = array("I", (min(df[t], 0xFFFFFFFF) for t in ids))
    if sys.byteorder == "big":
        ids.byteswap()
        counts.byteswap()
    return zlib.compress(ids.tobytes() + counts.tobytes(), 6)


def unpack_counts(blob: bytes) -> dict[int, int]:
    """The inverse of :func:`pack_counts`; {} for an empty or damaged blob (logged)."""
    if not blob:
        return {}
    try:
        raw = zlib.decompress(bytes(blob))
    except zlib.error as error:
        log.warning("stories: stored term counts unreadable (%s); starting from the reference table", error)
        return {}
    values = array("I")
    if len(raw) % (2 * values.itemsize):
        log.warning("stories: stored term counts have a bad length; starting from the reference table")
        return {}
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    half = len(values) // 2
    return dict(zip(values[:half], values[half:]))


def _bounded(df: dict[int, int], limit: int = MAX_TERMS) -> dict[int, int]:
    if len(df) <= limit:
        return df
    keep = sorted(df.items(), key=lambda item: (-item[1], item[0]))[: int(limit * 0.8)]
    return dict(keep)


def load_counts(weighter: TermWeighter) -> None:
    """Give ``weighter`` the stored counts (nothing stored: it keeps its own)."""
    row = StoryTermCounts.objects.filter(pk=_ROW).first()
    if row is not None and row.documents:
        weighter.import_counts(row.documents, unpack_counts(row.counts))
        log.info("stories: learned term counts loaded (%d documents, %d terms)", row.documents, row.terms)


def save_counts(weighter: TermWeighter) -> bool:
    """Add what ``weighter`` learned since the last save to the stored counts, and take the sum back.

    Call it holding the ``StoryIndexState`` row lock (inside ``assign_stories``' transaction).
    """
    if not isinstance(weighter, LearningWeighter) or not weighter.unsaved_docs:
        return False
    row, _ = StoryTermCounts.objects.select_for_update().get_or_create(pk=_ROW)
    df = unpack_counts(row.counts)
    for t, n in weighter.unsaved.items():
        df[t] = df.get(t, 0) + n
    df = _bounded(df)
    row.documents += weighter.unsaved_docs
    row.counts, row.terms, row.updated_at = pack_counts(df), len(df), timezone.now()
    row.save()
    weighter.import_counts(row.documents, df)
    weighter.unsaved_docs, weighter.unsaved = 0, {}
    return True
