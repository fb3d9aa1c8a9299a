"""Importance ranking and homepage lead slots (khabar.pipeline.stories.ranking, .front_pages): no database."""

from __future__ import annotations

import httpx
import pytest

from khabar.newsweb.server import NewsWeb
from khabar.pipeline.stories.front_pages import lead_links, prominent_links
from khabar.pipeline.stories.ranking import CoverageItem, LeadSighting, story_importance

HOUR = 3600.0
NOW = 1_750_000_000.0


def items(n: int, spread_hours: float = 0.5, start: float = NOW - HOUR, weight: float = 1.0):
    return [CoverageItem(f"outlet-{i}", weight, start + i * spread_hours * HOUR / max(1, n)) for i in range(n)]


def test_more_outlets_rank_higher_and_an_outlet_counts_once():
    few, many = story_importance(items(2), [], NOW), story_importance(items(6), [], NOW)
    assert many.score > few.score and many.outlets == 6
    repeated = story_importance(items(2) + [CoverageItem("outlet-0", 1.0, NOW - 0.5 * HOUR)] * 5, [], NOW)
    assert repeated.outlets == 2 and repeated.score == pytest.approx(few.score, rel=0.05)


def test_outlet_weight_pickup_speed_prominence_and_recency():
    base = story_importance(items(4), [], NOW)
    assert story_importance(items(4, weight=2.0), [], NOW).score > base.score  # Source.weight
    slow = story_importance(items(4, spread_hours=20, start=NOW - 21 * HOUR), [], NOW - 0.5 * HOUR + 0)
    fast = story_importance(items(4, spread_hours=0.5, start=NOW - 1.5 * HOUR), [], NOW - 0.5 * HOUR + 0)
    assert fast.pickup == 4 and slow.pickup < 4
    leading = [LeadSighting("outlet-0", NOW - 2 * HOUR, NOW - 60), LeadSighting("outlet-1", NOW - HOUR, NOW - 60)]
    led = story_importance(items(4), leading, NOW)
    assert led.leading_now == 2 and led.lead_hours == pytest.approx(3.0, abs=0.05) and led.score > base.score
    gone = story_importance(items(4), [LeadSighting("outlet-0", NOW - 5 * HOUR, NOW - 3 * HOUR)], NOW)
    assert gone.leading_now == 0 and gone.leading_ever == 1
    old = story_importance(items(4, start=NOW - 30 * HOUR), [], NOW)
    assert old.score < base.score / 2  # decayed: a half-life of 12 hours


def test_rank_orders_stories_as_their_scores_do_at_any_later_time():
    stories = [story_importance(items(n, start=NOW - h * HOUR), [], NOW) for n, h in ((2, 1), (5, 10), (9, 30), (3, 4))]
    for later in (0, 5 * HOUR, 48 * HOUR):
        now_scores = [
            story_importance(items(n, start=NOW - h * HOUR), [], NOW + later).score
            for n, h in ((2, 1), (5, 10), (9, 30), (3, 4))
        ]
        by_rank = sorted(range(4), key=lambda i: -stories[i].rank)
        by_score = sorted(range(4), key=lambda i: -now_scores[i])
        assert by_rank == by_score


def test_lead_links_are_read_from_marked_blocks_only():
    html = """<html><body><div class="nav"><a href="/x">x</a></div>
    <section class="lead top" data-slot="lead"><div><h2><a href="/news/1/a">A</a></h2><p>lead <b>text</b></p></div>
    <div data-slot="lead"><a href="/news/2/b">B</a><img src="/i.png"></div></section>
    <ul class="list"><li><a href="/news/3/c">C</a><p class="item-lead">not a lead block</p></li></ul>
    <div class="main-news"><a href="https://other.example/news/4">D</a><a href="/news/1/a">A again</a></div>
    <div class="leader"><a href="/news/5">E</a></div></body></html>"""
    assert lead_links(html, "http://outlet.example/") == [
        "http://outlet.example/news/1/a",
        "http://outlet.example/news/2/b",
        "https://other.example/news/4",
    ]
    assert lead_links("<p>no lead here <a href='/a'>a</a>", "http://o.example/") == []
    assert lead_links("", "http://o.example/") == []


def test_lead_weighs_more_than_the_sixth_slot():
    def led(slot: int, outlets: int = 3):
        sightings = [LeadSighting(f"outlet-{i}", NOW - HOUR, NOW - 60, slot) for i in range(outlets)]
        return story_importance(items(4), sightings, NOW)

    lead, second, sixth = led(1), led(2), led(6)
    assert lead.score > second.score > sixth.score > story_importance(items(4), [], NOW).score
    assert lead.leading_now == sixth.leading_now == 3  # every outlet showing it counts in «در صدر»
    # An outlet counts once, with its best slot.
    twice = [LeadSighting("outlet-0", NOW - HOUR, NOW - 60, 6), LeadSighting("outlet-0", NOW - HOUR, NOW - 60, 1)]
    assert story_importance(items(4), twice, NOW).score == pytest.approx(led(1, outlets=1).score, rel=0.05)


def test_news_web_homepages_show_their_lead_slots_most_of_them_without_a_marker():
    """The news web's homepages lead like real ones (a hero with h1, a slider, an Iranian CMS's
    ``first_box``, a big picture, a WebForms top-news panel); two layouts keep ``data-slot``."""
    clock = type("Clock", (), {"t": 1_750_000_000.0, "__call__": lambda self: self.t})()
    with NewsWeb(seed=2, port=0, backlog=20, clock=clock) as web, httpx.Client(trust_env=False, timeout=5) as client:
        truth = web.leads()
        sizes = {}
        for p in web.schedule:
            sizes[p.article_id] = sizes.get(p.article_id, 0) + 1
        event_of = {web.url_of(p): p.article_id for p in web.schedule}
        marked = 0
        for outlet in web.outlets:
            page = client.get(outlet.homepage).text
            assert len(truth[outlet.slug]) == 2
            assert prominent_links(page, outlet.homepage)[:2] == truth[outlet.slug], outlet.slug
            marked += 'data-slot="lead"' in page
        assert 1 <= marked <= len(web.outlets) // 2  # most outlets lead without an explicit marker
        # The lead is not merely the newest item: it is read from the lead block.
        newest = {o.slug: web.url_of(web.visible(o.slug, clock())[-1]) for o in web.outlets}
        assert sum(newest[slug] != urls[0] for slug, urls in truth.items()) >= len(truth) // 2
        leading_sizes = [sizes[event_of[u]] for urls in truth.values() for u in urls]
        assert sum(leading_sizes) / len(leading_sizes) > 1.5  # editors lead with what many outlets cover
        section = client.get(web.outlets[0].homepage + "fa/politics").text
        assert "first_box" not in section and 'data-slot="lead"' not in section  # only the homepage has lead slots
