"""Notifications: sent once per key, listed per user, marked read, counted in the header, e-mailed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from portal import roles
from sectors.models import Notification
from sectors.notifications.services import notification_email, notification_send

ROLES = [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN]


def test_it_sends_a_keyed_notification_once(users):
    leader = users[roles.LEADER]
    first = notification_send(user=leader, title="学习日提醒", key="study:1:2025-03")
    again = notification_send(user=leader, title="学习日提醒", key="study:1:2025-03")
    assert first is not None and again is None
    assert Notification.objects.filter(user=leader).count() == 1
    # Without a key every send is a new message; the same key for another user is another message.
    notification_send(user=leader, title="无键")
    notification_send(user=leader, title="无键")
    notification_send(user=users[roles.STAFF], title="学习日提醒", key="study:1:2025-03")
    assert Notification.objects.count() == 4


def test_it_emails_a_user_with_an_address_once(users, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example"
    leader = users[roles.LEADER]
    leader.email = "leader@example.com"
    leader.save(update_fields=["email"])
    with django_capture_on_commit_callbacks() as callbacks:
        note = notification_send(user=leader, title="计划提醒", body="请上传计划", link="/documents/new/", key="k")
    assert len(callbacks) == 1  # the e-mail task is queued after commit, not run inside the transaction
    # Run the task's work directly (tests do not rely on eager tasks): twice, one e-mail.
    assert notification_email(notification_id=note.pk) is True
    assert notification_email(notification_id=note.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["leader@example.com"]
    assert mail.outbox[0].subject == "计划提醒"
    assert "https://portal.example/documents/new/" in mail.outbox[0].body
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_it_emails_nobody_without_an_address(users, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks() as callbacks:
        note = notification_send(user=users[roles.STAFF], title="无邮箱", key="x")
    assert callbacks == []
    assert notification_email(notification_id=note.pk) is False
    assert mail.outbox == []


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_users_own_notifications_with_the_unread_count(role, users, clients):
    mine = notification_send(user=users[role], title="我的提醒", body="还差一次协商会")
    notification_send(user=users[roles.STAFF if role != roles.STAFF else roles.ADMIN], title="别人的提醒")
    response = clients[role].get(reverse("notification_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert mine.title in page and "还差一次协商会" in page
    assert "别人的提醒" not in page
    assert response.context["portal_unread_notifications"] == 1
    assert 'class="badge rounded-pill text-bg-danger portal-unread-count">1<' in page


def test_it_sends_anonymous_users_to_the_login_page(clients):
    for name in ("notification_list", "notification_read"):
        response = (
            clients["anonymous"].post(reverse(name))
            if name.endswith("read")
            else clients["anonymous"].get(reverse(name))
        )
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_it_marks_one_notification_read_and_opens_its_link(role, users, clients):
    note = notification_send(user=users[role], title="提醒", link="/activities/new/")
    other = notification_send(user=users[role], title="另一条")
    response = clients[role].post(reverse("notification_read"), {"id": note.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/activities/new/"
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None
    assert clients[role].get(reverse("home")).context["portal_unread_notifications"] == 1


def test_it_marks_all_read(users, leader_client):
    for n in range(3):
        notification_send(user=users[roles.LEADER], title=f"提醒{n}")
    response = leader_client.post(reverse("notification_read"), {"all": "1"})
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "portal-unread-count" not in leader_client.get(reverse("notification_list")).content.decode()


def test_it_refuses_to_touch_another_users_notification(users, leader_client):
    theirs = notification_send(user=users[roles.STAFF], title="工作人员的", link="/groups/")
    response = leader_client.post(reverse("notification_read"), {"id": theirs.pk, "open": "1"})
    assert response["Location"] == reverse("notification_list")  # not the other user's link
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("bad", ["", "abc", "-1", "99999999999999999999999", "1.5"])
def test_it_ignores_bad_ids(bad, users, leader_client):
    note = notification_send(user=users[roles.LEADER], title="提醒")
    response = leader_client.post(reverse("notification_read"), {"id": bad})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is None


def test_it_refuses_get_on_the_mark_read_address(leader_client, users):
    note = notification_send(user=users[roles.LEADER], title="提醒")
    assert leader_client.get(reverse("notification_read"), {"id": note.pk}).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None
