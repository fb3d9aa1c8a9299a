"""Moderation in the console: the comment queue (bulk approve / reject, a reader's other comments) and the inbox."""

from __future__ import annotations

import pytest
from consolekit import make_user, signed_in
from django.urls import reverse
from sitekit import text_of

from khabar.console.models import AuditEntry
from khabar.site.models import Comment, ContactMessage


@pytest.fixture
def staff_client(db):
    return signed_in(make_user("operator", staff=True))


@pytest.fixture
def queue(lavrov):
    return [
        Comment.objects.create(article=lavrov, name="مریم", text="نظر نخست مریم"),
        Comment.objects.create(article=lavrov, name="مریم", text="نظر دوم مریم"),
        Comment.objects.create(article=lavrov, name="رضا", text="تبلیغ بی‌ربط"),
    ]


@pytest.mark.django_db
def test_the_queue_lists_pending_comments_and_approval_shows_them_to_readers(client, staff_client, queue, lavrov):
    html = text_of(staff_client.get(reverse("console:comments")))
    assert all(c.text in html for c in queue)
    assert "نظر نخست مریم" not in text_of(client.get(lavrov.get_absolute_url()))  # cached now
    staff_client.post(reverse("console:comments_act"), {"action": "approve", "ids": [queue[0].pk, queue[1].pk]})
    staff_client.post(reverse("console:comments_act"), {"action": "reject", "ids": [queue[2].pk]})
    page = text_of(client.get(lavrov.get_absolute_url()))
    assert "نظر نخست مریم" in page and "نظر دوم مریم" in page and "تبلیغ بی‌ربط" not in page
    assert not Comment.objects.filter(pk=queue[2].pk).exists()
    rejected = AuditEntry.objects.get(action="comment_reject")
    assert "تبلیغ بی‌ربط" in rejected.detail  # the log keeps what a rejected comment said
    assert AuditEntry.objects.filter(action="comment_approve").count() == 2
    assert "نظری در انتظار نیست" in text_of(staff_client.get(reverse("console:comments")))


@pytest.mark.django_db
def test_a_readers_other_comments(staff_client, queue):
    html = text_of(staff_client.get(reverse("console:comments"), {"name": "مریم"}))
    assert "نظر نخست مریم" in html and "نظر دوم مریم" in html and "تبلیغ بی‌ربط" not in html


@pytest.mark.django_db
def test_the_queue_has_keyboard_shortcuts(staff_client, queue):
    html = text_of(staff_client.get(reverse("console:comments")))
    assert "khabar/console.js" in html and "<kbd>a</kbd>" in html


@pytest.mark.django_db
def test_acting_returns_only_to_this_sites_pages(staff_client, queue):
    response = staff_client.post(
        reverse("console:comments_act"), {"action": "approve", "ids": [queue[0].pk], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("console:comments")


@pytest.mark.django_db
def test_inbox_read_and_unread(staff_client):
    message = ContactMessage.objects.create(name="سارا", text="خبر شمارهٔ ۱۲ اشتباه است", subject="correction")
    html = text_of(staff_client.get(reverse("console:inbox")))
    assert "خبر شمارهٔ ۱۲ اشتباه است" in html and 'class="unread"' in html
    staff_client.post(reverse("console:inbox_mark", args=[message.pk]), {"read": "1"})
    message.refresh_from_db()
    assert message.handled
    assert "خبر شمارهٔ ۱۲" not in text_of(staff_client.get(reverse("console:inbox")))  # unread only, by default
    assert "خبر شمارهٔ ۱۲" in text_of(staff_client.get(reverse("console:inbox"), {"show": "all"}))
    staff_client.post(reverse("console:inbox_mark", args=[message.pk]), {"read": "0"})
    message.refresh_from_db()
    assert not message.handled
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "contact_read",
        "contact_unread",
    ]
