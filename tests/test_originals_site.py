"""The originals on the site: «ویرایش‌شده» with a word diff, «حذف‌شده از منبع», the list, counts, Atom feed."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.utils import timezone
from sitekit import make_article, make_source

from khabar.originals.models import OriginalChange

BEFORE = "وزیر امور خارجه گفت مذاکرات ادامه می‌یابد.\nاو افزود دوازده نفر در این نشست حضور داشتند."
AFTER = "وزیر امور خارجه گفت مذاکرات متوقف شد.\nاو افزود دوازده نفر در این نشست حضور داشتند."


@pytest.fixture
def changed(db):
    mehr, yjc = make_source("خبرگزاری مهر", "mehr"), make_source("باشگاه خبرنگاران", "yjc")
    now = timezone.now()
    edited = make_article(mehr, None, title="مذاکرات ادامه می‌یابد", body_text=BEFORE, body_html="")
    OriginalChange.objects.create(
        article=edited,
        source=mehr,
        kind=OriginalChange.EDIT,
        detected_at=now - timedelta(hours=1),
        unchanged_at=now - timedelta(hours=2),
        before_title="مذاکرات ادامه می‌یابد",
        before_text=BEFORE,
        title="مذاکرات متوقف شد <b>فوری</b> & بیشتر",
        text=AFTER,
        changed_fields="title,text",
    )
    removed = make_article(yjc, None, title="خبری که برداشته شد")
    OriginalChange.objects.create(
        article=removed,
        source=yjc,
        kind=OriginalChange.REMOVAL,
        detected_at=now - timedelta(minutes=30),
        gone_since=now - timedelta(hours=4),
        reason="http_404",
    )
    return edited, removed


def test_article_page_shows_the_edit_with_a_word_diff(client, changed, django_assert_max_num_queries):
    edited, _ = changed
    with django_assert_max_num_queries(12):
        html = client.get(edited.get_absolute_url()).content.decode()
    assert "ویرایش‌شده" in html and "حذف‌شده از منبع" not in html
    assert "<del>ادامه می‌یابد.</del>" in html or "<del>ادامه می‌یابد</del>" in html
    assert "<ins>متوقف شد" in html
    assert "&lt;b&gt;فوری&lt;/b&gt;" in html and "<b>فوری</b>" not in html  # escaped
    assert 'class="diff diff-text" dir="rtl"' in html


def test_article_page_says_removed_from_the_source(client, changed):
    _, removed = changed
    html = client.get(removed.get_absolute_url()).content.decode()
    assert "حذف‌شده از منبع" in html and "ویرایش‌شده" not in html
    assert removed.url in html  # our copy keeps its credit and link


def test_an_article_without_changes_says_nothing(client, changed):
    plain = make_article(changed[0].source, None)
    html = client.get(plain.get_absolute_url()).content.decode()
    assert "original-notice" not in html


def test_changes_page_lists_recent_edits_and_removals_filterable_by_outlet(client, changed):
    edited, removed = changed
    html = client.get("/originals/").content.decode()
    assert edited.get_absolute_url() in html and removed.get_absolute_url() in html
    assert html.index(removed.get_absolute_url()) < html.index(edited.get_absolute_url())  # newest first
    only_mehr = client.get("/originals/?outlet=mehr").content.decode()
    assert edited.get_absolute_url() in only_mehr and removed.get_absolute_url() not in only_mehr


def test_outlet_page_counts_its_edits_and_removals_of_the_last_30_days(client, changed):
    html = client.get("/source/mehr/").content.decode()
    assert "۱ خبر این رسانه پس از انتشار ویرایش و ۰ خبر از سایت آن حذف شد" in html
    OriginalChange.objects.filter(source__slug="mehr").update(detected_at=timezone.now() - timedelta(days=31))
    cache.clear()  # the page cache
    html = client.get("/source/mehr/").content.decode()
    assert "۰ خبر این رسانه پس از انتشار ویرایش" in html


def test_atom_feed_of_edits_and_removals_is_well_formed_and_escaped(client, changed):
    response = client.get("/feeds/originals.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles[0] == "حذف‌شده از منبع: خبری که برداشته شد"
    assert titles[1].startswith("ویرایش‌شده: مذاکرات ادامه")
