"""Multi-outlet coverage of one event: who else publishes it, when, and in which words.

Real Persian outlets republish an agency's copy within minutes or hours, each
under its own credit line and often with its own headline. The news web
imitates that with the real corpus articles, so that near-duplicate detection
and story clustering have a ground truth (every publication of one corpus
article belongs to one *event*, ``Publication.article_id``):

* ``verbatim``: the same text under the outlet's own credit line
  (``به گزارش خبرگزاری آوا،`` instead of ``به گزارش خبرگزاری فارس،``);
* ``credited``: the same text credited to the first publisher
  (``به گزارش ستاره جنوب به نقل از خبرگزاری آوا، …``);
* ``new_headline``: the outlet writes its own headline (from the lead, without
  the speaker, or with a kicker such as ``فوری/``);
* ``shortened``: only the first sentence of the lead and the first paragraphs;
* ``reordered``: the lead taken from the body, later paragraphs moved around.

Hard negatives are different articles on similar topics (two football
matches, two statements of one minister): :func:`hard_negative_pairs` picks
them by word overlap, and the schedule publishes them close together.

Everything is a pure function of its inputs and a ``random.Random``.
"""

from __future__ import annotations

import functools
import math
import random
import re
from dataclasses import dataclass

from khabar.newsweb.corpus import Article

COVERED_SHARE = 0.35  # share of events that other outlets publish too
HARD_NEGATIVE_COVERED = 0.6  # chance that a hard negative is covered by others too
MAX_EXTRA_OUTLETS = 8
MEDIAN_DELAY = 20 * 60.0  # seconds between the first publication and a copy (median)
MIN_DELAY, MAX_DELAY = 60.0, 6 * 3600.0
STYLES = ("verbatim", "credited", "new_headline", "shortened", "reordered")
STYLE_WEIGHTS = (0.25, 0.2, 0.25, 0.15, 0.15)

_ARABIC_TO_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0643": "\u06a9"})
# «به گزارش خبرگزاری فارس از تهران،» / «به گزارش "ورزش سه"،»: the credit that opens a body,
# and the corpus outlet's name in it (with a «خبرنگار ورزشی …» / «گروه سیاسی …» role before it).
_CREDIT_RE = re.compile(r"^\s*به\s*گزارش\s+")
_CREDIT_NAME_RE = re.compile(
    r"(?:(?:گروه|خبرنگار|سرویس)[^،,]{0,40}?)?(?:خبرگزار[يی]\s+فارس|\"ورزش\s*سه\"|ورزش\s*سه|فارس)"
)
# «خبرگزاری فارس: …» opening a lead.
_PLACE_RE = re.compile(r"\s+از\s+[^،,]{1,30}?(?=\s*[،,]|\s+به\s+نقل)")  # the dateline: «از بجنورد»
_LEAD_CREDIT_RE = re.compile(r"^\s*خبرگزار[يی]\s+فارس\s*[:：]\s*")
_SENTENCE_RE = re.compile(r"(?<=[.!؟?])\s+")
_WORD_RE = re.compile(r"[\w\u200c]+")
_KICKERS = ("فوری/ ", "ویدئو/ ", "گزارش/ ", "+عکس/ ")
_ENDINGS = ("انتهای پیام/", "/انتهای خبر", "", "")
_TOPIC_STOP = frozenset(
    "از به با در برای که این آن را و یا تا بر هم نیز شد شده است بود کرد کرده می‌شود گفت اعلام "
    "خبرگزاری فارس گزارش ورزش سه یک های ها ای وی خود پس بین".split()
)


@dataclass(frozen=True)
class CopyPlan:
    """One extra publication of an event by another outlet."""

    outlet: str  # slug
    style: str  # one of STYLES
    delay: float  # seconds after the first publication
    normalize_letters: bool  # the outlet writes Persian ی/ک instead of Arabic ي/ك


