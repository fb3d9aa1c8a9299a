"""Takedowns: a hidden article or story answers 410 and leaves search, feeds, sitemaps and every box at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from consolekit import make_user, signed_in
from django.urls import reverse
from django.utils import timezone
from sitekit import LAVROV_TITLE, make_article, text_of

from khabar.console.models import AuditEntry, Takedown
from khabar.news.models import Article
from khabar.search.backends import get_backend
from khabar.stories.models import Story

SEARCH_WORD = "لاوروف"


@pytest.fixture
def operator(db):
    return make_user("operator", staff=True)


@pytest.fixture
def staff_client(operator):
    return signed_in(operator)


def reader_surfaces(client, article) -> dict[str, str]:
    return {
        "home": text_of(client.get("/")),
        "latest": text_of(client.get("/latest/")),
        "category": text_of(client.get(article.category.get_absolute_url())),
        "source": text_of(client.get(reverse("site:source", args=[article.source.slug]))),
        "search": text_of(client.get("/search/", {"q": SEARCH_WORD})),
        "rss": text_of(client.get("/feeds/latest.rss")),
        "atom": text_of(client.get("/feeds/latest.atom")),
        "category_rss": text_of(client.get(f"/feeds/category/{article.category.slug}.rss")),
        "sitemap": text_of(client.get("/sitemap-articles.xml")),
        "news_sitemap": text_of(client.get("/sitemap-news.xml")),
    }


def take_down(staff_client, **form):
    return staff_client.post(reverse("console:takedowns"), form)


@pytest.mark.django_db
def test_article_takedown_leaves_every_surface_at_once_and_restore_brings_it_back(client, staff_client, lavrov):
    Article.objects.filter(pk=lavrov.pk).update(published_at=timezone.now())  # recent: in the news sitemap
    lavrov.refresh_from_db()
    get_backend().index([lavrov.pk])
    page = lavrov.get_absolute_url()
    # Every surface shows it, and is now in the page cache.
    before = reader_surfaces(client, lavrov)
    for name, html in before.items():
        assert LAVROV_TITLE in html or page in html, name
    assert client.get(page).status_code == 200

    response = take_down(
        staff_client, kind="article", ref=f"http://testserver{page}", reason="legal", note="نامهٔ دادگاه"
    )
    assert response.status_code == 302

    assert client.get(page).status_code == 410
    assert client.get(f"{page}text/").status_code == 410
    for name, html in reader_surfaces(client, lavrov).items():  # cached pages were purged
        assert LAVROV_TITLE not in html and page not in html, name

    entry = AuditEntry.objects.get(action="takedown")
    assert entry.username == "operator" and entry.object_type == "article" and entry.object_id == str(lavrov.pk)
    assert "حقوقی" in entry.reason and "نامهٔ دادگاه" in entry.reason

    takedown = Takedown.objects.get()
    response = staff_client.post(reverse("console:takedown_restore", args=[takedown.pk]))
    assert response.status_code == 302
    assert client.get(page).status_code == 200
    for name, html in reader_surfaces(client, lavrov).items():
        assert LAVROV_TITLE in html or page in html, name
    assert AuditEntry.objects.filter(action="restore", object_id=str(lavrov.pk)).exists()
    takedown.refresh_from_db()
    assert takedown.restored_by.username == "operator" and takedown.restored_at is not None


@pytest.mark.django_db
def test_story_takedown_hides_its_articles_and_the_story_page_is_gone(client, staff_client, lavrov, mehr, world):
    story = Story.objects.create(title=LAVROV_TITLE, central_article=lavrov, article_count=2, outlet_count=1)
    other = make_article(mehr, world, title="خبر دیگری از همین رویداد", story=story)
    Article.objects.filter(pk=lavrov.pk).update(story=story)
    unrelated = make_article(mehr, world, title="خبری بی‌ربط")
    assert client.get(story.get_absolute_url()).status_code == 200

    take_down(staff_client, kind="story", ref=story.get_absolute_url(), reason="outlet_request")

    assert client.get(story.get_absolute_url()).status_code == 410
    assert client.get(other.get_absolute_url()).status_code == 410
    assert client.get(lavrov.get_absolute_url()).status_code == 410
    assert client.get(unrelated.get_absolute_url()).status_code == 200
    home = text_of(client.get("/"))
    assert "خبر دیگری از همین رویداد" not in home and "خبری بی‌ربط" in home
    assert set(Takedown.objects.get().article_ids) == {lavrov.pk, other.pk}


@pytest.mark.django_db
def test_restore_keeps_hidden_what_another_takedown_still_hides(staff_client, lavrov, mehr, world):
    story = Story.objects.create(title="رویداد")
    Article.objects.filter(pk=lavrov.pk).update(story=story)
    sibling = make_article(mehr, world, story=story)
    take_down(staff_client, kind="article", ref=str(lavrov.pk), reason="legal")
    take_down(staff_client, kind="story", ref=str(story.pk), reason="error")
    story_takedown = Takedown.objects.get(story=story)
    assert story_takedown.article_ids == [sibling.pk]  # lavrov was already hidden by the first one
    staff_client.post(reverse("console:takedown_restore", args=[Takedown.objects.get(article=lavrov).pk]))
    lavrov.refresh_from_db()
    sibling.refresh_from_db()
    assert not lavrov.hidden and sibling.hidden


@pytest.mark.django_db
def test_takedown_needs_a_reason_and_a_real_target(staff_client, lavrov):
    response = take_down(staff_client, kind="article", ref=str(lavrov.pk), reason="")
    assert response.status_code == 302
    assert not Takedown.objects.exists()
    take_down(staff_client, kind="article", ref="999999", reason="legal")
    assert not Takedown.objects.exists() and not AuditEntry.objects.exists()
    page = text_of(staff_client.get(reverse("console:takedowns")))
    assert "پیدا نشد" in page


@pytest.mark.django_db
def test_an_article_that_joins_a_taken_down_story_later_is_hidden_with_it(
    client, staff_client, lavrov, mehr, yjc, world
):
    """The story's copies keep arriving after the takedown: each one is hidden as it joins, added to
    the takedown (a restore shows it again) and recorded in the audit log as done automatically."""
    from khabar.news.signals import articles_stored
    from khabar.sources.models import Feed

    articles_stored.send(sender=Feed, article_ids=[lavrov.pk])  # the stories step puts it into a story
    lavrov.refresh_from_db()
    assert lavrov.story_id is not None
    take_down(staff_client, kind="story", ref=str(lavrov.story_id), reason="legal")
    takedown = Takedown.objects.get()

    copy = make_article(
        yjc,
        world,
        title=lavrov.title,
        lead=lavrov.lead,
        body_text=lavrov.body_text,
        body_html=lavrov.body_html,
        published_at=lavrov.published_at + timedelta(minutes=40),
    )
    unrelated = make_article(mehr, world, title="گزارش هواشناسی از بارش برف در شمال کشور", lead="برف و باران")
    articles_stored.send(sender=Feed, article_ids=[copy.pk, unrelated.pk])

    copy.refresh_from_db()
    assert copy.story_id == lavrov.story_id and copy.hidden
    assert client.get(copy.get_absolute_url()).status_code == 410
    assert not Article.objects.get(pk=unrelated.pk).hidden
    takedown.refresh_from_db()
    assert copy.pk in takedown.article_ids
    entry = AuditEntry.objects.filter(action="takedown").order_by("-id").first()
    assert entry.user is None and "۱ خبر تازه" in entry.detail

    staff_client.post(reverse("console:takedown_restore", args=[takedown.pk]), {"note": "اشتباه"})
    assert not Article.objects.get(pk=copy.pk).hidden
