"""The credit chain («به گزارش … به نقل از …»): read at crawl time, stored, shown on the article and story pages."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from sitekit import LAVROV_LEAD, LAVROV_P1, LAVROV_P2, LAVROV_TITLE, make_article, make_source, text_of

from khabar.news.storage import store_articles
from khabar.pipeline.collect import build_record
from khabar.pipeline.records import FeedItem
from khabar.stories.models import Story

# The opening of a real Varzesh3 item (data/persian_news/varzesh3, https://www.varzesh3.com/news/1000975).
VARZESH3_OPENING = "به نقل از ایسنا، وی با تاکید بر ماندن آلومینیوم در لیگ برتر گفت که تیم با تمام توان ادامه می‌دهد."
FILLER = "بند دیگری از متن خبر که جزئیات بیشتری از این رویداد را برای خواننده روشن می‌کند. " * 8


def _record(lead: str, first_paragraph: str):
    """What the crawler makes of a feed item carrying its full text (no page fetch)."""
    item = FeedItem(
        url="https://example.ir/news/1?utm_source=rss",
        title=LAVROV_TITLE,
        summary_html=f"<p>{lead}</p>",
        content_html=f"<p>{first_paragraph}</p><p>{FILLER}</p>",
        published=timezone.now() - timedelta(hours=1),
    )
    outcome = asyncio.run(build_record(None, item))
    assert outcome.problem is None and outcome.record is not None
    return outcome.record


@pytest.mark.django_db
def test_the_credit_is_read_at_crawl_time_and_stored(mehr):
    record = _record(LAVROV_LEAD, LAVROV_P1)
    assert (record.credit_reported_by, record.credit_citing, record.credit_place) == ("خبرگزاری مهر", "اسپوتنیک", "")
    placed = _record("", "به گزارش خبرنگار خبرگزاری فارس از سنندج، نشست شورای شهر امروز برگزار شد.")
    assert (placed.credit_reported_by, placed.credit_place) == ("خبرگزاری فارس", "سنندج")
    result = store_articles(mehr.pk, None, None, [record])
    stored = mehr.articles.get(pk=result.new_ids[0])
    assert (stored.credit_reported_by, stored.credit_citing) == ("خبرگزاری مهر", "اسپوتنیک")


@pytest.fixture
def credited(mehr, yjc, world):
    """Mehr reports (citing Sputnik); an outlet republishes it «به نقل از خبرگزاری مهر»; Varzesh3 cites ISNA."""
    isna = make_source("خبرگزاری دانشجویان ایران (ایسنا)", "isna")
    varzesh3 = make_source("ورزش سه", "varzesh3")
    story = Story.objects.create(title=LAVROV_TITLE)
    now = timezone.now()
    original = make_article(
        mehr,
        world,
        title=LAVROV_TITLE,
        lead=LAVROV_LEAD,
        body_text=f"{LAVROV_P1}\n\n{LAVROV_P2}",
        credit_reported_by="خبرگزاری مهر",
        credit_citing="اسپوتنیک",
        published_at=now - timedelta(hours=2),
        story=story,
    )
    copy = make_article(
        yjc,
        world,
        title=LAVROV_TITLE,
        body_text="به گزارش باشگاه خبرنگاران به نقل از مهر، " + LAVROV_P2,
        credit_reported_by="باشگاه خبرنگاران",
        credit_citing="مهر",
        published_at=now - timedelta(hours=1),
        story=story,
    )
    sport = make_article(
        varzesh3, None, body_text=VARZESH3_OPENING, credit_citing="ایسنا", published_at=now - timedelta(minutes=5)
    )
    unknown = make_article(
        varzesh3,
        None,
        body_text="به گزارش خبرگزاری فرانسه از مسکو، …",
        credit_reported_by="خبرگزاری فرانسه",
        credit_place="مسکو",
        published_at=now - timedelta(minutes=6),
        story=story,
    )
    Story.objects.filter(pk=story.pk).update(article_count=3, outlet_count=3, central_article=original)
    return {"original": original, "copy": copy, "sport": sport, "unknown": unknown, "story": story, "isna": isna}


def credit_chain(html: str) -> str:
    found = re.search(r'<p class="credit-chain">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


@pytest.mark.django_db
def test_the_article_page_says_whom_it_cites_linking_outlets_we_crawl(client, credited):
    # Mehr's own credit says nothing new; Sputnik is not crawled: plain text.
    line = credit_chain(text_of(client.get(credited["original"].get_absolute_url())))
    assert line == 'به نقل از <span class="outlet">«اسپوتنیک»</span>'
    # «مهر» is the source «خبرگزاری مهر»: a link to its page on our site.
    line = credit_chain(text_of(client.get(credited["copy"].get_absolute_url())))
    assert line == 'به نقل از <a class="outlet" href="/source/mehr/">«مهر»</a>'
    # «ایسنا» is the acronym of «خبرگزاری دانشجویان ایران (ایسنا)».
    assert '<a class="outlet" href="/source/isna/">«ایسنا»</a>' in credit_chain(
        text_of(client.get(credited["sport"].get_absolute_url()))
    )
    # Another outlet's report, from its dateline.
    line = credit_chain(text_of(client.get(credited["unknown"].get_absolute_url())))
    assert line == 'به گزارش <span class="outlet">«خبرگزاری فرانسه»</span> از مسکو'


@pytest.mark.django_db
def test_an_article_without_a_credit_has_no_credit_line(client, lavrov):
    assert 'class="credit-chain"' not in text_of(client.get(lavrov.get_absolute_url()))


@pytest.mark.django_db
def test_the_story_page_says_who_reported_first_and_who_cited_whom(client, credited):
    html = text_of(client.get(credited["story"].get_absolute_url()))
    original = credited["original"]
    first = re.search(r"نخستین گزارش: (.*?) · <time", html, re.S).group(1)
    assert first == (
        f'<a class="outlet" href="{original.get_absolute_url()}">«خبرگزاری مهر»</a>'
        ' به نقل از <span class="outlet">«اسپوتنیک»</span>'
    )
    box = html[html.index('id="credits-title"') : html.index('id="timeline-title"')]
    items = [re.sub(r"\s+", " ", li).strip() for li in re.findall(r"<li>(.*?)</li>", box, re.S)]
    copy, unknown = credited["copy"], credited["unknown"]
    assert items == [
        f'<a class="outlet" href="{original.get_absolute_url()}">«خبرگزاری مهر»</a>'
        ' به نقل از <span class="outlet">«اسپوتنیک»</span>',
        # the cited outlet is in the story: its article there
        f'<a class="outlet" href="{copy.get_absolute_url()}">«باشگاه خبرنگاران»</a>'
        f' به نقل از <a class="outlet" href="{original.get_absolute_url()}">«خبرگزاری مهر»</a>',
        f'<a class="outlet" href="{unknown.get_absolute_url()}">«ورزش سه»</a>'
        ' به نقل از <span class="outlet">«خبرگزاری فرانسه»</span>',
    ]


@pytest.mark.django_db
def test_a_story_without_citations_has_no_citation_box(client, lavrov):
    story = Story.objects.create(title=LAVROV_TITLE, central_article=lavrov, article_count=1, outlet_count=1)
    lavrov.story = story
    lavrov.save()
    html = text_of(client.get(story.get_absolute_url()))
    assert "نخستین گزارش" in html and 'id="credits-title"' not in html


@pytest.mark.django_db
def test_coverage_box_only_when_there_is_coverage(client, credited, lavrov):
    alone = Story.objects.create(title=LAVROV_TITLE, central_article=lavrov, article_count=1, outlet_count=1)
    lavrov.story = alone
    lavrov.save()
    html = text_of(client.get(lavrov.get_absolute_url()))
    assert "پوشش این خبر" not in html and "story-block" not in html  # alone in its story: no empty box
    html = text_of(client.get(credited["copy"].get_absolute_url()))
    assert "پوشش این خبر" in html and credited["story"].get_absolute_url() in html
