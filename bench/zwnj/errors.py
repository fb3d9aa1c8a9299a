"""Word-level misses and false positives of Khabar's repair on a held-out split (for tuning on DEV).

    .venv/bin/python bench/zwnj/build_lexicon.py --holdout dev
    .venv/bin/python bench/zwnj/errors.py [--holdout dev] [--lexicon /tmp/zwnj_lexicon_dev.jsonl.gz] [-n 200]

Articles that keep their ZWNJs only, every ZWNJ stripped (as evaluate.py's
"keeping / stripped"). Prints "count<TAB>gold word<TAB><-<TAB>output" for
missed ZWNJs and "count<TAB>gold word<TAB>-><TAB>output" for added ones.
Do not run it on TEST while tuning.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import evaluate as E  # noqa: E402

ZWNJ = "\u200c"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--holdout", choices=["dev", "test"], default="dev")
    ap.add_argument("--lexicon", type=Path, default=Path("/tmp/zwnj_lexicon_dev.jsonl.gz"))
    ap.add_argument("-n", type=int, default=200, help="how many of each to print")
    args = ap.parse_args(argv)
    from khabar.pipeline import zwnj

    zwnj.LEXICON_PATH = args.lexicon
    zwnj._STATE.clear()
    miss: collections.Counter = collections.Counter()
    added: collections.Counter = collections.Counter()
    for _, careful, gold in E.held_out(args.holdout):
        if not careful:
            continue
        out = zwnj.repair_zwnj(gold.replace(ZWNJ, ""))
        g_chars, g_lab = E.skeleton(gold, fold=False)
        o_chars, o_lab = E.skeleton(out, fold=False)
        starts = [0] + [i for i in range(1, len(g_lab)) if g_lab[i] == "S"] + [len(g_chars)]
        for a, b in zip(starts, starts[1:]):
            gw = "".join((ZWNJ if g_lab[i] == "Z" and i > a else "") + g_chars[i] for i in range(a, b))
            ow = "".join(({"Z": ZWNJ, "S": " "}.get(o_lab[i], "") if i > a else "") + o_chars[i] for i in range(a, b))
            gz = {i for i in range(a + 1, b) if g_lab[i] == "Z"}
            oz = {i for i in range(a + 1, b) if o_lab[i] == "Z"}
            if gz - oz:
                miss[(gw, ow)] += 1
            if oz - gz:
                added[(gw, ow)] += 1
    print(f"# missed: {sum(miss.values())} words")
    for (g, o), c in miss.most_common(args.n):
        print(c, g, "<-", o, sep="\t")
    print(f"# wrongly added: {sum(added.values())} words")
    for (g, o), c in added.most_common(args.n):
        print(c, g, "->", o, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
