"""``khabar cluster`` and ``khabar eval-clusters``: the online algorithm on files.

``cluster_jsonl`` reads articles (JSON Lines: ``id``, ``source``, ``url``,
``title``, ``lead``, ``body``, ``published``) and feeds them to a
``StoryClusterer`` in input order, exactly as the crawler does one by one,
then writes every line back with ``story`` (the final story id, merges
resolved) and ``duplicate_of`` (the id of the earliest article it nearly
copies, or null). ``evaluate_jsonl`` scores such a file against a gold file
with B-cubed precision, recall and F1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO

from khabar.pipeline.stories.clustering import ClusteringConfig, StoryClusterer, StoryDocument
from khabar.pipeline.stories.evaluation import BCubed, bcubed

LABEL_FIELDS = ("story", "event", "topic", "label", "cluster")


def parse_published(value) -> float:
    """Unix seconds from a number or an ISO 8601 string; 0 when missing or unreadable."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        dt = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return 0.0
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def document(row: dict, line_no: int) -> StoryDocument:
    doc_id = row.get("id", line_no)
    return StoryDocument(
        id=doc_id if isinstance(doc_id, (int, str)) else str(doc_id),
        source=str(row.get("source") or ""),
        title=str(row.get("title") or ""),
        lead=str(row.get("lead") or ""),
        body=str(row.get("body") or ""),
        published=parse_published(row.get("published")),
        source_name=str(row.get("source_name") or row.get("source") or ""),
    )


def read_jsonl(lines: Iterable[str]) -> Iterator[dict]:
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {n}: not JSON ({exc.msg})") from None


@dataclass
class ClusterSummary:
    articles: int
    stories: int
    duplicates: int
    merges: int


def cluster_jsonl(lines: Iterable[str], out: IO[str], config: ClusteringConfig | None = None) -> ClusterSummary:
    """Cluster the articles in input order; write each line back with ``story`` and ``duplicate_of``."""
    clusterer = StoryClusterer(config)
    rows, assigned = [], []
    for n, row in enumerate(read_jsonl(lines), 1):
        a = clusterer.add(document(row, n))
        rows.append(row)
        assigned.append(a)
    stories = set()
    for row, a in zip(rows, assigned):
        row["story"] = clusterer.resolve(a.story_id)
        row["duplicate_of"] = a.duplicate_of
        stories.add(row["story"])
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return ClusterSummary(
        len(rows), len(stories), sum(a.duplicate_of is not None for a in assigned), sum(len(a.merged) for a in assigned)
    )


def labels(lines: Iterable[str], field: str | None = None) -> dict:
    """id -> cluster label of a JSON Lines file (``field``, or the first of LABEL_FIELDS present)."""
    out = {}
    for n, row in enumerate(read_jsonl(lines), 1):
        key = field or next((f for f in LABEL_FIELDS if f in row), None)
        if key is None or key not in row:
            raise ValueError(f"line {n}: no label field (one of {', '.join(LABEL_FIELDS)})")
        label = row[key]
        out[row.get("id", n)] = json.dumps(label) if isinstance(label, (list, dict)) else label
    return out


def evaluate_jsonl(
    gold_lines: Iterable[str],
    pred_lines: Iterable[str],
    gold_field: str | None = None,
    pred_field: str | None = "story",
) -> BCubed:
    gold = labels(gold_lines, gold_field)
    pred = labels(pred_lines, pred_field)
    missing = len(set(gold) - set(pred))
    if missing:
        raise ValueError(f"{missing} gold item(s) have no prediction")
    return bcubed(gold, pred)
