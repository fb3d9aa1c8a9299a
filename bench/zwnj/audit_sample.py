"""Print a seeded random sample of the false positives of repair_zwnj on TEST (stripped, articles keeping ZWNJs).

    .venv/bin/python bench/zwnj/audit_sample.py [N]

Lines are repaired whole (as evaluate.py does: the next word matters for
words in های), then compared word by word with the gold. Each line of the
output: source, word as repaired (| = inserted ZWNJ), word in the gold text,
the gold line around it. The sample was judged by hand
(bench/zwnj/audit-test-fp.tsv): is the inserted ZWNJ correct Persian
orthography that the writer left out, or an error? Run it only after the
final TEST evaluation: it looks at TEST errors.
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
        out = Z.repair_zwnj(gold.replace(Z.ZWNJ, ""))
        g_chars, g_lab = E.skeleton(gold, fold=False)
        o_chars, o_lab = E.skeleton(out, fold=False)
        starts = [0] + [i for i in range(1, len(g_lab)) if g_lab[i] == "S"] + [len(g_chars)]
        for a, b in zip(starts, starts[1:]):
            for i in range(a + 1, b):
                if o_lab[i] == "Z" and g_lab[i] != "Z":  # one entry per wrongly added ZWNJ
                    gw = "".join(("|" if g_lab[k] == "Z" and k > a else "") + g_chars[k] for k in range(a, b))
                    ow = "".join(
                        ({"Z": "|", "S": " "}.get(o_lab[k], "") if k > a else "") + o_chars[k] for k in range(a, b)
                    )
                    context = "".join(
                        ({"Z": "|", "S": " "}.get(g_lab[k], "") if k > a - 12 else "") + g_chars[k]
                        for k in range(max(0, a - 12), min(len(g_chars), b + 12))
                    )
                    fps.append((source, ow, gw, context))
    random.Random(7).shuffle(fps)
    print(f"# {len(fps)} false positives (wrongly added ZWNJs); sample of {min(n, len(fps))}")
    for source, fixed, gold, context in fps[:n]:
        print(f"{source}\t{fixed}\t{gold}\t{context}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
