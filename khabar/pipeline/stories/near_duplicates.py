"""Near-duplicates: the same agency copy republished under another outlet's credit and headline.

MinHash signatures of an article's word shingles (lead and body, folded by
``search_tokens``, credit line removed) go into a MinHash LSH index
(datasketch: 64 permutations in 16 bands of 4, so pairs with a Jaccard
similarity of 0.6 are found with probability 0.89, of 0.7 with 0.98). A new
article is compared only with the LSH candidates, never with every stored
article, so the cost per article does not grow with the number stored;
articles older than the window (24 h: copies follow their original within
hours) are removed from the index.

A candidate is a near-duplicate when the estimated Jaccard similarity of the
shingle sets is at least ``threshold``, or when the shorter text is almost all
contained in the longer one (a shortened copy). Signatures are plain ``bytes``
(``num_perm`` 32-bit values), so the index can be persisted alongside each
article and rebuilt for the window on start-up.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 64
BANDS = (16, 4)  # (bands, rows per band): NUM_PERM = bands * rows
SEED = 20240611
SCHEME = "affine32"  # datasketch 2 hashing scheme (32-bit values)
EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


@dataclass(frozen=True)
class NearDuplicate:
    key: Hashable  # the most similar earlier article
    root: Hashable  # the earliest article of its group (what duplicate_of points to)
    jaccard: float  # estimated Jaccard similarity of the shingle sets
    containment: float  # estimated share of the shorter text found in the longer one


class NearDuplicateIndex:
    """MinHash LSH over article shingles, for one time window."""

    def __init__(
        self,
        threshold: float = 0.6,
        containment: float = 0.85,
        window: float = 24 * 3600.0,
        num_perm: int = NUM_PERM,
        bands: tuple[int, int] = BANDS,
    ):
        self.threshold, self.min_containment, self.window = threshold, containment, window
        self.num_perm = num_perm
        self._work = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME)  # reused: permutations are costly
        self._lsh = MinHashLSH(num_perm=num_perm, params=bands)
        self._signatures: dict[Hashable, np.ndarray] = {}
        self._sizes: dict[Hashable, int] = {}
        self._roots: dict[Hashable, Hashable] = {}  # key -> an earlier article of its group (union-find)
        self._published: dict[Hashable, float] = {}
        self._expiry: list[tuple[float, int, Hashable]] = []  # (published, insertion no., key)
        self._inserted = 0
        self.now = float("-inf")

    def __len__(self) -> int:
        return len(self._signatures)

    # -- signatures -----------------------------------------------------------------
    def signature(self, shingles: list[bytes]) -> np.ndarray:
        if not shingles:
            return EMPTY.copy()
        m = self._work
        m.clear()
        m.update_batch(shingles)
        return np.array(m.hashvalues, dtype=np.uint32)

    @staticmethod
    def to_bytes(signature: np.ndarray, size: int) -> bytes:
        """Signature and shingle count, for storage next to the article."""
        return np.uint32(size).tobytes() + signature.astype(np.uint32).tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> tuple[np.ndarray, int]:
        arr = np.frombuffer(bytes(data), dtype=np.uint32)
        return arr[1:].copy(), int(arr[0])

    @staticmethod
    def _minhash(signature: np.ndarray) -> LeanMinHash:
        # LeanMinHash: no permutations to generate, unlike MinHash(hashvalues=...)
        return LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)

    # -- queries -------------------------------------------------------------------
    def find(self, signature: np.ndarray, size: int) -> NearDuplicate | None:
        """The best near-duplicate among the indexed articles, or None."""
        if size == 0 or not self._signatures:
            return None
        best: NearDuplicate | None = None
        for key in sorted(self._lsh.query(self._minhash(signature)), key=_order_key):
            other = self._signatures.get(key)
            if other is None:
                continue
            j = float(np.count_nonzero(other == signature)) / self.num_perm
            other_size = self._sizes[key]
            inter = j * (size + other_size) / (1.0 + j)
            contained = inter / max(1, min(size, other_size))
            if j < self.threshold and (contained < self.min_containment or j < 0.25):
                continue
            if best is None or (j, contained) > (best.jaccard, best.containment):
                best = NearDuplicate(key, self.root(key), j, min(1.0, contained))
        return best

    def root(self, key: Hashable) -> Hashable:
        """The earliest article of ``key``'s group (as far as the index remembers)."""
        root = key
        while root in self._roots:
            root = self._roots[root]
        while key != root:  # path compression
            following = self._roots[key]
            self._roots[key] = root
            key = following
        return root

    def published(self, key: Hashable) -> float | None:
        return self._published.get(key)

    def reroot(self, old_root: Hashable, new_root: Hashable) -> None:
        """An article published before ``old_root`` arrived: it heads the group from now on."""
        if old_root != new_root:
            self._roots[old_root] = new_root

    # -- updates -------------------------------------------------------------------
    def add(
        self, key: Hashable, signature: np.ndarray, size: int, published: float, root: Hashable | None = None
    ) -> None:
        """Index an article (``root``: the earliest article it duplicates, if any)."""
        if key in self._signatures or size == 0:
            return
        self._lsh.insert(key, self._minhash(signature), check_duplication=False)
        self._signatures[key] = signature
        self._sizes[key] = size
        self._published[key] = published
        if root is not None and root != key:
            self._roots[key] = root
        self._inserted += 1
        heapq.heappush(self._expiry, (published, self._inserted, key))
        self.advance(published)

    def advance(self, now: float) -> int:
        """Move the clock; drop articles older than the window. Returns how many were dropped."""
        if now <= self.now:
            return 0
        self.now = now
        dropped = 0
        while self._expiry and self._expiry[0][0] < now - self.window:
            _, _, key = heapq.heappop(self._expiry)
            if self._signatures.pop(key, None) is not None:
                self._lsh.remove(key)
                self._sizes.pop(key, None)
                self._published.pop(key, None)
                self._roots.pop(key, None)
                dropped += 1
        return dropped


def _order_key(key: Hashable) -> tuple:
    """Deterministic order for keys of any type (LSH answers are sets)."""
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))
