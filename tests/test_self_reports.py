"""Self-reported work (issue 21): a member reports a constituent contact, a
draft public-opinion report or an activity; the leader or staff accept it (the
real record is created from what the member wrote, and counts at once) or
return it with a comment (nothing counts); each item keeps its history."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Attendance, ConstituentContact, OpinionReport, SelfReport
from portal import roles
from reports.figures import period_figures

from .factories import log_in, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 10)
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def _submit(client, **data) -> object:
    base = {"kind": "contact", "date": DAY.isoformat(), "title": "走访外卖骑手", "content": "谈了社保问题"}
    return client.post(reverse("member_self_report_new"), {**base, **data}, HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def contact_item(member_client, member_user):
    _submit(member_client, constituent_name="张师傅", way="in_person")
    return SelfReport.objects.get()


def test_a_member_reports_a_contact_and_sees_it_awaiting_review(member_client, member_user, group_a, contact_item):
    assert (contact_item.member, contact_item.group, contact_item.status) == (member_user.member, group_a, "submitted")
    page = member_client.get(reverse("member_self_reports"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "走访外卖骑手" in page and "待审核" in page
    assert not ConstituentContact.objects.exists()  # nothing counts before review


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"constituent_name": "", "way": "phone"}, "请填写界别群众姓名"),
        ({"constituent_name": "张师傅", "way": ""}, "请选择联系方式"),
        ({"constituent_name": "张师傅", "way": "phone", "date": "2999-01-01"}, "日期不能晚于今天"),
        ({"constituent_name": "张师傅", "way": "phone", "date": "2001-01-01"}, "您在该日期不属于任何界别活动组"),
        ({"constituent_name": "张师傅", "way": "phone", "title": ""}, "这个字段是必填项"),
        ({"kind": "activity", "activity_kind": ""}, "请选择活动类型"),
        ({"kind": "nonsense"}, "请选择报送类型"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(member_client, member_user, data, message):
    response = _submit(member_client, **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not SelfReport.objects.exists()


def test_the_leader_accepts_a_contact_and_the_figures_count_it_at_once(leader_client, group_a, contact_item):
    before = period_figures(group_a.committee_id, *YEAR, group_id=group_a.pk).constituent_contacts
    queue = leader_client.get(reverse("self_report_queue")).content.decode()
    assert "走访外卖骑手" in queue
    response = leader_client.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "accept"})
    assert response.status_code == 302
    contact_item.refresh_from_db()
    contact = ConstituentContact.objects.get()
    assert (contact.member, contact.constituent.name, contact.way, contact.contacted_on, contact.note) == (
        contact_item.member, "张师傅", "in_person", DAY, "谈了社保问题",
    )  # fmt: skip
    assert (contact_item.status, contact_item.contact, contact_item.reviewed_by.username) == (
        "accepted",
        contact,
        "leader",
    )
    assert period_figures(group_a.committee_id, *YEAR, group_id=group_a.pk).constituent_contacts == before + 1
    assert list(contact_item.history.values_list("status", flat=True)) == ["accepted", "submitted"]
    # Reviewed once: a second decision is refused and creates nothing more.
    leader_client.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "accept"})
    assert ConstituentContact.objects.count() == 1


def test_the_groups_scorecard_reflects_an_accepted_contact_at_once(leader_client, group_a, contact_item):
    """Issue 21's walk: the leader's scorecard (kept in the cache) shows the accepted contact."""
    url = f"{reverse('scorecard', args=[group_a.pk])}?year={DAY.year}"

    def contacts() -> int:
        rows = leader_client.get(url).context["card"].members
        return next(row.year.contacts for row in rows if row.year.member.pk == contact_item.member_id)

    assert contacts() == contacts() == 0  # the second one read from the cache
    leader_client.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "accept"})
    assert contacts() == 1


def test_a_returned_item_needs_a_comment_and_counts_nowhere(staff_client, member_client, contact_item):
    response = staff_client.post(
        reverse("self_report_review", args=[contact_item.pk]), {"decision": "return", "comment": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert "请写明退回理由" in response.content.decode()
    contact_item.refresh_from_db()
    assert contact_item.status == "submitted"
    staff_client.post(
        reverse("self_report_review", args=[contact_item.pk]), {"decision": "return", "comment": "请补充日期"}
    )
    contact_item.refresh_from_db()
    assert (contact_item.status, contact_item.review_comment) == ("returned", "请补充日期")
    assert not ConstituentContact.objects.exists()
    page = member_client.get(reverse("member_self_reports"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已退回" in page and "请补充日期" in page


def test_an_accepted_draft_opinion_report_names_the_member(staff_client, member_client, member_user):
    _submit(member_client, kind="opinion", title="关于老旧小区加装电梯的建议", content="建议……")
    item = SelfReport.objects.get()
    staff_client.post(reverse("self_report_review", args=[item.pk]), {"decision": "accept"})
    report = OpinionReport.objects.get()
    assert (report.title, report.content, report.submitted_on) == ("关于老旧小区加装电梯的建议", "建议……", DAY)
    assert list(report.submitters.all()) == [member_user.member]


def test_an_accepted_activity_is_held_with_the_member_present(staff_client, member_client, member_user, group_a):
    _submit(member_client, kind="activity", title="送教下乡", activity_kind="service", location="永嘉县")
    item = SelfReport.objects.get()
    staff_client.post(reverse("self_report_review", args=[item.pk]), {"decision": "accept"})
    activity = Activity.objects.get(title="送教下乡")
    assert (activity.status, activity.location, list(activity.groups.all())) == ("held", "永嘉县", [group_a])
    assert Attendance.objects.get(activity=activity).member == member_user.member


def test_a_leader_of_another_group_neither_sees_nor_reviews_it(group_b, contact_item):
    other = Client()
    log_in(other, make_user(roles.LEADER, group=group_b, username="leader_b"))
    assert "走访外卖骑手" not in other.get(reverse("self_report_queue")).content.decode()
    assert other.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "accept"}).status_code == 404
    assert not ConstituentContact.objects.exists()


def test_the_chairman_and_members_cannot_review(chairman_client, member_client, contact_item):
    assert chairman_client.get(reverse("self_report_queue")).status_code == 403
    assert (
        chairman_client.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert (
        member_client.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert not ConstituentContact.objects.exists()


def test_a_member_sees_only_their_own_items(group_a, member_client, contact_item):
    from .factories import make_member

    someone = make_member(group_a, "周委员")
    SelfReport.objects.create(member=someone, group=group_a, kind="opinion", date=DAY, title="别人的报送")
    page = member_client.get(reverse("member_self_reports")).content.decode()
    assert "走访外卖骑手" in page and "别人的报送" not in page


def test_a_bad_decision_is_refused(staff_client, contact_item):
    response = staff_client.post(reverse("self_report_review", args=[contact_item.pk]), {"decision": "maybe"})
    assert response.status_code == 200
    contact_item.refresh_from_db()
    assert contact_item.status == "submitted"
