"""Stories end to end: crawl the news web's multi-outlet coverage, cluster, rank, and show it on the site."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from khabar.crawler.demo import register_newsweb
from khabar.crawler.refresh import refresh_feeds
from khabar.news.models import Article
from khabar.newsweb.server import NewsWeb
from khabar.pipeline.attribution import article_credit
from khabar.pipeline.collect import canonical_url
from khabar.pipeline.stories.evaluation import bcubed
from khabar.sources.models import Category, Feed, Source
from khabar.stories.assignment import INDEX, assign_stories
from khabar.stories.homepages import check_front_pages_if_due
from khabar.stories.models import FrontPageLead, Story, StoryIndexState

ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def newsweb():
    web = NewsWeb(seed=11, rate=0.0, port=0, backlog=6).start()  # a still web: the backlog and its copies
    yield web
    web.stop()


@pytest.fixture
def crawled(newsweb, settings):
    """The news web crawled over loopback: the articles_stored receiver clusters each batch."""
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 10.0  # nothing here times out on purpose: room for a loaded machine
    settings.KHABAR_HOST_MIN_GAP = 0.01
    register_newsweb(newsweb)
    reports = refresh_feeds(list(Feed.objects.select_related("source")))
    assert not [r.error for r in reports if r.error]
    truth = {canonical_url(it.url): it for it in newsweb.published()}
    assert Article.objects.count() == len(truth)
    return truth


@pytest.fixture
def stored(newsweb, settings):
    """The same coverage stored directly (no HTTP), in crawl-sized batches, then clustered: for the pages."""
    settings.KHABAR_PAGE_CACHE_SECONDS = 0
    register_newsweb(newsweb)
    sources = {s.slug: s for s in Source.objects.all()}
    categories = dict(Category.objects.values_list("slug", "pk"))
    items = sorted(newsweb.published(), key=lambda it: (it.outlet, it.published))  # outlet by outlet, like feeds
    rows = []
    for it in items:
        credit = article_credit(it.lead, it.body)  # as the crawler reads it (pipeline/collect.py)
        rows.append(
            Article(
                source=sources[it.outlet],
                url=canonical_url(it.url),
                title=it.title,
                lead=it.lead,
                body_text=it.body,
                published_at=it.published,
                category_id=categories.get(it.category),
                credit_reported_by=credit.reported_by,
                credit_citing=credit.citing,
                credit_place=credit.place,
            )
        )
    Article.objects.bulk_create(rows)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 7):
        assign_stories(ids[start : start + 7])
    return {canonical_url(it.url): it for it in items}


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_crawled_coverage_is_grouped_into_stories_with_copies_linked(crawled):
    """Floors on the crawled news web (measured: B-cubed F1 1.0; near-duplicate precision 1.0)."""
    truth = crawled
    articles = list(Article.objects.select_related("duplicate_of"))
    assert all(a.story_id for a in articles)  # every stored article joined a story
    score = bcubed({a.pk: truth[a.url].event for a in articles}, {a.pk: a.story_id for a in articles})
    assert score.f1 >= 0.95 and score.precision >= 0.95, score
    copies = [a for a in articles if a.duplicate_of_id]
    assert len(copies) >= 30
    for a in copies:
        assert truth[a.url].event == truth[a.duplicate_of.url].event  # near-duplicate precision
        assert a.duplicate_of.published_at <= a.published_at and a.duplicate_of.duplicate_of_id is None
        assert a.minhash
    multi = Story.objects.current().filter(outlet_count__gte=3)
    assert multi.exists()
    for story in multi:
        members = story.articles.all()
        assert story.article_count == members.count()
        assert story.outlet_count == len({a.source_id for a in members})
        assert story.central_article_id in {a.pk for a in members} and story.title
        assert story.first_published_at == min(a.published_at for a in members)
        assert story.centroid and story.score > 0
    # The credit chain was read at crawl time: a copy «به نقل از» the first outlet names it.
    names = dict(Source.objects.values_list("slug", "name"))
    firsts = {}
    for it in sorted(truth.values(), key=lambda it: it.published):
        firsts.setdefault(it.event, it)
    credited = [a for a in articles if truth[a.url].version == "credited"]
    assert credited
    for a in credited:
        assert a.credit_citing == names[firsts[truth[a.url].event].outlet], a.url
        assert a.credit_reported_by == a.source.name


@pytest.mark.django_db
def test_homepage_lead_slots_count_towards_the_ranking(client, stored, newsweb, settings):
    """End to end on the news web, whose homepages mostly mark nothing (a hero, a slider, ``first_box``...):
    the lead of every outlet is found as slot 1, and the story most outlets lead with ranks first on /top/."""
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_HOST_MIN_GAP = 0.01
    before = dict(Story.objects.values_list("pk", "score"))
    report = check_front_pages_if_due()
    assert report.checked == len(newsweb.outlets) and report.failed == 0
    assert check_front_pages_if_due() is None  # read again only after the interval
    leads = newsweb.leads()
    sources = dict(Source.objects.values_list("slug", "pk"))
    sightings = list(FrontPageLead.objects.select_related("article"))
    for slug, urls in leads.items():
        slots = {s.slot: s.article.url for s in sightings if s.source_id == sources[slug]}
        assert [slots.get(1), slots.get(2)] == [canonical_url(u) for u in urls], slug  # lead = slot 1 everywhere
        assert set(slots) <= set(range(1, 7))
    led_stories = Story.objects.filter(articles__front_page_leads__isnull=False).distinct()
    assert led_stories and all(s.leading_count >= 1 for s in led_stories)
    assert all("در صدر" in s.why_ranked for s in led_stories)

    leading = Counter(s.article.story_id for s in sightings if s.slot == 1)
    most_led, times = leading.most_common(1)[0]
    assert times >= 2 and list(leading.values()).count(times) == 1  # one story is led by most outlets
    after = dict(Story.objects.values_list("pk", "score"))
    assert all(after[pk] > before[pk] for pk in leading)  # prominence raised every led story
    html = text(client.get("/top/"))
    first = re.search(r'href="/story/(\d+)/"', html)
    assert first and int(first.group(1)) == most_led


@pytest.mark.django_db
def test_top_page_ranks_stories_and_says_why(client, stored):
    response = client.get("/top/")
    assert response.status_code == 200
    html = text(response)
    ranked = list(Story.objects.current().filter(outlet_count__gte=2).order_by("-score", "-pk")[:30])
    positions = [html.index(f'href="/story/{s.pk}/"') for s in ranked[:10]]
    assert positions == sorted(positions)  # most important first
    top = ranked[0]
    assert f"{top.why_ranked}" in html and re.search("[۰-۹]+ رسانه", html)
    for name in top.articles.values_list("source__name", flat=True).distinct():
        assert f"«{name}»" in html  # the outlets covering it
    assert "مهم" + ZWNJ + "ترین خبرها در صدر رسانه" + ZWNJ + "ها" in html


@pytest.mark.django_db
def test_story_page_shows_full_coverage(client, stored):
    story = Story.objects.current().order_by("-outlet_count", "pk").first()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = text(response)
    members = list(story.articles.select_related("source").order_by("published_at", "id"))
    for a in members:
        assert f"/news/{a.pk}/" in html and f"«{a.source.name}»" in html
    assert "نخستین گزارش" in html and f"«{members[0].source.name}»" in html
    assert "روند انتشار" in html and "رسانه" + ZWNJ + "هایی که این خبر را منتشر کرده" + ZWNJ + "اند" in html
    if len({a.title for a in members}) > 1:
        assert "تیترهای رسانه" + ZWNJ + "ها" in html
    assert client.get("/story/999999/").status_code == 404


@pytest.mark.django_db
def test_story_page_says_who_cited_whom_on_the_news_web(client, stored):
    """The news web's copies credited «به گزارش X به نقل از Y»: Y is the outlet that published first."""
    truth = stored
    firsts = {}
    for it in sorted(truth.values(), key=lambda it: it.published):
        firsts.setdefault(it.event, it)
    credited = [u for u, it in truth.items() if it.version == "credited"]
    copy = Article.objects.select_related("source", "story").filter(url__in=credited).order_by("pk").first()
    first = Article.objects.select_related("source").get(url=canonical_url(firsts[truth[copy.url].event].url))
    assert copy.credit_citing == first.source.name and first.story_id == copy.story_id
    html = text(client.get(copy.story.get_absolute_url()))
    box = html[html.index('id="credits-title"') : html.index('id="timeline-title"')]
    line = next(li for li in re.findall(r"<li>(.*?)</li>", box, re.S) if copy.get_absolute_url() in li)
    assert line.index(f"«{copy.source.name}»") < line.index("به نقل از") < line.index(first.get_absolute_url())
    article_html = text(client.get(copy.get_absolute_url()))
    assert f'به نقل از <a class="outlet" href="/source/{first.source.slug}/">«{first.source.name}»</a>' in article_html


