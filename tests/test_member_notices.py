"""Notices with read receipts, and the members' feedback (意见建议)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import Feedback, Notice, NoticeRecipient
from portal import roles
from sectors.models import Notification

from .factories import make_member, make_user


def _send(client, **data):
    return client.post("/notices/new/", {"title": "学习材料", "body": "请阅读附件。", **data})


def test_staff_send_a_notice_to_a_group_and_its_members_get_it(staff_client, group_a, group_b, member_user):
    other = make_member(group_a, "甲二")
    make_member(group_b, "乙一")
    upload = SimpleUploadedFile("材料.txt", "学习材料全文".encode(), content_type="text/plain")
    response = _send(staff_client, group=group_a.pk, attachment=upload)
    notice = Notice.objects.get()
    assert response["Location"] == f"/notices/{notice.pk}/"
    assert set(notice.recipients.values_list("member__name", flat=True)) == {"李委员", "甲二", "王组长"}
    assert Notification.objects.filter(user=member_user, link=f"/me/notices/{notice.pk}/").count() == 1
    assert other.pk in notice.recipients.values_list("member_id", flat=True)


def test_a_notice_to_the_whole_committee_reaches_every_group(staff_client, group_a, group_b, member_user):
    make_member(group_b, "乙一")
    _send(staff_client, group="")
    assert NoticeRecipient.objects.count() == 3  # with group A's leader


def test_opening_a_notice_records_the_receipt_and_staff_see_who_read(staff_client, member_client, member_user, group_a):
    make_member(group_a, "甲二")
    _send(staff_client, group=group_a.pk)
    notice = Notice.objects.get()
    listing = member_client.get("/me/notices/").content.decode()
    assert 'data-read="no"' in listing and "学习材料" in listing
    detail = member_client.get(f"/me/notices/{notice.pk}/").content.decode()
    assert "请阅读附件。" in detail
    row = NoticeRecipient.objects.get(member=member_user.member)
    first = row.read_at
    assert first is not None
    member_client.get(f"/me/notices/{notice.pk}/")
    row.refresh_from_db()
    assert row.read_at == first  # the first opening is the receipt
    page = staff_client.get(f"/notices/{notice.pk}/").content.decode()
    read, unread = page.split('id="read"')[1].split('id="unread"')
    assert "李委员" in read and "甲二" in unread
    assert "1 / 3" in staff_client.get("/notices/").content.decode()


def test_a_member_cannot_open_a_notice_not_sent_to_them(staff_client, member_client, group_b):
    make_member(group_b, "乙一")
    _send(staff_client, group=group_b.pk)
    notice = Notice.objects.get()
    assert member_client.get(f"/me/notices/{notice.pk}/").status_code == 404
    assert member_client.get(f"/notices/{notice.pk}/attachment/").status_code == 404
    assert member_client.get(f"/notices/{notice.pk}/").status_code == 403


def test_a_member_downloads_the_attachment_of_their_notice(staff_client, member_client, group_a, member_user):
    upload = SimpleUploadedFile("材料.txt", "学习材料全文".encode(), content_type="text/plain")
    _send(staff_client, group=group_a.pk, attachment=upload)
    notice = Notice.objects.get()
    response = member_client.get(f"/notices/{notice.pk}/attachment/")
    assert b"".join(response.streaming_content).decode() == "学习材料全文"


def test_a_leader_sends_only_to_their_group_and_sees_only_its_notices(leader_client, staff_client, group_a, group_b):
    make_member(group_b, "乙一")
    refused = leader_client.post("/notices/new/", {"title": "医卫专属通知", "body": "x", "group": group_b.pk})
    assert refused.status_code == 200 and not Notice.objects.exists()
    assert "选择一个有效的选项" in refused.content.decode()
    _send(leader_client, group=group_a.pk)
    _send(staff_client, group=group_b.pk)
    own, others = Notice.objects.get(group=group_a), Notice.objects.get(group=group_b)
    assert leader_client.get(f"/notices/{own.pk}/").status_code == 200
    assert leader_client.get(f"/notices/{others.pk}/").status_code == 404
    assert "医卫专属通知" not in leader_client.get("/notices/").content.decode()


def test_the_chairman_reads_notices_and_sends_none(chairman_client, staff_client, group_a):
    _send(staff_client, group=group_a.pk)
    assert chairman_client.get("/notices/").status_code == 200
    assert chairman_client.post("/notices/new/", {"title": "x", "body": "y"}).status_code == 403
    assert Notice.objects.count() == 1


def test_a_notice_without_a_title_or_with_a_bad_file_is_refused(staff_client, group_a):
    empty = staff_client.post("/notices/new/", {"title": "", "body": "", "group": group_a.pk})
    assert "这个字段是必填项" in empty.content.decode()
    fake = SimpleUploadedFile("材料.pdf", b"not a pdf at all", content_type="application/pdf")
    bad = _send(staff_client, group=group_a.pk, attachment=fake)
    assert "不是真正的" in bad.content.decode()
    assert not Notice.objects.exists()


def test_a_member_sends_feedback_to_the_administrators(member_client, users, member_user):
    response = member_client.post("/me/feedback/", {"text": "通知页面的字可以再大一些。", "page": "/me/notices/"})
    assert response["Location"] == "/me/notices/"
    feedback = Feedback.objects.get()
    assert feedback.member == member_user.member and feedback.page == "/me/notices/"
    admin = users[roles.ADMIN]
    note = Notification.objects.get(user=admin)
    assert "李委员" in note.title and note.link == f"/admin/members/feedback/{feedback.pk}/change/"
    assert not Notification.objects.filter(user=users[roles.STAFF]).exists()


def test_empty_or_too_short_feedback_is_refused(member_client, users):
    response = member_client.post("/me/feedback/", {"text": "  好 "})
    assert "请至少写几个字" in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_never_leaves_the_site(member_client, users):
    response = member_client.post("/me/feedback/", {"text": "一切都好，谢谢。", "page": "https://evil.example/"})
    assert response["Location"] == "/me/"


def test_administrators_list_feedback_in_the_admin(admin_client_role, member_user):
    Feedback.objects.create(user=member_user, member=member_user.member, text="希望能加上日历。")
    assert "希望能加上日历。" in admin_client_role.get("/admin/members/feedback/").content.decode()


def test_a_member_without_a_linked_member_sees_nothing(client, group_a):
    user = make_user(roles.MEMBER, username="unlinked")
    client.force_login(user)
    assert client.get("/me/").status_code == 403
