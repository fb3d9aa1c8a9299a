"""What online story clustering works with (``clustering.py``): its settings, the articles it
takes, the answer it gives for each, and a story as it keeps one in memory (a sparse centroid)."""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from khabar.pipeline.search_keys import search_tokens

HOUR = 3600.0
_GENERIC_NAME_WORDS = frozenset(search_tokens("خبرگزاری روزنامه پایگاه خبری سایت شبکه"))


@dataclass
class ClusteringConfig:
    threshold: float = 0.35  # cosine similarity to a story's centroid a full article needs to join it
    short_threshold: float = 0.3  # the same for a bare headline: it shares only a few words with its story
    short_terms: int = 6  # an item with at most this many distinct terms is a bare headline...
    long_terms: int = 60  # ...one with at least this many a full article; in between, interpolated (log scale)
    size_relief: float = 0.15  # a story of n articles counts as relief * (1 - 1/sqrt(n)) more similar
    merge_threshold: float = 0.55  # centroid similarity at which two stories are one
    doc_terms: int = 32  # an article is compared by its heaviest terms: a long text's tail dilutes no cosine
    topic_similarity: float = 0.2  # an article this close to a story's centroid is its neighbour...
    topic_neighbours: int = 4  # ...and two neighbouring stories with this many neighbours each are one topic
    max_neighbours: int = 64  # neighbours remembered per story (bounds memory)
    window_hours: float = 72.0  # a story takes new articles while its last one is this recent
    centroid_terms: int = 64  # terms kept in a centroid (bounds memory and drift)
    indexed_terms: int = 12  # a story's heaviest terms in the candidate index
    query_terms: int = 12  # an article's heaviest terms used to find candidates
    postings_per_term: int = 64  # the most recent stories kept per index term
    candidates: int = 40  # stories compared exactly per article
    attribution_bonus: float = 0.08
    near_duplicate_threshold: float = 0.6
    near_duplicate_containment: float = 0.85
    near_duplicate_window_hours: float = 24.0  # copies follow their original within hours

    def join_threshold(self, terms: int) -> float:
        """The similarity an item with ``terms`` distinct terms needs to join a story."""
        if terms <= self.short_terms:
            return self.short_threshold
        if terms >= self.long_terms:
            return self.threshold
        share = math.log(terms / self.short_terms) / math.log(self.long_terms / self.short_terms)
        return self.short_threshold + share * (self.threshold - self.short_threshold)


def pack_centroid(terms: dict[int, float]) -> bytes:
    """A centroid as bytes (term ids, then weights), for storage."""
    ids = np.array(list(terms), dtype=np.uint32)
    return ids.tobytes() + np.array([terms[t] for t in ids.tolist()], dtype=np.float32).tobytes()


def unpack_centroid(data: bytes) -> dict[int, float]:
    data = bytes(data)
    n = len(data) // 8
    ids = np.frombuffer(data[: 4 * n], dtype=np.uint32)
    weights = np.frombuffer(data[4 * n : 8 * n], dtype=np.float32)
    return dict(zip(ids.tolist(), weights.tolist()))


@dataclass
class StoryDocument:
    """An article as the stories step sees it (plain data)."""

    id: Hashable
    source: str  # the outlet's key (slug or id)
    title: str
    lead: str = ""
    body: str = ""
    published: float = 0.0  # Unix seconds
    source_name: str = ""  # the outlet's name as readers know it (for attribution chains)


@dataclass
class Assignment:
    """Where ``add`` put one article."""

    doc_id: Hashable
    story_id: int
    new_story: bool
    similarity: float  # to the chosen story's centroid (1.0 for a near-duplicate)
    duplicate_of: Hashable | None = None  # the earliest article it nearly copies
    merged: list[tuple[int, int]] = field(default_factory=list)  # (absorbed story, into story)
    signature: bytes = b""  # near-duplicate signature, to store with the article (NearDuplicateIndex.to_bytes)
    reroot: Hashable | None = None  # this article is older than the group's head: that head now duplicates it


class StoryState:
    """One story in memory: a sparse centroid and what ranking and merging need."""

    __slots__ = ("id", "ids", "weights", "norm", "size", "first", "last", "sources", "indexed", "neighbours")

    def __init__(self, story_id: int, published: float):
        self.id = story_id
        self.ids = np.zeros(0, dtype=np.uint32)
        self.weights = np.zeros(0, dtype=np.float32)
        self.norm = 0.0
        self.size = 0
        self.first = self.last = published
        self.sources: set[str] = set()  # outlet keys and folded outlet names
        self.indexed: set[int] = set()
        self.neighbours: set[int] = set()  # stories an article of this one (or of them) came close to

    def centroid(self) -> dict[int, float]:
        return dict(zip(self.ids.tolist(), self.weights.tolist()))

    def set_centroid(self, terms: dict[int, float], keep: int) -> None:
        top = sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
        self.ids = np.array([t for t, _ in top], dtype=np.uint32)
        self.weights = np.array([w for _, w in top], dtype=np.float32)
        self.norm = float(np.sqrt(np.dot(self.weights, self.weights))) or 1.0


def folded_outlet_name(name: str) -> frozenset[str]:
    """An outlet's name as search tokens, less the generic words (news agency, newspaper, …)."""
    return frozenset(search_tokens(name)) - _GENERIC_NAME_WORDS


def outlet_name_keys(state: StoryState) -> list[frozenset[str]]:
    """The folded outlet names a story remembers (``StoryClusterer.source_keys``)."""
    return [frozenset(s[5:].split()) for s in state.sources if s.startswith("name:")]