@pytest.mark.django_db
def test_merged_story_ids_redirect_permanently(client, stored):
    keep, old = list(Story.objects.current().order_by("pk")[:2])
    Story.objects.filter(pk=old.pk).update(merged_into=keep)
    response = client.get(f"/story/{old.pk}/")
    assert response.status_code == 301 and response["Location"] == keep.get_absolute_url()


@pytest.mark.django_db
def test_article_page_says_where_else_it_was_published(client, stored):
    copy = Article.objects.filter(duplicate_of__isnull=False).select_related("duplicate_of__source").first()
    html = text(client.get(copy.get_absolute_url()))
    assert "همچنین منتشرشده در" in html
    original = copy.duplicate_of
    assert f"«{original.source.name}»" in html and "(منبع نخست)" in html
    assert html.index(f"/news/{original.pk}/") < html.index("(منبع نخست)")  # the original outlet first
    assert copy.story.get_absolute_url() in html


@pytest.mark.django_db
def test_category_box_lists_the_categorys_most_important_stories(client, stored):
    story = Story.objects.current().filter(outlet_count__gte=2, category__isnull=False).order_by("-score").first()
    html = text(client.get(story.category.get_absolute_url()))
    box = html[html.index('id="important-title"') :]
    central = story.central_article
    assert central.get_absolute_url() in box and f"«{central.source.name}»" in box


