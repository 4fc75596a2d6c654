"""Attachments are downloaded only through the access-checked view, under their original name."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Attachment
from portal import roles

from .factories import make_activity


def _attach(activity, name="会议纪要.txt", content=b"minutes of the meeting") -> Attachment:
    return Attachment.objects.create(
        activity=activity,
        file=SimpleUploadedFile("x.txt", content),
        original_name=name,
        size=len(content),
        content_type="text/plain",
    )


@pytest.fixture
def own(group_a):
    return _attach(make_activity([group_a], title="民盟学习", date=datetime.date(2025, 3, 1)))


@pytest.fixture
def other(group_b):
    return _attach(make_activity([group_b], title="医卫学习", date=datetime.date(2025, 3, 1)), name="医卫.txt")


def test_it_streams_the_file_under_its_original_name(clients, own):
    for role in (roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN):
        response = clients[role].get(reverse("attachment_download", args=[own.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"minutes of the meeting"
        assert "attachment" in response["Content-Disposition"]
        assert quote("会议纪要.txt") in response["Content-Disposition"]


def test_it_keeps_files_out_of_public_urls(staff_client, own, settings):
    assert not own.file.name.startswith("会议纪要")
    page = staff_client.get(reverse("activity_detail", args=[own.activity_id])).content.decode()
    assert reverse("attachment_download", args=[own.pk]) in page
    assert settings.MEDIA_URL not in page and own.file.name not in page


def test_it_answers_404_to_a_leader_for_another_groups_file(leader_client, other):
    assert leader_client.get(reverse("attachment_download", args=[other.pk])).status_code == 404
    assert leader_client.post(reverse("attachment_delete", args=[other.pk])).status_code == 404
    assert Attachment.objects.filter(pk=other.pk).exists()


def test_it_sends_anonymous_users_to_the_login(clients, own):
    response = clients["anonymous"].get(reverse("attachment_download", args=[own.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_answers_404_when_the_file_is_gone(staff_client, own, settings):
    (settings.MEDIA_ROOT / own.file.name).unlink()
    assert staff_client.get(reverse("attachment_download", args=[own.pk])).status_code == 404


def test_it_deletes_an_attachment_and_its_file(clients, own, settings, django_capture_on_commit_callbacks):
    stored = settings.MEDIA_ROOT / own.file.name
    for role in (roles.STAFF,):
        with django_capture_on_commit_callbacks(execute=True):
            response = clients[role].post(reverse("attachment_delete", args=[own.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("activity_edit", args=[own.activity_id])
    assert not Attachment.objects.filter(pk=own.pk).exists()
    assert not stored.exists()


@pytest.mark.parametrize("role", [roles.LEADER, roles.ADMIN])
def test_it_lets_leaders_and_admins_delete_their_attachments(clients, own, role):
    assert clients[role].post(reverse("attachment_delete", args=[own.pk])).status_code == 302
    assert not Attachment.objects.filter(pk=own.pk).exists()


def test_it_deletes_only_on_post(staff_client, own):
    assert staff_client.get(reverse("attachment_delete", args=[own.pk])).status_code == 405
    assert Attachment.objects.filter(pk=own.pk).exists()


def test_it_refuses_deletes_by_the_chairman_and_anonymous(clients, own):
    assert clients[roles.CHAIRMAN].post(reverse("attachment_delete", args=[own.pk])).status_code == 403
    assert clients["anonymous"].post(reverse("attachment_delete", args=[own.pk])).status_code == 302
    assert Attachment.objects.filter(pk=own.pk).exists()


def test_it_adds_attachments_when_an_activity_is_edited(staff_client, own, group_a):
    activity = own.activity
    data = {
        "groups": [group_a.pk],
        "kind": activity.kind,
        "title": activity.title,
        "date": activity.date.isoformat(),
        "status": activity.status,
        "format": activity.format,
        "other_participants": "0",
        "files": [SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")],
    }
    assert staff_client.post(reverse("activity_edit", args=[activity.pk]), data).status_code == 302
    assert sorted(activity.attachments.values_list("original_name", flat=True)) == ["会议纪要.txt", "照片.png"]
