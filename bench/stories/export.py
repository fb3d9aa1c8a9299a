"""Write the benchmark streams as JSON Lines, for `khabar cluster` / `khabar eval-clusters`.

.venv/bin/python bench/stories/export.py --out /tmp/stories   # newsweb-seed1..3.jsonl, wikiref220.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import newsweb_rows, wikiref_rows, write_jsonl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/stories")
    ap.add_argument("--seeds", default="1,2,3")
    args = ap.parse_args()
    out = Path(args.out)
    for seed in [int(s) for s in args.seeds.split(",")]:
        rows = newsweb_rows(seed)
        write_jsonl(rows, out / f"newsweb-seed{seed}.jsonl")
        print(f"newsweb seed {seed}: {len(rows)} items, {len({r['event'] for r in rows})} events")
    rows = wikiref_rows()
    write_jsonl(rows, out / "wikiref220.jsonl")
    print(f"wikiref220: {len(rows)} articles, {len({r['topic'] for r in rows})} topics")


if __name__ == "__main__":
    main()
