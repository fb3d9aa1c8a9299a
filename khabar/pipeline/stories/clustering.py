"""Online story clustering: each new article joins the story it is about, or starts one.

``StoryClusterer.add(doc)`` decides in one pass, in arrival order, and never
revisits a decision except by merging two stories:

1. A near-duplicate of an earlier article (``NearDuplicateIndex``) joins that
   article's story.
2. Otherwise the article's TF-IDF vector is compared with the *centroids* of
   the candidate stories (never with single members, so stories do not chain
   from one article to the next). Candidates come from an inverted index of
   each story's heaviest terms, only stories active within the time window
   (default 72 h), at most ``candidates`` of them: the cost of one article is
   bounded whatever the number of stories.
3. An article that credits an outlet (``به نقل از …``) whose article is in a
   candidate story gets a small bonus towards that story (the attribution chain).
4. It joins the most similar story at or above ``threshold``, else starts a
   new one. If a second story is also that close and the two centroids are
   alike (``merge_threshold``), the smaller story is merged into the larger;
   the merged story keeps its id and redirects (``resolve``).
5. Running stories (the topic step, ``_join_topic`` and ``_gather``): the article is a
   neighbour of every candidate story within ``topic_similarity`` of it; two stories that
   are neighbours and both dense (``topic_neighbours`` neighbours each) are merged, and a
   dense story takes in the smaller stories its centroid has come to match.

A centroid is the sum of its members' unit vectors, cut to its
``centroid_terms`` heaviest terms: the story may grow and shift over days,
but only as far as its members as a whole do. The same input in the same
order gives the same stories.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, deque
from collections.abc import Callable, Hashable
from itertools import chain

import numpy as np

from khabar.pipeline.stories.clustering_data import (
    HOUR,
    Assignment,
    ClusteringConfig,
    StoryDocument,
    StoryState,
    folded_outlet_name,
    outlet_name_keys,
    pack_centroid,
    unpack_centroid,
)
from khabar.pipeline.stories.near_duplicates import NearDuplicate, NearDuplicateIndex
from khabar.pipeline.stories.text_features import ArticleFeatures, TermWeighter

# The data types live in clustering_data.py; importers keep finding them here.
__all__ = [
    "HOUR",
    "Assignment",
    "ClusteringConfig",
    "StoryClusterer",
    "StoryDocument",
    "StoryState",
    "pack_centroid",
    "unpack_centroid",
]


class StoryClusterer:
    """Online, incremental story clustering (see the module doc)."""

    def __init__(
        self,
        config: ClusteringConfig | None = None,
        weighter: TermWeighter | None = None,
        new_story_id: Callable[[], int] | None = None,
    ):
        self.config = config or ClusteringConfig()
        self.weighter = weighter or TermWeighter(top_terms=self.config.query_terms, kept_terms=self.config.doc_terms)
        self.window = self.config.window_hours * HOUR
        self.near_duplicates = NearDuplicateIndex(
            threshold=self.config.near_duplicate_threshold,
            containment=self.config.near_duplicate_containment,
            window=self.config.near_duplicate_window_hours * HOUR,
        )
        self.stories: dict[int, StoryState] = {}
        self.redirects: dict[int, int] = {}
        self.story_of: dict[Hashable, int] = {}  # article -> story, for articles in the window
        self._postings: dict[int, deque[int]] = {}
        self._new_story_id = new_story_id or itertools.count(1).__next__
        self._story_expiry: list[tuple[float, int]] = []  # (last article, story) heap
        self._article_expiry: list[tuple[float, int, Hashable]] = []  # (published, n, article) heap
        self._added = 0
        self.now = float("-inf")

    # -- public -----------------------------------------------------------------------
    def add(self, doc: StoryDocument) -> Assignment:
        """Assign ``doc`` to a story (existing or new) and update the index."""
        features = self.weighter.features(doc.title, doc.lead, doc.body)
        self._advance(doc.published)
        self.near_duplicates.advance(doc.published)  # copies older than its window are not looked for
        signature = self.near_duplicates.signature(features.shingles)
        size = len(features.shingles)
        dup = self.near_duplicates.find(signature, size)
        story, similarity, merged = self._choose(doc, features, dup)
        self.story_of[doc.id] = story.id
        self._added += 1
        heapq.heappush(self._article_expiry, (doc.published, self._added, doc.id))
        root, reroot = (dup.root if dup else None), None
        if dup is not None and doc.published < (self.near_duplicates.published(dup.root) or float("-inf")):
            root, reroot = None, dup.root  # the copy arrived before its original: the original is this one
        self.near_duplicates.add(doc.id, signature, size, doc.published, root=root)
        if reroot is not None:
            self.near_duplicates.reroot(reroot, doc.id)
        return Assignment(
            doc.id,
            story.id,
            story.size == 1,
            similarity,
            duplicate_of=root,
            merged=merged,
            signature=NearDuplicateIndex.to_bytes(signature, size),
            reroot=reroot,
        )

    def resolve(self, story_id: int) -> int:
        """The story ``story_id`` now is (after merges)."""
        root = story_id
        while root in self.redirects:
            root = self.redirects[root]
        while story_id != root:  # path compression
            following = self.redirects[story_id]
            self.redirects[story_id] = root
            story_id = following
        return root

    def restore_story(
        self, story_id: int, centroid: dict[int, float], size: int, first: float, last: float, sources: set[str]
    ) -> None:
        """Put a stored story back in memory, or replace it (rebuilding the state from a database)."""
        previous = self.stories.get(story_id)
        state = StoryState(story_id, first)
        state.set_centroid(centroid, self.config.centroid_terms)
        state.size, state.first, state.last, state.sources = size, first, last, set(sources)
        if previous is not None:
            state.indexed = previous.indexed
        self.stories[story_id] = state
        self._index(state)
        heapq.heappush(self._story_expiry, (state.last, story_id))
        self.now = max(self.now, last)

    def apply_merge(self, absorbed: int, into: int) -> None:
        """Record a merge decided elsewhere (another process): ``absorbed`` now redirects to ``into``."""
        if absorbed != into:
            self.stories.pop(absorbed, None)
            self.redirects[absorbed] = into

    @staticmethod
    def source_keys(source: str, source_name: str = "") -> set[str]:
        """What a story remembers of one outlet (its key and its folded name)."""
        keys = {str(source)}
        if source_name:
            keys.add("name:" + " ".join(sorted(folded_outlet_name(source_name))))
        return keys

    def restore_article(
        self,
        doc_id: Hashable,
        story_id: int,
        signature: np.ndarray,
        size: int,
        published: float,
        duplicate_of: Hashable | None = None,
    ) -> None:
        """Put a stored article's near-duplicate signature and story back in memory."""
        self.story_of[doc_id] = story_id
        self._added += 1
        heapq.heappush(self._article_expiry, (published, self._added, doc_id))
        self.near_duplicates.add(doc_id, signature, size, published, root=duplicate_of)

    # -- decisions ----------------------------------------------------------------------
    def _choose(
        self, doc: StoryDocument, features: ArticleFeatures, dup: NearDuplicate | None
    ) -> tuple[StoryState, float, list[tuple[int, int]]]:
        cfg = self.config
        if dup is not None:
            target = self.stories.get(self.resolve(self.story_of.get(dup.key, -1)))
            if target is not None:
                self._join(target, doc, features)
                return target, 1.0, []
        scored = self._score_candidates(doc, features)
        threshold = cfg.join_threshold(len(features.terms))
        merged: list[tuple[int, int]] = []
        if scored and scored[0][0] >= threshold:
            best_sim, best, _ = scored[0]
            self._join(best, doc, features)
            for sim, other, _ in scored[1:3]:
                if sim < threshold or other.id not in self.stories or best.id not in self.stories:
                    continue
                if self._centroid_similarity(best, other) >= cfg.merge_threshold:
                    best = self._merge_pair(best, other, merged)
        else:
            best_sim, best = 1.0, StoryState(self._new_story_id(), doc.published)
            self.stories[best.id] = best
            self._join(best, doc, features)
        size_before = best.size
        best = self._join_topic(best, scored, merged)
        if best.size >= 4 and (best.size & (best.size - 1) == 0 or best.size != size_before) and self._dense(best):
            best = self._gather(best, merged)
        return best, best_sim, merged

    def _merge_pair(self, a: StoryState, b: StoryState, merged: list[tuple[int, int]]) -> StoryState:
        """Merge the smaller of two stories into the larger (the older on a tie); the survivor."""
        survivor, absorbed = (a, b) if (a.size, -a.id) >= (b.size, -b.id) else (b, a)
        self._merge(absorbed, survivor)
        merged.append((absorbed.id, survivor.id))
        return survivor

    def _join_topic(
        self, story: StoryState, scored: list[tuple[float, StoryState, float]], merged: list[tuple[int, int]]
    ) -> StoryState:
        """Stories that keep attracting the same articles are one: the density test of DBSCAN, online.

        The article is a neighbour of every candidate story whose centroid it comes within
        ``topic_similarity`` of. A story with ``topic_neighbours`` neighbours sits in a dense
        region of coverage (a running story reported from many angles); two such stories that
        are neighbours are merged. A pair of same-topic reports of different events (two
        matches of one team) has one neighbour each and stays apart.
        """
        cfg, stories = self.config, self.stories
        near = [other for _, other, raw in scored if raw >= cfg.topic_similarity and other.id != story.id]
        for other in near:
            if other.id in stories and len(story.neighbours) < cfg.max_neighbours:
                story.neighbours.add(other.id)
            if len(other.neighbours) < cfg.max_neighbours:
                other.neighbours.add(story.id)
        for other in near:
            if story.id not in stories or other.id not in stories or other.id == story.id:
                continue
            if self._dense(story) and self._dense(other):
                story = self._merge_pair(story, other, merged)
        return story

    def _dense(self, story: StoryState) -> bool:
        alive = [sid for sid in story.neighbours if sid in self.stories or self.resolve(sid) in self.stories]
        story.neighbours = set(alive)
        return len({self.resolve(sid) for sid in alive} - {story.id}) >= self.config.topic_neighbours

    def _candidates(self, top_terms: list[int]) -> list[StoryState]:
        """Active stories sharing the most of these heavy terms (newest first among equals)."""
        postings = self._postings
        hits = Counter(chain.from_iterable(reversed(postings[t]) for t in top_terms if t in postings))
        horizon, stories, found = self.now - self.window, self.stories, []
        for sid, _ in hits.most_common():
            state = stories.get(sid)
            if state is not None and state.last >= horizon:
                found.append(state)
                if len(found) == self.config.candidates:
                    break
        return found

    def _score_candidates(self, doc: StoryDocument, features: ArticleFeatures) -> list[tuple[float, StoryState, float]]:
        """(similarity with bonuses, story, plain cosine to its centroid), most similar first."""
        cands = self._candidates(features.top_terms)
        if not cands:
            return []
        doc_ids = np.fromiter(sorted(features.terms), dtype=np.uint32, count=len(features.terms))
        doc_w = np.array([features.terms[t] for t in doc_ids.tolist()], dtype=np.float32)
        sims = self._cosines(doc_ids, doc_w, cands)
        relief = self.config.size_relief
        cited = [folded_outlet_name(name) for name in features.citing]
        cited = [c for c in cited if c]
        scored = []
        for raw, state in zip(sims, cands):
            sim = raw
            if cited and sim > 0.0 and any(c <= src or src <= c for c in cited for src in outlet_name_keys(state)):
                sim += self.config.attribution_bonus
            if sim > 0.0:  # a centroid of many articles has learned the story's words: trust it more
                sim += relief * (1.0 - 1.0 / math.sqrt(state.size))
            scored.append((sim, state, raw))
        scored.sort(key=lambda x: (-x[0], x[1].id))
        return scored

    @staticmethod
    def _cosines(doc_ids: np.ndarray, doc_w: np.ndarray, cands: list[StoryState]) -> list[float]:
        """Dot products of one unit vector (sorted term ids, weights) with each candidate's centroid."""
        ids = np.concatenate([s.ids for s in cands])
        weights = np.concatenate([s.weights for s in cands])
        segment = np.repeat(np.arange(len(cands)), [len(s.ids) for s in cands])
        pos = np.minimum(np.searchsorted(doc_ids, ids), len(doc_ids) - 1)
        contrib = np.where(doc_ids[pos] == ids, doc_w[pos] * weights, 0.0)
        dots = np.bincount(segment, weights=contrib, minlength=len(cands))
        return [float(d) / s.norm for d, s in zip(dots.tolist(), cands)]

    def _gather(self, story: StoryState, merged: list[tuple[int, int]]) -> StoryState:
        """A dense story takes in the smaller stories its learned vocabulary now matches.

        Articles that came before a running story had gathered its words started stories of
        their own; once the story is dense (``_dense``), every smaller candidate story whose
        centroid is within ``topic_similarity`` of its centroid joins it. Done when the
        story's size reaches a power of two, so a story does it O(log n) times.
        """
        cands = [c for c in self._candidates(story.ids[: self.config.indexed_terms].tolist()) if c.id != story.id]
        cands = [c for c in cands if c.size <= story.size]
        if not cands:
            return story
        order = np.argsort(story.ids)
        sims = self._cosines(story.ids[order], story.weights[order] / story.norm, cands)
        for sim, other in sorted(zip(sims, cands), key=lambda x: (-x[0], x[1].id)):
            if sim >= self.config.topic_similarity and other.id in self.stories and story.id in self.stories:
                story = self._merge_pair(story, other, merged)
        return story

    # -- updates ------------------------------------------------------------------------
    def _join(self, story: StoryState, doc: StoryDocument, features: ArticleFeatures) -> None:
        terms = story.centroid()
        for t, w in features.terms.items():
            terms[t] = terms.get(t, 0.0) + w
        story.set_centroid(terms, self.config.centroid_terms)
        story.size += 1
        story.first, story.last = min(story.first, doc.published), max(story.last, doc.published)
        story.sources |= self.source_keys(doc.source, doc.source_name)
        self._index(story)
        heapq.heappush(self._story_expiry, (story.last, story.id))

    def _index(self, story: StoryState) -> None:
        for t in story.ids[: self.config.indexed_terms].tolist():
            if t in story.indexed:
                continue
            story.indexed.add(t)
            posting = self._postings.get(t)
            if posting is None:
                posting = self._postings[t] = deque(maxlen=self.config.postings_per_term)
            posting.append(story.id)

    def _merge(self, absorbed: StoryState, survivor: StoryState) -> None:
        terms = survivor.centroid()
        for t, w in absorbed.centroid().items():
            terms[t] = terms.get(t, 0.0) + w
        survivor.set_centroid(terms, self.config.centroid_terms)
        survivor.size += absorbed.size
        survivor.first, survivor.last = min(survivor.first, absorbed.first), max(survivor.last, absorbed.last)
        survivor.sources |= absorbed.sources
        survivor.neighbours = (survivor.neighbours | absorbed.neighbours) - {survivor.id, absorbed.id}
        self._index(survivor)
        heapq.heappush(self._story_expiry, (survivor.last, survivor.id))
        del self.stories[absorbed.id]
        self.redirects[absorbed.id] = survivor.id

    @staticmethod
    def _centroid_similarity(a: StoryState, b: StoryState) -> float:
        common, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
        if not len(common):
            return 0.0
        return float(np.dot(a.weights[ia], b.weights[ib])) / (a.norm * b.norm)

    def _advance(self, published: float) -> None:
        """Move the stream clock; forget stories and articles past the window (amortised: heaps)."""
        self.now = max(self.now, published)
        horizon = self.now - self.window
        expiry, stories = self._story_expiry, self.stories
        while expiry and expiry[0][0] < horizon:
            last, sid = heapq.heappop(expiry)
            state = stories.get(sid)
            if state is not None and state.last == last:  # else it grew since: a later entry stands for it
                del stories[sid]
        articles = self._article_expiry
        while articles and articles[0][0] < horizon:
            self.story_of.pop(heapq.heappop(articles)[2], None)
