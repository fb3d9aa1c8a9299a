"""How important a story is now: "at the top of the media" (در صدر رسانه‌ها).

``story_importance`` combines, for one story:

* **coverage**: the distinct outlets that published it, each counted with its
  weight (``Source.weight``, 1 = normal; an outlet counts once however many
  items it has);
* **pickup speed**: how many outlets had it within ``pickup_hours`` of the
  first publication (a story everyone runs at once beats a slow trickle);
* **prominence**: outlets showing it in the lead or top slots of their
  homepage now, and how many outlet-hours it has spent there, each outlet
  weighted by its best slot (the lead 1, slot n 1/n: the lead counts six
  times the sixth slot);
* **recency**: everything decays with a half-life (``half_life_hours``) since
  the story's last activity (a new item or a lead sighting).

The components are returned with the score so that pages can say why a story
ranks («۱۲ رسانه، ۴ در صدر»).

Because the decay is exponential, ``rank`` (log2 of the undecayed score plus
the last activity in half-lives) orders stories exactly as their scores *now*
do, at any later time: a stored rank never needs re-computing as time passes,
only when the story itself changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HOUR = 3600.0


@dataclass(frozen=True)
class CoverageItem:
    source: str
    weight: float
    published: float  # Unix seconds


@dataclass(frozen=True)
class LeadSighting:
    source: str
    first_seen: float
    last_seen: float
    slot: int = 1  # place in the homepage's prominence order: 1 = the lead


def slot_weight(slot: int) -> float:
    """How much a homepage slot counts: the lead 1, slot n 1/n."""
    return 1.0 / max(1, slot)


@dataclass(frozen=True)
class RankingConfig:
    half_life_hours: float = 12.0
    pickup_hours: float = 2.0
    pickup_weight: float = 0.5  # per outlet (beyond the first) within pickup_hours
    leading_now_weight: float = 1.5  # per outlet leading with it now (times its best slot's weight)
    leading_ever_weight: float = 0.5  # per outlet that led with it at some time (likewise)
    lead_hour_weight: float = 0.25  # per outlet-hour in a lead slot, times the slot's weight (capped)
    max_lead_hours: float = 24.0
    current_slack: float = 2 * 900.0  # a sighting this recent still counts as "now"


@dataclass(frozen=True)
class Importance:
    score: float  # at ``now``
    rank: float  # time-invariant ordering key (see the module doc)
    outlets: int
    weighted_outlets: float
    pickup: int  # outlets within pickup_hours of the first publication
    leading_now: int  # outlets with the story in a lead or top slot now
    leading_ever: int
    lead_hours: float  # outlet-hours in lead slots
    first_published: float
    last_activity: float


def story_importance(
    items: list[CoverageItem], sightings: list[LeadSighting], now: float, config: RankingConfig = RankingConfig()
) -> Importance:
    """The importance of one story at time ``now`` (see the module doc)."""
    if not items:
        return Importance(0.0, -math.inf, 0, 0.0, 0, 0, 0, 0.0, now, now)
    first = min(i.published for i in items)
    weights: dict[str, float] = {}
    for i in items:
        weights[i.source] = max(weights.get(i.source, 0.0), i.weight)
    earliest: dict[str, float] = {}
    for i in items:
        earliest[i.source] = min(earliest.get(i.source, i.published), i.published)
    pickup = sum(1 for t in earliest.values() if t - first <= config.pickup_hours * HOUR)
    leading_now: dict[str, float] = {}  # outlet -> weight of its best slot
    leading_ever: dict[str, float] = {}
    lead_hours = weighted_hours = 0.0
    for s in sightings:
        weight = slot_weight(s.slot)
        if now - s.last_seen <= config.current_slack:
            leading_now[s.source] = max(leading_now.get(s.source, 0.0), weight)
        leading_ever[s.source] = max(leading_ever.get(s.source, 0.0), weight)
        hours = max(0.0, min(s.last_seen, now) - s.first_seen) / HOUR
        lead_hours += hours
        weighted_hours += hours * weight
    last = max([i.published for i in items] + [s.last_seen for s in sightings])
    weighted = sum(weights.values())
    raw = (
        weighted
        + config.pickup_weight * max(0, pickup - 1)
        + config.leading_now_weight * sum(leading_now.values())
        + config.leading_ever_weight * sum(leading_ever.values())
        + config.lead_hour_weight * min(weighted_hours, config.max_lead_hours)
    )
    half_life = config.half_life_hours * HOUR
    score = raw * 0.5 ** (max(0.0, now - last) / half_life)
    rank = math.log2(max(raw, 1e-9)) + last / half_life
    return Importance(
        round(score, 6),
        rank,
        len(weights),
        weighted,
        pickup,
        len(leading_now),
        len(leading_ever),
        round(lead_hours, 3),
        first,
        last,
    )
