"""A large synthetic stream of Persian articles for the throughput benchmark.

Built from the news web corpus: each synthetic *event* is 6-10 sentences drawn
at random from all its real articles, a third of whose words are replaced by
words drawn from the corpus's own word frequencies (halves of the first two
sentences make the title), plus a few random numbers. So events are distinct
(like a real stream; a 100,000-article stream reuses each corpus sentence many
times) while the vocabulary and its frequencies are real. A share of the articles are other
outlets' copies of a recent event (credit line swapped, sometimes shortened),
as in real coverage. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from khabar.newsweb.corpus import load_articles
from khabar.pipeline.stories.clustering import StoryDocument

OUTLETS = [f"outlet-{i:02d}" for i in range(40)]
_SENTENCE_RE = re.compile(r"(?<=[.!؟?])\s+")


def synthetic_stream(
    n: int, seed: int = 7, span_hours: float = 70.0, copy_share: float = 0.35
) -> Iterator[tuple[StoryDocument, int]]:
    """``n`` (document, event id) pairs in publication order, spread over ``span_hours``."""
    rng = random.Random(seed)
    pool = [s for a in load_articles() for p in a.paragraphs for s in _SENTENCE_RE.split(p) if len(s) > 40]
    words = [w for s in pool for w in s.split()]

    def vary(sentence: str) -> str:
        return " ".join(rng.choice(words) if rng.random() < 0.33 else w for w in sentence.split())

    recent: list[tuple[int, str, str, str]] = []  # (event, title, lead, body)
    step = span_hours * 3600.0 / max(1, n)
    t0 = 1_750_000_000.0
    event = 0
    for i in range(n):
        published = t0 + i * step
        outlet = rng.choice(OUTLETS)
        if recent and rng.random() < copy_share:
            ev, title, lead, body = rng.choice(recent[-300:])
            paragraphs = body.split("\n")
            if rng.random() < 0.4:
                paragraphs = paragraphs[: max(1, len(paragraphs) // 2)]
            body = "\n".join([f"به گزارش {outlet}، " + paragraphs[0].split("، ", 1)[-1], *paragraphs[1:]])
            yield StoryDocument(i, outlet, title, lead, body, published), ev
            continue
        picked = [vary(rng.choice(pool)) for _ in range(rng.randint(6, 10))]
        numbers = " ".join(str(rng.randint(2, 9999)) for _ in range(3))
        # Halves of two sentences: a headline no other event has (a whole sentence would repeat).
        title = " ".join(picked[0].split()[:5] + picked[1].split()[-5:])
        lead = f"{picked[0]} {picked[1]}"
        body = "\n".join([f"به گزارش {outlet}، {picked[2]} {numbers}", *picked[3:]])
        event += 1
        recent.append((event, title, lead, body))
        yield StoryDocument(i, outlet, title, lead, body, published), event
