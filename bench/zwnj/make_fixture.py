"""Write tests/fixtures/zwnj/: ~200 held-out sentences and a copy of the reference page.

    .venv/bin/python bench/zwnj/make_fixture.py

Sentences come only from TEST articles (corpus.py: sha1(url) % 5 == 0, never
used to build the lexicon) that keep their ZWNJs (corpus.keeps_zwnj), half
from each source; letters unified as normalize_display does. Each sentence has
at least one ZWNJ. Picked deterministically (sorted by sha1 of the sentence).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "zwnj"
PER_SOURCE = 100
_SENT_RE = re.compile(r"(?<=[.!؟?])\s+")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for source in corpus.SOURCES:
        pool = []
        for rec in corpus.load(source):
            if not corpus.is_test(rec["url"]) or not corpus.keeps_zwnj(rec):
                continue
            for line in corpus.texts(rec):
                for sent in _SENT_RE.split(corpus.clean(line)):
                    sent = sent.strip()
                    if corpus.ZWNJ in sent and 40 <= len(sent) <= 300:
                        pool.append((hashlib.sha1(sent.encode()).hexdigest(), sent, rec["url"]))
        pool = sorted(set(pool))[:PER_SOURCE]
        rows += [{"source": source, "url": url, "text": sent} for _, sent, url in pool]
    with open(OUT / "heldout_sentences.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    shutil.copyfile("/work/shared/seed/reference-page.txt", OUT / "reference-page.txt")
    print(f"wrote {len(rows)} sentences to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
