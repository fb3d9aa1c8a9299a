"""Build the compact article sample the offline news web serves.

    python -m khabar.newsweb.build_sample [--src /work/shared/data/persian_news]

Reads the shared Fars News / Varzesh3 JSON Lines files and deterministically
picks a category-balanced sample (about 700 Fars + 300 Varzesh3 articles).
Texts are copied unchanged. Writes ``data/articles.jsonl.gz`` and
``data/SOURCES.md`` next to this file.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from khabar.newsweb.corpus import DATA_DIR, Article, article_to_json, map_category

DEFAULT_SRC = Path("/work/shared/data/persian_news")
SEED = 20240611
N_FARS = 700
N_VARZESH3 = 300
MIN_BODY, MAX_BODY = 400, 12000

SOURCES_MD = """\
# Sources of `articles.jsonl.gz`

`articles.jsonl.gz` is a deterministic sample ({n_fars} + {n_v3} articles) made by
`python -m khabar.newsweb.build_sample` from two data sets of the public
GitHub repository **language-ml/course-nlp-ir-1-text-exploring**
(commit `48c7d56a33a6f75709e90b001529bf7705420674`, licence: Apache License 2.0):

* `exploring-datasets/news/fars-news-*.json`: articles of the **Fars News
  Agency** (farsnews.ir);
* `exploring-datasets/sports/varzesh3-*.json`: articles of **Varzesh3**
  (varzesh3.com).

The article texts are the content of Fars News Agency and Varzesh3, crawled by
the repository's authors. They are used here only as realistic test material
for an offline, loopback-only simulated news web; the outlets that "publish"
them in `khabar.newsweb` are fictional.

Transformation: titles, leads and bodies are copied unchanged (no character
normalisation: Arabic ي/ك, ZWNJ and digits are as crawled). Each line keeps
`id` (ours), `source`, `source_url`, `source_section` (the site section),
`category` (our mapping, see `khabar/newsweb/corpus.py`), `title`, `lead`,
`body` (paragraphs joined with newlines) and `tags`. Articles with a body
shorter than {min_body} or longer than {max_body} characters were left out.
"""


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _usable(r: dict) -> bool:
    body = r.get("body") or ""
    return (
        bool((r.get("title") or "").strip())
        and bool((r.get("lead") or "").strip())
        and MIN_BODY <= len(body) <= MAX_BODY
    )


def _balanced(by_cat: dict[str, list[dict]], n: int) -> list[dict]:
    """Round-robin over categories (sorted) until ``n`` picked."""
    picked: list[dict] = []
    queues = {c: list(v) for c, v in sorted(by_cat.items())}
    while len(picked) < n and any(queues.values()):
        for c in sorted(queues):
            if queues[c] and len(picked) < n:
                picked.append(queues[c].pop(0))
    return picked


def build(src: Path = DEFAULT_SRC, out_dir: Path = DATA_DIR) -> tuple[Path, list[Article]]:
    rng = random.Random(SEED)
    fars = [r for r in _read(src / "fars.jsonl.gz") if _usable(r)]
    v3 = [r for r in _read(src / "varzesh3.jsonl.gz") if _usable(r)]

    by_cat: dict[str, list[dict]] = defaultdict(list)
    for r in fars:
        cat = map_category(r)
        if cat:
            by_cat[cat].append({**r, "_cat": cat})
    for cat in by_cat:
        rng.shuffle(by_cat[cat])
    fars_pick = _balanced(by_cat, N_FARS)
    rng.shuffle(v3)
    v3_pick = [{**r, "_cat": "sports"} for r in v3[:N_VARZESH3]]

    articles: list[Article] = []
    for prefix, rows in (("f", fars_pick), ("v", v3_pick)):
        rows = sorted(rows, key=lambda r: r["url"])
        for i, r in enumerate(rows, 1):
            articles.append(
                Article(
                    article_id=f"{prefix}{i:04d}",
                    source=r["source"],
                    source_url=r["url"],
                    source_section=r.get("category") or "",
                    category=r["_cat"],
                    title=r["title"],
                    lead=r["lead"],
                    body=r["body"],
                    tags=tuple(r.get("tags") or ()),
                )
            )

    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "articles.jsonl.gz"
    buf = io.BytesIO()
    # mtime=0 and no file name keep the gzip bytes reproducible.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for a in articles:
            gz.write((json.dumps(article_to_json(a), ensure_ascii=False) + "\n").encode("utf-8"))
    out.write_bytes(buf.getvalue())
    (out_dir / "SOURCES.md").write_text(
        SOURCES_MD.format(n_fars=len(fars_pick), n_v3=len(v3_pick), min_body=MIN_BODY, max_body=MAX_BODY),
        encoding="utf-8",
    )
    return out, articles


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="folder with fars/varzesh3 .jsonl.gz")
    ap.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    args = ap.parse_args(argv)
    out, articles = build(args.src, args.out)
    counts: dict[str, int] = defaultdict(int)
    for a in articles:
        counts[a.category] += 1
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(articles)} articles)")
    print("  " + ", ".join(f"{c}={n}" for c, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
