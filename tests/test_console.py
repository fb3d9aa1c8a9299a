"""The console: staff-only access, the overview and the append-only audit log."""

from __future__ import annotations

import re

import pytest
from consolekit import PASSWORD, make_user, signed_in
from django.urls import reverse
from sitekit import text_of

from khabar.console.models import AppendOnly, AuditEntry

CONSOLE_PAGES = [
    "console:overview",
    "console:audit",
    "console:takedowns",
    "console:sources",
    "console:add_outlet",
    "console:opml",
    "console:opml_export",
    "console:comments",
    "console:inbox",
]


@pytest.fixture
def operator(db):
    return make_user("operator", staff=True)


@pytest.fixture
def staff_client(operator):
    return signed_in(operator)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONSOLE_PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONSOLE_PAGES)
def test_signed_in_readers_who_are_not_staff_get_no_access(name):
    reader = signed_in(make_user("reader", staff=False))
    assert reader.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_non_staff_cannot_act_either(lavrov):
    reader = signed_in(make_user("reader", staff=False))
    response = reader.post(reverse("console:takedowns"), {"kind": "article", "ref": lavrov.pk, "reason": "legal"})
    assert response.status_code == 403
    lavrov.refresh_from_db()
    assert not lavrov.hidden
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_login_page_signs_staff_in(client, operator):
    assert client.get(reverse("console:login")).status_code == 200
    response = client.post(reverse("console:login"), {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    html = text_of(client.get(reverse("console:overview")))
    assert 'dir="rtl"' in html and "نمای کلی" in html


@pytest.mark.django_db
def test_overview_shows_workers_queue_freshness_and_chart(staff_client, lavrov):
    html = text_of(staff_client.get(reverse("console:overview")))
    assert "کارگر زنده" in html and "کار در صف" in html
    assert "<svg" in html and 'role="img"' in html  # the hourly chart, with a title for screen readers
    assert "(جدول داده‌ها)" in html  # its text equivalent
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_audit_log_is_append_only(staff_client, operator):
    entry = AuditEntry.objects.create(user=operator, username="operator", action="restore", object_label="x")
    entry.reason = "changed"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.update(reason="x")
    assert AuditEntry.objects.get().reason == ""


@pytest.mark.django_db
def test_audit_page_shows_and_filters_entries(staff_client, operator):
    AuditEntry.objects.create(
        user=operator, username="operator", action="takedown", object_label="خبر نخست", reason="حقوقی"
    )
    AuditEntry.objects.create(user=operator, username="operator", action="restore", object_label="خبر دوم")
    html = text_of(staff_client.get(reverse("console:audit")))
    assert "خبر نخست" in html and "خبر دوم" in html
    html = text_of(staff_client.get(reverse("console:audit"), {"action": "takedown"}))
    assert "خبر نخست" in html and "خبر دوم" not in html
    html = text_of(staff_client.get(reverse("console:audit"), {"q": "دوم"}))
    assert "خبر دوم" in html and "خبر نخست" not in html
    assert re.search(r"<td>operator</td>", html)
