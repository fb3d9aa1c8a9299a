"""The ``khabar cluster`` and ``khabar eval-clusters`` commands (argument handling; logic in ``offline``)."""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from pathlib import Path

from khabar.pipeline.stories.offline import cluster_jsonl, evaluate_jsonl


def _open_input(stack: ExitStack, name: str):
    if name == "-":
        return sys.stdin
    path = Path(name)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    return stack.enter_context(path.open(encoding="utf-8"))


def run_cluster(args) -> int:
    with ExitStack() as stack:
        try:
            source = _open_input(stack, args.input)
        except FileNotFoundError as exc:
            print(f"khabar cluster: {exc}", file=sys.stderr)
            return 2
        out = stack.enter_context(Path(args.output).open("w", encoding="utf-8")) if args.output else sys.stdout
        started = time.perf_counter()
        try:
            summary = cluster_jsonl(source, out)
        except ValueError as exc:
            print(f"khabar cluster: {exc}", file=sys.stderr)
            return 2
    took = time.perf_counter() - started
    print(
        f"{summary.articles} articles -> {summary.stories} stories ({summary.duplicates} near-duplicates, "
        f"{summary.merges} merges) in {took:.1f} s",
        file=sys.stderr,
    )
    return 0


def run_eval_clusters(args) -> int:
    with ExitStack() as stack:
        try:
            gold = _open_input(stack, args.gold)
            pred = _open_input(stack, args.pred)
            score = evaluate_jsonl(gold, pred, args.gold_field, args.pred_field)
        except (FileNotFoundError, ValueError) as exc:
            print(f"khabar eval-clusters: {exc}", file=sys.stderr)
            return 2
    print(f"items      {score.items}")
    print(f"precision  {score.precision:.4f}")
    print(f"recall     {score.recall:.4f}")
    print(f"F1         {score.f1:.4f}")
    return 0
