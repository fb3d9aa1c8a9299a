"""Throughput and memory of online story clustering with a full window.

    .venv/bin/python bench/stories/throughput.py [--articles 100000] [--measure 10000]

Feeds ``--articles`` synthetic articles (bench/stories/synthetic.py) spread
over 70 hours, so that all of them are inside the 72-hour window, then times
the last ``--measure`` ones: the cost of an article with the window full.
Everything runs on one core (one thread, numpy limited to one thread).
Prints articles per second for the first and the last block (the cost must
not grow with what is stored), the near-duplicate and story counts, and the
process's peak resident memory.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_stream  # noqa: E402

from khabar.pipeline.stories.clustering import StoryClusterer  # noqa: E402
from khabar.pipeline.stories.evaluation import bcubed  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--measure", type=int, default=10_000)
    ap.add_argument("--block", type=int, default=10_000)
    args = ap.parse_args()
    docs = list(synthetic_stream(args.articles))
    base_mb = rss_mb()
    clusterer = StoryClusterer()
    gold, pred = {}, {}
    start, cpu_start = time.perf_counter(), time.process_time()
    block_start, block_cpu, rates, cpu_rates = start, cpu_start, [], []
    for n, (doc, event) in enumerate(docs, 1):
        a = clusterer.add(doc)
        gold[doc.id], pred[doc.id] = event, a.story_id
        if n % args.block == 0:
            now, cpu = time.perf_counter(), time.process_time()
            rates.append(args.block / (now - block_start))
            cpu_rates.append(args.block / (cpu - block_cpu))
            print(
                f"{n:>7} articles: last block {rates[-1]:6.0f}/s wall, {cpu_rates[-1]:6.0f}/s of CPU time; "
                f"{len(clusterer.stories)} stories, {len(clusterer.near_duplicates)} signatures, "
                f"peak RSS {rss_mb():.0f} MB",
                flush=True,
            )
            block_start, block_cpu = now, cpu
    total = time.perf_counter() - start
    pred = {k: clusterer.resolve(v) for k, v in pred.items()}
    score = bcubed(gold, pred)
    last = args.measure // args.block if args.measure >= args.block else 1
    print(
        f"total {len(docs)} articles in {total:.1f} s = {len(docs) / total:.0f}/s overall; "
        f"last {args.measure}: {sum(rates[-last:]) / last:.0f}/s wall, {sum(cpu_rates[-last:]) / last:.0f}/s CPU; "
        f"first block {rates[0]:.0f}/s wall, {cpu_rates[0]:.0f}/s CPU"
    )
    print(
        f"memory: peak RSS {rss_mb():.0f} MB (input stream alone {base_mb:.0f} MB); "
        f"synthetic B-cubed P={score.precision:.4f} R={score.recall:.4f} F1={score.f1:.4f}"
    )


if __name__ == "__main__":
    main()
