"""The labelled article streams of the stories benchmarks, as plain rows.

* ``newsweb_rows(seed)``: every item the offline news web publishes for a seed
  (``khabar.newsweb``), in publication order, with the ground truth ``event``
  and the copy ``version``; texts are normalised for display as the crawler
  stores them (``khabar.pipeline.persian.normalize_display``).
* ``persian_event_rows()``: real Fars/Varzesh3 articles labelled by event by hand
  (tests/fixtures/stories/persian_events.jsonl); no dates.
* ``wikiref_rows()``: WikiRef220 (English, 220 articles labelled by topic;
  /work/shared/data/clustering/wikiref/, see its SOURCES.md); the first line of
  a text is its title, the rest its body; no dates (all at one time).
"""

from __future__ import annotations

import json
from pathlib import Path

from khabar.newsweb.outlets import OUTLETS_BY_SLUG
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.persian import normalize_display

WIKIREF = Path("/work/shared/data/clustering/wikiref/wikiref220.jsonl")
PERSIAN_EVENTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "stories" / "persian_events.jsonl"
T0 = 1_750_000_000


def newsweb_rows(seed: int = 1) -> list[dict]:
    web = NewsWeb(seed=seed)
    pubs = sorted(web.schedule, key=lambda p: (p.offset, OUTLETS_BY_SLUG[p.outlet].index))
    return [
        {
            "id": n,
            "source": p.outlet,
            "source_name": OUTLETS_BY_SLUG[p.outlet].name,
            "url": f"http://{p.outlet}.example/{p.item_id}",
            "title": normalize_display(p.title),
            "lead": normalize_display(p.lead),
            "body": normalize_display(p.body),
            "published": T0 + round(p.offset),
            "category": p.category,
            "event": p.article_id,
            "version": p.version,
        }
        for n, p in enumerate(pubs, 1)
    ]


def wikiref_rows(path: Path = WIKIREF) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            r = json.loads(line)
            lines = [x.strip() for x in r["text"].replace("\r", "").split("\n") if x.strip()]
            rows.append(
                {
                    "id": n,
                    "source": "wikiref",
                    "url": r["doc_id"],
                    "title": lines[0] if lines else "",
                    "lead": "",
                    "body": "\n".join(lines[1:]),
                    "published": 0,
                    "topic": r["topic"],
                    "doc_id": r["doc_id"],
                }
            )
    return rows


def persian_event_rows(path: Path = PERSIAN_EVENTS) -> list[dict]:
    """The real Persian articles labelled by event (see tests/fixtures/stories/README.md)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