@pytest.mark.django_db
def test_index_is_rebuilt_from_the_database_and_new_copies_join_their_story(stored):
    story = Story.objects.current().filter(outlet_count__gte=2).order_by("-score").first()
    original = story.articles.order_by("published_at").first()
    INDEX.reset()  # a new process: nothing in memory
    other_source = Article.objects.exclude(source=original.source).values_list("source_id", flat=True).first()
    copy = Article.objects.create(
        source_id=other_source,
        url="http://late.example/copy",
        title="فوری/ " + original.title,
        lead=original.lead,
        body_text=original.body_text,
        published_at=original.published_at + timedelta(hours=2),
    )
    batch = assign_stories([copy.pk])
    copy.refresh_from_db()
    assert batch.assigned == 1 and copy.story_id == story.pk
    assert copy.duplicate_of_id == (original.duplicate_of_id or original.pk)
    story.refresh_from_db()
    assert story.article_count == Article.objects.filter(story=story).count()


@pytest.mark.django_db
def test_another_processs_merge_is_seen_before_the_next_batch(stored):
    assign_stories([])  # nothing to do, nothing changes
    first, second = list(Story.objects.current().filter(outlet_count__gte=2).order_by("pk")[:2])
    assert assign_stories([]).assigned == 0
    state = StoryIndexState.objects.get()
    # Another process merged `second` into `first` (moving its articles) and committed generation + 1.
    Article.objects.filter(story=second).update(story=first)
    Story.objects.filter(pk=second.pk).update(merged_into=first, revision=state.generation + 1)
    StoryIndexState.objects.filter(pk=state.pk).update(generation=state.generation + 1)
    sample = second.articles.first() or Article.objects.filter(story=first).last()
    late = Article.objects.create(
        source=sample.source,
        url="http://late.example/merged",
        title=sample.title,
        lead=sample.lead,
        body_text=sample.body_text,
        published_at=timezone.now(),
    )
    assign_stories([late.pk])
    late.refresh_from_db()
    assert late.story_id == first.pk  # not the merged-away id
    assert Counter(Story.objects.filter(pk=second.pk).values_list("merged_into", flat=True)) == Counter([first.pk])


@pytest.mark.django_db
def test_top_stories_box_for_other_pages(stored):
    from django.template import Context, Template

    html = Template("{% load story_tags %}{% top_stories_box 3 %}").render(Context({}))
    top = list(Story.objects.current().filter(outlet_count__gte=2).order_by("-score", "-pk")[:3])
    assert "در صدر رسانه" + ZWNJ + "ها" in html and html.count('href="/story/') == 3
    for story in top:
        assert story.get_absolute_url() in html and story.why_ranked in html
