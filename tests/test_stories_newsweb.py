"""The news web's multi-outlet coverage: ground truth for near-duplicates and stories (khabar.newsweb.coverage)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from khabar.newsweb.corpus import load_articles
from khabar.newsweb.coverage import STYLES, hard_negative_pairs, topic_words
from khabar.newsweb.outlets import OUTLETS_BY_SLUG
from khabar.newsweb.schedule import build_schedule
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.attribution import parse_attribution

HOUR = 3600.0


@pytest.fixture(scope="module")
def schedule():
    return build_schedule(load_articles(), seed=1)


def by_event(pubs):
    groups = defaultdict(list)
    for p in pubs:
        groups[p.article_id].append(p)
    return groups


def test_events_are_covered_by_several_outlets_after_the_first_publication(schedule):
    groups = by_event(schedule)
    sizes = [len(g) for g in groups.values()]
    assert len(groups) >= 900
    assert 0.25 <= sum(s > 1 for s in sizes) / len(sizes) <= 0.5  # a third of the events are covered by others
    assert max(sizes) >= 6  # and some by many
    for pubs in groups.values():
        first, *copies = sorted(pubs, key=lambda p: p.offset)
        assert first.version == "original" and all(p.version in STYLES for p in copies)
        assert len({p.outlet for p in pubs}) == len(pubs)  # one version per outlet
        for p in copies:
            assert 60 <= p.offset - first.offset <= 6 * HOUR + 1
            assert p.category == first.category and p.category in OUTLETS_BY_SLUG[p.outlet].categories
    assert {p.version for p in schedule} == {"original", *STYLES}


def test_copies_carry_their_own_credit_headline_and_text(schedule):
    groups = by_event(schedule)
    checked = defaultdict(int)
    credited_to_self = 0
    for pubs in groups.values():
        first = min(pubs, key=lambda p: p.offset)
        for p in pubs:
            if p is first:
                continue
            own = OUTLETS_BY_SLUG[p.outlet].name
            credit = parse_attribution(p.paragraphs[0])
            assert p.paragraphs[0].startswith(f"به گزارش {own}")
            credited_to_self += credit is not None and credit.reported_by == own
            if p.version == "credited" and credit is not None:
                assert any(c.startswith(OUTLETS_BY_SLUG[first.outlet].name) for c in credit.citing)
            if p.version == "new_headline":
                assert p.title != first.title
            if p.version == "shortened":
                assert len(p.body) <= len(first.body) + 60 and len(p.lead) <= len(first.lead)  # + its own ending
            checked[p.version] += 1
    assert min(checked.values()) >= 50
    assert credited_to_self / sum(checked.values()) >= 0.9  # some corpus openings have no comma to end a credit (93%)


def test_hard_negatives_are_similar_topics_of_different_events_published_close_together(schedule):
    articles = {a.article_id: a for a in load_articles()}
    pairs = hard_negative_pairs(list(articles.values()))
    assert len(pairs) >= 100
    first_time = {}
    for p in sorted(schedule, key=lambda p: p.offset):
        first_time.setdefault(p.article_id, p.offset)
    gaps = []
    for a, b in pairs:
        assert a != b and articles[a].category == articles[b].category
        assert topic_words(articles[a]) & topic_words(articles[b])
        gaps.append(abs(first_time[a] - first_time[b]))
    gaps.sort()
    assert gaps[len(gaps) // 2] <= 1 * HOUR  # most pairs are published within the hour


def test_published_items_carry_the_event_and_a_still_web_stays_still():
    clock = type("Clock", (), {"t": 1_750_000_000.0, "__call__": lambda self: self.t})()
    web = NewsWeb(seed=3, rate=0.0, backlog=6, clock=clock).start()
    try:
        items = web.published()
        assert {it.event for it in items} and all(it.event == it.article_id for it in items)
        assert any(it.version != "original" for it in items)
        clock.t += 24 * HOUR
        assert len(web.published()) == len(items)  # rate 0: no copy appears later either
    finally:
        web.stop()


def test_coverage_is_deterministic_and_can_be_turned_off():
    a = build_schedule(load_articles(), seed=9)
    b = build_schedule(load_articles(), seed=9)
    assert [(p.outlet, p.item_id, p.title, p.offset, p.version) for p in a] == [
        (p.outlet, p.item_id, p.title, p.offset, p.version) for p in b
    ]
    plain = build_schedule(load_articles(), seed=9, coverage=False)
    assert {p.version for p in plain} == {"original"} and len(plain) < len(a)
