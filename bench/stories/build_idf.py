"""Build the reference document frequencies of the stories step (khabar/pipeline/stories/data/idf_fa.json.gz).

    .venv/bin/python bench/stories/build_idf.py [--src /work/shared/data/persian_news]

Reads the Fars News and Varzesh3 articles of the shared Persian news data
(language-ml/course-nlp-ir-1-text-exploring, Apache-2.0; see
khabar/newsweb/data/SOURCES.md), leaves out the 1000 articles the offline news
web publishes (so benchmarks on the news web do not see their own statistics),
folds each article exactly as the stories step does and counts in how many
articles each term occurs. Terms seen in fewer than 2 articles are left out.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from khabar.newsweb.corpus import load_articles
from khabar.pipeline.search_keys import KEY_VERSION
from khabar.pipeline.stories.text_features import REFERENCE_IDF_PATH, STOPWORDS, split_text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="/work/shared/data/persian_news")
    ap.add_argument("--out", default=str(REFERENCE_IDF_PATH))
    args = ap.parse_args()
    served = {a.source_url for a in load_articles()}
    df: Counter[str] = Counter()
    docs = 0
    for name in ("fars.jsonl.gz", "varzesh3.jsonl.gz"):
        with gzip.open(Path(args.src) / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row.get("url") in served or not row.get("body"):
                    continue
                parts = split_text(row.get("title") or "", row.get("lead") or "", row["body"])
                terms = {t for t in parts.title + parts.lead + parts.body if t not in STOPWORDS}
                df.update(terms)
                docs += 1
    kept = {t: n for t, n in sorted(df.items()) if n >= 2}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump(
            {
                "documents": docs,
                "key_version": KEY_VERSION,
                "source": "Fars News + Varzesh3 (language-ml/course-nlp-ir-1-text-exploring, Apache-2.0), "
                "without the news web's sample",
                "df": kept,
            },
            fh,
            ensure_ascii=False,
        )
    print(f"{docs} documents, {len(kept)} terms -> {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
