"""The article corpus of the offline news web: loading and category mapping.

The texts are real Persian news articles (Fars News Agency and Varzesh3, see
``data/SOURCES.md``); they are kept exactly as crawled (Arabic ي/ك, ZWNJ and
digits are *not* normalised). Only :func:`_match_form` normalises, and only
to decide keyword rules.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DATA_PATH = DATA_DIR / "articles.jsonl.gz"

# Category slugs used across the news web, with the Persian labels outlets show.
CATEGORIES: dict[str, str] = {
    "politics": "سیاسی",
    "economy": "اقتصادی",
    "society": "اجتماعی",
    "world": "بین‌الملل",
    "sports": "ورزشی",
    "culture": "فرهنگی",
    "science": "علمی",
    "health": "سلامت",
    "incidents": "حوادث",
}

# Fars section slug -> category slug. Province sections are handled separately.
_FARS_SECTIONS = {
    "politics": "politics",
    "viewpoint": "politics",
    "world": "world",
    "foreign-policy": "world",
    "economy": "economy",
    "social": "society",
    "education": "society",
    "sports": "sports",
    "culture": "culture",
    "arts-media": "culture",
    "farsplus-magazine": "culture",
    "scientific-academic": "science",
}
# Sections that are neither a topic nor a province: skipped.
_FARS_SKIP = {"", "other-media", "multimedia", "myfars", "last-clay"}

HEALTH_KEYWORDS = ("بیمار", "بیمارستان", "پزشک", "کرونا", "سلامت", "دارو")
INCIDENT_KEYWORDS = ("تصادف", "حادثه", "آتش سوزی", "قتل", "سرقت", "زلزله", "دستگیر")


def _match_form(text: str) -> str:
    """Form used only for keyword matching (never stored)."""
    return text.replace("\u064a", "\u06cc").replace("\u0643", "\u06a9").replace("\u200c", " ")


def keyword_category(text: str) -> str | None:
    """'incidents' / 'health' when the text obviously is one, else None."""
    t = _match_form(text)
    if any(k in t for k in INCIDENT_KEYWORDS):
        return "incidents"
    if any(k in t for k in HEALTH_KEYWORDS):
        return "health"
    return None


def map_category(record: dict) -> str | None:
    """Map a raw record (source + section slug) to a news-web category slug.

    Returns None for records that should not be used (unknown sections).
    """
    if record.get("source") == "varzesh3":
        return "sports"
    section = (record.get("category") or "").strip()
    if section in _FARS_SKIP:
        return None
    if section in _FARS_SECTIONS:
        cat = _FARS_SECTIONS[section]
    else:  # province names ("gilan", "tehran", "province", "regional-offices", ...)
        cat = "society"
    if cat == "society":  # social, education and the province sections
        cat = keyword_category(f"{record.get('title', '')} {record.get('lead', '')}") or "society"
    return cat


@dataclass(frozen=True)
class Article:
    """One real article (a news *event* for the news web).

    An outlet publishes a :class:`khabar.newsweb.schedule.Publication` of it;
    today each article has exactly one publication.
    """

    article_id: str  # stable id of the sample, e.g. "f0042" / "v0007"
    source: str  # "farsnews" | "varzesh3"
    source_url: str
    source_section: str
    category: str
    title: str
    lead: str
    body: str  # paragraphs joined with "\n", exactly as crawled
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n") if p.strip()]


def article_from_json(obj: dict) -> Article:
    return Article(
        article_id=obj["id"],
        source=obj["source"],
        source_url=obj.get("source_url", ""),
        source_section=obj.get("source_section") or "",
        category=obj["category"],
        title=obj["title"],
        lead=obj["lead"],
        body=obj["body"],
        tags=tuple(obj.get("tags") or ()),
    )


def article_to_json(a: Article) -> dict:
    return {
        "id": a.article_id,
        "source": a.source,
        "source_url": a.source_url,
        "source_section": a.source_section,
        "category": a.category,
        "title": a.title,
        "lead": a.lead,
        "body": a.body,
        "tags": list(a.tags),
    }


_cache: dict[Path, list[Article]] = {}


def load_articles(path: Path | str | None = None) -> list[Article]:
    """Load the sample written by ``build_sample`` (cached per path)."""
    p = Path(path) if path is not None else DEFAULT_DATA_PATH
    p = p.resolve()
    if p not in _cache:
        if not p.exists():
            raise FileNotFoundError(f"news web corpus not found: {p} (run `python -m khabar.newsweb.build_sample`)")
        opener = gzip.open if p.suffix == ".gz" else open
        with opener(p, "rt", encoding="utf-8") as fh:
            _cache[p] = [article_from_json(json.loads(line)) for line in fh if line.strip()]
    return list(_cache[p])
