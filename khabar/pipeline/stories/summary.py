"""What a story page shows about its articles: the most central one, the headlines they used."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from khabar.pipeline.search_keys import search_key
from khabar.pipeline.stories.text_features import TermWeighter

CENTRAL_BODY_CHARS = 600  # title, lead and the opening of the body say what an article is about


@dataclass(frozen=True)
class Member:
    id: Hashable
    title: str
    lead: str = ""
    body: str = ""
    published: float = 0.0


@dataclass
class HeadlineGroup:
    """One headline as written, and the articles that used it (folded spellings are one headline)."""

    title: str
    member_ids: list[Hashable] = field(default_factory=list)


def most_central(members: list[Member], weighter: TermWeighter | None = None) -> Hashable | None:
    """The article whose headline names the story.

    Each member scores its similarity to the story's centroid; members sharing a
    headline (folded) pool their scores, so the headline most outlets used wins
    over one outlet's variant of it («فوری/ …»); within that headline, the most
    central member (ties: the earliest).
    """
    if not members:
        return None
    weighter = weighter or TermWeighter()
    ordered = sorted(members, key=lambda m: (m.published, str(m.id)))
    vectors = [weighter.features(m.title, m.lead, m.body[:CENTRAL_BODY_CHARS], learn=False).terms for m in ordered]
    centroid: dict[int, float] = {}
    for vec in vectors:
        for t, w in vec.items():
            centroid[t] = centroid.get(t, 0.0) + w
    scores = [sum(w * centroid.get(t, 0.0) for t, w in vec.items()) for vec in vectors]
    keys = [search_key(m.title) for m in ordered]
    pooled: dict[str, float] = {}
    for key, score in zip(keys, scores):
        pooled[key] = pooled.get(key, 0.0) + score
    best = max(range(len(ordered)), key=lambda i: (pooled[keys[i]], scores[i], -i))
    return ordered[best].id


def headline_groups(members: list[Member]) -> list[HeadlineGroup]:
    """Distinct headlines in order of first use, each with the articles that used it."""
    groups: dict[str, HeadlineGroup] = {}
    for m in sorted(members, key=lambda m: (m.published, str(m.id))):
        key = search_key(m.title)
        group = groups.get(key)
        if group is None:
            group = groups[key] = HeadlineGroup(m.title)
        group.member_ids.append(m.id)
    return list(groups.values())