def topic_words(article: Article) -> frozenset[str]:
    """Content words of the title and lead, for topic similarity (never stored)."""
    text = f"{article.title} {article.lead}".translate(_ARABIC_TO_PERSIAN)
    return frozenset(w for w in _WORD_RE.findall(text) if len(w) > 2 and w not in _TOPIC_STOP)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def hard_negative_pairs(articles: list[Article], min_similarity: float = 0.12) -> list[tuple[str, str]]:
    """Pairs (article_id, article_id) of different articles on similar topics, same category.

    Greedy, most similar first; each article is in at most one pair.
    """
    return list(_hard_negative_pairs(tuple(sorted(articles, key=lambda a: a.article_id)), min_similarity))


@functools.lru_cache(maxsize=8)
def _hard_negative_pairs(articles: tuple[Article, ...], min_similarity: float) -> tuple[tuple[str, str], ...]:
    words = {a.article_id: topic_words(a) for a in articles}
    by_category: dict[str, list[Article]] = {}
    for a in sorted(articles, key=lambda a: a.article_id):
        by_category.setdefault(a.category, []).append(a)
    scored: list[tuple[float, str, str]] = []
    for group in by_category.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                s = _jaccard(words[a.article_id], words[b.article_id])
                if s >= min_similarity:
                    scored.append((s, a.article_id, b.article_id))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used: set[str] = set()
    pairs = []
    for _, a, b in scored:
        if a not in used and b not in used:
            used.update((a, b))
            pairs.append((a, b))
    return tuple(pairs)


def _extra_count(rng: random.Random, available: int) -> int:
    """How many other outlets publish an event: mostly one or two, sometimes many."""
    if available <= 0:
        return 0
    weights = [1.0 / k**1.1 for k in range(1, MAX_EXTRA_OUTLETS + 1)]
    k = rng.choices(range(1, MAX_EXTRA_OUTLETS + 1), weights=weights)[0]
    return min(k, available)


def copy_delay(rng: random.Random) -> float:
    """Seconds between the first publication and a copy: log-normal around MEDIAN_DELAY."""
    d = MEDIAN_DELAY * math.exp(rng.gauss(0.0, 1.0))
    return round(min(MAX_DELAY, max(MIN_DELAY, d)), 3)


def plan_coverage(
    first_outlet: dict[str, str], articles: list[Article], outlet_categories: dict[str, tuple[str, ...]], seed: int
) -> dict[str, list[CopyPlan]]:
    """article_id -> the copies other outlets publish (empty for most articles).

    ``first_outlet`` maps an article to the outlet that publishes it first;
    only outlets with the article's category publish copies.
    """
    rng = random.Random(f"coverage-{seed}")
    ordered = sorted((a for a in articles if a.article_id in first_outlet), key=lambda a: a.article_id)
    covered = {a.article_id for a in ordered if rng.random() < COVERED_SHARE}
    for a, b in hard_negative_pairs(ordered):
        if a in covered and b not in covered and rng.random() < HARD_NEGATIVE_COVERED:
            covered.add(b)
        elif b in covered and a not in covered and rng.random() < HARD_NEGATIVE_COVERED:
            covered.add(a)
    plans: dict[str, list[CopyPlan]] = {}
    for a in ordered:
        if a.article_id not in covered:
            continue
        others = sorted(
            s for s, cats in outlet_categories.items() if a.category in cats and s != first_outlet[a.article_id]
        )
        chosen = rng.sample(others, _extra_count(rng, len(others)))
        plans[a.article_id] = [
            CopyPlan(
                outlet=s,
                style=rng.choices(STYLES, weights=STYLE_WEIGHTS)[0],
                delay=copy_delay(rng),
                normalize_letters=rng.random() < 0.5,
            )
            for s in sorted(chosen)
        ]
    return plans


# -- rewriting ---------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text.strip()) if s.strip()]


