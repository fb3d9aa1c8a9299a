"""Quality of near-duplicate detection and story clustering on labelled streams.

    .venv/bin/python bench/stories/quality.py [--seeds 1,2,3] [--shuffles 5]

News web (Persian, event-level ground truth, ``khabar.newsweb.coverage``):
B-cubed precision/recall/F1 of the default (event) clustering; near-duplicate
pair precision (a pair is right when both items report the same event) and
recall per copy style (share of copies linked to an earlier item of their
event); hard negatives (pairs of different, topically similar articles placed
close together) that ended in one story.

Real Persian events (tests/fixtures/stories/persian_events.jsonl, labelled by
hand) and WikiRef220 (English, topic-level labels): B-cubed of the one default,
with full texts, lead only (no body) and bare headlines (title only); WikiRef
also in ``--shuffles`` random orders. Near-duplicate pair precision on the
Persian set.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import newsweb_rows, persian_event_rows, wikiref_rows  # noqa: E402

from khabar.newsweb.corpus import load_articles  # noqa: E402
from khabar.newsweb.coverage import hard_negative_pairs  # noqa: E402
from khabar.pipeline.stories.clustering import ClusteringConfig, StoryClusterer  # noqa: E402
from khabar.pipeline.stories.evaluation import bcubed, pair_precision  # noqa: E402
from khabar.pipeline.stories.offline import document  # noqa: E402


def run(rows: list[dict], config: ClusteringConfig):
    clusterer = StoryClusterer(config)
    started = time.process_time()
    assigned = [clusterer.add(document(r, n)) for n, r in enumerate(rows, 1)]
    cpu = time.process_time() - started
    pred = {a.doc_id: clusterer.resolve(a.story_id) for a in assigned}
    return pred, assigned, cpu


def newsweb_report(seed: int) -> dict:
    rows = newsweb_rows(seed)
    gold = {r["id"]: r["event"] for r in rows}
    pred, assigned, cpu = run(rows, ClusteringConfig())
    score = bcubed(gold, pred)
    pairs = [(a.doc_id, a.duplicate_of) for a in assigned if a.duplicate_of is not None]
    version = {r["id"]: r["version"] for r in rows}
    linked = {a.doc_id for a in assigned if a.duplicate_of is not None}
    recall_by_style = {}
    for style in sorted({v for v in version.values() if v != "original"}):
        ids = [i for i, v in version.items() if v == style]
        recall_by_style[style] = sum(i in linked for i in ids) / len(ids)
    ids_by_event = defaultdict(list)
    for r in rows:
        ids_by_event[r["event"]].append(r["id"])
    story_of_event = {e: Counter(pred[i] for i in ids).most_common(1)[0][0] for e, ids in ids_by_event.items()}
    negatives = hard_negative_pairs(load_articles())
    negatives = [(a, b) for a, b in negatives if a in story_of_event and b in story_of_event]
    merged = sum(story_of_event[a] == story_of_event[b] for a, b in negatives)
    return {
        "seed": seed,
        "items": len(rows),
        "events": len(ids_by_event),
        "stories": len(set(pred.values())),
        "bcubed": score,
        "dup_pairs": len(pairs),
        "dup_precision": pair_precision(pairs, gold),
        "dup_recall": recall_by_style,
        "hard_negatives": len(negatives),
        "hard_negatives_merged": merged,
        "per_second_cpu": len(rows) / cpu,
    }


def kept(rows: list[dict], kind: str) -> list[dict]:
    """The same items with all their text (full), without body (lead) or as bare headlines (title)."""
    fields = {"title": ("lead", "body"), "lead": ("body",)}.get(kind, ())
    return [{**r, **dict.fromkeys(fields, "")} for r in rows]


def labelled_report(rows: list[dict], label: str, shuffles: int = 0) -> list[tuple[str, str, object, int, float]]:
    gold = {r["id"]: r[label] for r in rows}
    out = []
    for kind in ("full", "lead", "title"):
        orders = [("input order", rows)]
        for s in range(shuffles):
            shuffled = rows[:]
            random.Random(s).shuffle(shuffled)
            orders.append((f"shuffle {s}", shuffled))
        for name, ordered in orders:
            pred, assigned, _ = run(kept(ordered, kind), ClusteringConfig())
            pairs = [(a.doc_id, a.duplicate_of) for a in assigned if a.duplicate_of is not None]
            out.append(
                (kind, name, bcubed(gold, pred), len(set(pred.values())), pair_precision(pairs, gold), len(pairs))
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--shuffles", type=int, default=5)
    args = ap.parse_args()
    print("## News web (event ground truth)\n")
    print(
        "| seed | items | events | stories | B3 P | B3 R | B3 F1 | near-dup pairs | near-dup P | hard neg. merged | art./CPU-s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    recalls = defaultdict(list)
    for seed in [int(s) for s in args.seeds.split(",")]:
        r = newsweb_report(seed)
        b = r["bcubed"]
        print(
            f"| {seed} | {r['items']} | {r['events']} | {r['stories']} | {b.precision:.4f} | {b.recall:.4f} | "
            f"{b.f1:.4f} | {r['dup_pairs']} | {r['dup_precision']:.4f} | {r['hard_negatives_merged']}/{r['hard_negatives']} | "
            f"{r['per_second_cpu']:.0f} |"
        )
        for style, value in r["dup_recall"].items():
            recalls[style].append(value)
    print("\nHeadlines only (the same items without lead and body):\n")
    for seed in [int(s) for s in args.seeds.split(",")]:
        rows = newsweb_rows(seed)
        pred, _, _ = run(kept(rows, "title"), ClusteringConfig())
        b = bcubed({r["id"]: r["event"] for r in rows}, pred)
        print(f"* seed {seed}: P {b.precision:.4f} R {b.recall:.4f} F1 {b.f1:.4f}")
    print(
        "\nNear-duplicate recall by copy style (share of copies linked to an earlier item of their event), mean over seeds:\n"
    )
    for style, values in recalls.items():
        print(f"* {style}: {sum(values) / len(values):.3f}")
    for title, rows, label, shuffles in (
        ("Real Persian events (hand-labelled)", persian_event_rows(), "event", 0),
        ("WikiRef220 (topic ground truth)", wikiref_rows(), "topic", args.shuffles),
    ):
        print(f"\n## {title}\n")
        print("| text | order | B3 P | B3 R | B3 F1 | clusters | near-dup pairs | near-dup P |")
        print("|---|---|---|---|---|---|---|---|")
        for kind, name, b, n, dup_p, dups in labelled_report(rows, label, shuffles):
            print(f"| {kind} | {name} | {b.precision:.4f} | {b.recall:.4f} | {b.f1:.4f} | {n} | {dups} | {dup_p:.4f} |")


if __name__ == "__main__":
    main()
