"""Print a seeded random sample of the false positives of repair_zwnj on TEST (stripped, articles keeping ZWNJs).

    .venv/bin/python bench/zwnj/audit_sample.py [N]

Each line: word as repaired (| = inserted ZWNJ), word in the gold text. The
sample was judged by hand (bench/zwnj/audit-test-fp.tsv): is the inserted
ZWNJ correct Persian orthography that the writer left out, or an error?
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import evaluate as E  # noqa: E402
from khabar.pipeline import zwnj as Z  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    fps = []
    for source, careful, gold in E.held_out("test"):
        if not careful:
            continue
        for m in Z._TOKEN_RE.finditer(gold):
            w = m.group("word")
            if not w:
                continue
            fixed = Z.repair_zwnj(w.replace(Z.ZWNJ, ""))
            gold_pos = E.skeleton(w, False)[1]
            out_pos = E.skeleton(fixed, False)[1]
            for i, (g, o) in enumerate(zip(gold_pos, out_pos)):
                if o == "Z" and g != "Z":
                    fps.append((source, fixed.replace(Z.ZWNJ, "|"), w.replace(Z.ZWNJ, "|")))
    random.Random(7).shuffle(fps)
    print(f"# {len(fps)} word-level false positives; sample of {min(n, len(fps))}")
    for source, fixed, gold in fps[:n]:
        print(f"{source}\t{fixed}\t{gold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