def _recredit(paragraph: str, name: str, keep_place: bool = True) -> str:
    """The paragraph with its credit given to ``name`` (a credit is added if there is none)."""
    m = _CREDIT_RE.match(paragraph)
    n = _CREDIT_NAME_RE.match(paragraph, m.end()) if m else None
    if not n:
        return f"به گزارش {name}، {paragraph}"
    rest = n.end()
    place = _PLACE_RE.match(paragraph, rest)
    if place and not keep_place:  # «به نقل از آوا از بجنورد» would make the place part of the name
        rest = place.end()
    return f"به گزارش {name}" + paragraph[rest:]


def _new_headline(article: Article, rng: random.Random) -> str:
    """An outlet's own headline: the lead's first clause, the title without its speaker, or a kicker."""
    lead = _LEAD_CREDIT_RE.sub("", article.lead).strip()
    choice = rng.random()
    if choice < 0.5 and lead:
        words = re.split(r"[،.:؛]", lead, maxsplit=1)[0].split()
        if 5 <= len(words) <= 14:
            return " ".join(words)
    if choice < 0.8 and ":" in article.title:
        speaker, said = article.title.split(":", 1)
        if len(said.split()) >= 3:
            return said.strip()
    return rng.choice(_KICKERS) + article.title


def rewrite(
    article: Article, plan: CopyPlan, outlet_name: str, first_outlet_name: str, rng: random.Random
) -> tuple[str, str, tuple[str, ...]]:
    """(title, lead, paragraphs) of one outlet's copy of ``article``."""
    paragraphs = list(article.paragraphs) or [article.lead]
    title, lead = article.title, _LEAD_CREDIT_RE.sub("", article.lead).strip() or article.lead
    credit = f"{outlet_name} به نقل از {first_outlet_name}" if plan.style == "credited" else outlet_name
    first = paragraphs[0] = _recredit(paragraphs[0], credit, keep_place=plan.style != "credited")
    if plan.style == "new_headline":
        title = _new_headline(article, rng)
    elif plan.style == "shortened":
        lead = (_sentences(lead) or [lead])[0]
        keep = max(1, math.ceil(len(paragraphs) * rng.uniform(0.4, 0.7)))
        paragraphs = paragraphs[:keep]
    elif plan.style == "reordered":
        body_first = (_sentences(first) or [first])[0]
        lead = body_first if len(body_first.split()) >= 6 else lead
        if len(paragraphs) > 2:
            tail = paragraphs[1:]
            tail = tail[1:] + tail[:1] if rng.random() < 0.5 else list(reversed(tail))
            paragraphs = [paragraphs[0], *tail]
    ending = rng.choice(_ENDINGS)
    if plan.style == "credited" and rng.random() < 0.5:
        ending = f"منبع: {first_outlet_name}"
    if ending:
        paragraphs.append(ending)
    if plan.normalize_letters:
        title, lead = title.translate(_ARABIC_TO_PERSIAN), lead.translate(_ARABIC_TO_PERSIAN)
        paragraphs = [p.translate(_ARABIC_TO_PERSIAN) for p in paragraphs]
    return title.strip(), lead.strip(), tuple(paragraphs)


# -- homepage lead slots -------------------------------------------------------------

LEAD_SLOTS = 2
LEAD_HALF_LIFE = 90 * 60.0  # seconds: an item's claim on a lead slot halves every 90 minutes
LEAD_MAX_AGE = 6 * 3600.0


def lead_choice(items: list[tuple[object, float, int]], slots: int = LEAD_SLOTS) -> list:
    """The items an outlet puts in its homepage's lead slots.

    ``items`` are (item, age in seconds, number of outlets publishing its event);
    editors lead with what many outlets cover, while it is fresh. Ties go to
    the newer item.
    """
    scored = [
        (size * 0.5 ** (age / LEAD_HALF_LIFE), -age, i, item)
        for i, (item, age, size) in enumerate(items)
        if 0 <= age <= LEAD_MAX_AGE
    ]
    scored.sort(key=lambda x: (-x[0], -x[1], -x[2]))
    return [item for *_, item in scored[:slots]]
