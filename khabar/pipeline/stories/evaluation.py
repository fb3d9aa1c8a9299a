"""Scores of a clustering against a ground truth: B-cubed precision, recall and F1; pair precision.

B-cubed (Bagga & Baldwin 1998) averages, over items, the share of the item's
predicted cluster that is in its gold cluster (precision) and the share of its
gold cluster that is in its predicted cluster (recall).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    items: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> BCubed:
    """B-cubed over the items present in both mappings (item -> cluster label)."""
    items = [i for i in gold if i in predicted]
    if not items:
        return BCubed(0.0, 0.0, 0)
    both = Counter((gold[i], predicted[i]) for i in items)
    gold_size = Counter(gold[i] for i in items)
    pred_size = Counter(predicted[i] for i in items)
    precision = sum(n * n / pred_size[p] for (g, p), n in both.items()) / len(items)
    recall = sum(n * n / gold_size[g] for (g, p), n in both.items()) / len(items)
    return BCubed(precision, recall, len(items))


def pair_precision(pairs: list[tuple[Hashable, Hashable]], gold: Mapping[Hashable, Hashable]) -> float:
    """Share of the pairs whose two items have the same gold label (1.0 when there are none)."""
    if not pairs:
        return 1.0
    return sum(gold.get(a) is not None and gold.get(a) == gold.get(b) for a, b in pairs) / len(pairs)
