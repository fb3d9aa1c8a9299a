"""Adding outlets in the console: by homepage over the offline news web, and the OPML round trip."""

from __future__ import annotations

import pytest
from consolekit import make_user, signed_in
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from sitekit import text_of

from khabar.console.models import AuditEntry
from khabar.newsweb.server import NewsWeb
from khabar.sources.models import Category, Feed, Source


@pytest.fixture
def staff_client(db):
    return signed_in(make_user("operator", staff=True))


@pytest.fixture(scope="module")
def web():
    news = NewsWeb(seed=5, rate=0.0, port=0, backlog=6).start()
    yield news
    news.stop()


@pytest.fixture
def allow_private(settings):
    settings.KHABAR_ALLOW_PRIVATE_ADDRESSES = True
    settings.KHABAR_FETCH_TIMEOUT = 3.0
    settings.KHABAR_HOST_MIN_GAP = 0.01


@pytest.mark.e2e
@pytest.mark.django_db
def test_add_an_outlet_by_its_homepage_previews_then_adds_on_confirmation(staff_client, web, allow_private):
    sepehr = next(o for o in web.outlets if o.slug == "sepehr")
    html = text_of(staff_client.post(reverse("console:add_outlet"), {"step": "discover", "url": sepehr.homepage}))
    assert sepehr.name in html and "آنچه خزیده خواهد شد" in html
    for feed in sepehr.feeds:
        assert feed.url in html
    assert 'class="sample-item"' in html  # a few sample items of what will be crawled
    assert not Source.objects.exists()  # nothing stored before confirming

    response = staff_client.post(reverse("console:add_outlet"), {"step": "confirm"})
    source = Source.objects.get()
    assert response["Location"] == reverse("console:source", args=[source.slug])
    assert set(Feed.objects.values_list("url", flat=True)) == {f.url for f in sepehr.feeds}
    assert AuditEntry.objects.get().action == "source_add"


@pytest.mark.django_db
def test_confirming_without_a_preview_adds_nothing(staff_client):
    response = staff_client.post(reverse("console:add_outlet"), {"step": "confirm"}, follow=True)
    assert "دوباره کشف کنید" in text_of(response)
    assert not Source.objects.exists()


def upload(staff_client, content: bytes):
    return staff_client.post(reverse("console:opml"), {"file": SimpleUploadedFile("list.opml", content)})


@pytest.mark.django_db
def test_opml_round_trip_keeps_outlets_kinds_and_categories(staff_client, world):
    politics = Category.objects.get(slug="politics")
    hamshahri = Source.objects.create(name="همشهری", slug="hamshahri", homepage="https://www.hamshahrionline.ir/")
    Feed.objects.create(source=hamshahri, url="https://www.hamshahrionline.ir/rss", category=politics)
    Feed.objects.create(source=hamshahri, url="https://www.hamshahrionline.ir/sitemap-news.xml", kind="news_sitemap")
    isna = Source.objects.create(name="ایسنا", slug="isna", homepage="https://www.isna.ir/")
    Feed.objects.create(source=isna, url="https://www.isna.ir/page/archive", kind="listing", category=world)
    before = set(Feed.objects.values_list("url", "kind", "category__slug", "source__name"))

    exported = staff_client.get(reverse("console:opml_export"))
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/x-opml")
    content = exported.content
    assert "همشهری".encode() in content

    # Importing into the same instance: every line is a duplicate.
    html = text_of(upload(staff_client, content))
    assert html.count('data-state="duplicate"') == 3 and "پیش‌تر ثبت شده است" in html

    Feed.objects.all().delete()
    Source.objects.all().delete()
    html = text_of(upload(staff_client, content))
    assert html.count('data-state="new"') == 3
    staff_client.post(reverse("console:opml"), {"step": "confirm"})
    assert set(Feed.objects.values_list("url", "kind", "category__slug", "source__name")) == before
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == ["opml_export", "opml_import"]


@pytest.mark.django_db
def test_opml_import_reports_duplicates_and_failures_line_by_line(staff_client):
    content = """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>x</title></head><body>
<outline text="ایرنا">
  <outline type="rss" text="ایرنا" xmlUrl="https://www.irna.ir/rss"/>
  <outline type="rss" text="ایرنا دوباره" xmlUrl="https://www.irna.ir/rss"/>
  <outline type="rss" text="ایسنا" xmlUrl="https://www.isna.ir/rss"/>
</outline>
<outline type="rss" text="بد" xmlUrl="javascript:alert(1)"/>
<outline type="rss" text="&secret;" xmlUrl="ftp://example.ir/feed"/>
<outline htmlUrl="https://example.ir/"/>
</body></opml>""".encode()
    Feed.objects.create(
        source=Source.objects.create(name="ایسنا", slug="isna", homepage="https://www.isna.ir/"),
        url="https://www.isna.ir/rss",
    )
    html = text_of(upload(staff_client, content))
    assert html.count('data-state="new"') == 1  # the repeated irna feed is one line
    assert html.count('data-state="duplicate"') == 1
    assert html.count('data-state="failed"') == 3
    assert "نشانی http یا https نیست" in html and "نشانی خوراک (xmlUrl) ندارد" in html
    assert "root:" not in html  # no external entity was read
    staff_client.post(reverse("console:opml"), {"step": "confirm"})
    assert set(Feed.objects.values_list("url", "source__name")) == {
        ("https://www.irna.ir/rss", "ایرنا"),
        ("https://www.isna.ir/rss", "ایسنا"),
    }


@pytest.mark.django_db
def test_a_file_that_is_not_opml_is_refused_with_a_clear_error(staff_client):
    html = text_of(upload(staff_client, b"\x00\x01 not xml at all"))
    assert "هیچ خوراکی در این پرونده پیدا نشد" in html
    assert not Feed.objects.exists()
