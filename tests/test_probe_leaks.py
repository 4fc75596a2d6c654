"""What an attacker's probe found (issue 18): answers that depended on data the
user may not see. Each test asks the same question twice, once with data the
user cannot see behind it, and expects the same answer and no write."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from activities.models import Activity, ConstituentContact, Proposal
from portal import roles
from sectors.models import AuditEvent, Constituent

from .factories import make_activity, make_member, make_user
from .test_records_contacts import form_data as contact_data
from .test_records_contacts import make_contact

FUTURE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵委员")


def _errors(response) -> str:
    """The form's error messages, as the page shows them."""
    return str(sorted((field, list(errors)) for field, errors in response.context["form"].errors.items()))


# --- the contact form: no oracle for mobiles or other groups' constituents ------------


@pytest.fixture
def other_groups_person(committee, member_b):
    person = Constituent.objects.create(committee=committee, name="陈师傅", description="司机", mobile="15212341767")
    make_contact(member_b, person)
    return person


@pytest.fixture
def own_person(committee, member_a):
    person = Constituent.objects.create(committee=committee, name="王五", description="店主", mobile="15298761767")
    make_contact(member_a, person)
    return person


def test_another_groups_constituent_is_neither_revealed_nor_linked(leader_client, member_a, other_groups_person):
    url = reverse("contact_create")
    right = leader_client.post(
        url, contact_data(member_a, new_name="陈师傅", new_mobile="15212341767", contacted_on=FUTURE)
    )
    wrong = leader_client.post(
        url, contact_data(member_a, new_name="陈师傅", new_mobile="15200001767", contacted_on=FUTURE)
    )
    assert _errors(right) == _errors(wrong)  # only the future date
    assert "司机" not in right.content.decode()

    saved = leader_client.post(url, contact_data(member_a, new_name="陈师傅", new_mobile="15212341767"))
    assert saved.status_code == 302
    contact = ConstituentContact.objects.get(member=member_a)
    assert contact.constituent != other_groups_person  # a constituent of the leader's group, not theirs
    assert not other_groups_person.contacts.filter(group=member_a.memberships.get().group).exists()


def test_a_typed_constituent_is_matched_by_normalised_name_and_mobile(leader_client, member_a, own_person):
    response = leader_client.post(
        reverse("contact_create"),
        contact_data(member_a, new_name="王 五", new_mobile="＋86 152 9876 1767", contacted_on="2025-05-06"),
    )
    assert response.status_code == 302
    assert ConstituentContact.objects.filter(member=member_a, constituent=own_person).count() == 2
    assert Constituent.objects.count() == 1


def test_guessing_a_masked_mobile_is_audited_and_stopped(leader_client, users, member_a, own_person):
    url = reverse("contact_create")
    for guess in range(10):
        leader_client.post(
            url, contact_data(member_a, new_name="王五", new_mobile=f"1529876{guess:04d}", contacted_on=FUTURE)
        )
    misses = AuditEvent.objects.filter(action=AuditEvent.Action.CONSTITUENT_MISMATCH, user=users[roles.LEADER])
    assert misses.count() == 10 and misses.first().detail == "王五"
    # The eleventh try, with the right number, is answered as a wrong one would be.
    right = leader_client.post(
        url, contact_data(member_a, new_name="王五", new_mobile="15298761767", contacted_on=FUTURE)
    )
    wrong = leader_client.post(
        url, contact_data(member_a, new_name="王五", new_mobile="15298760000", contacted_on=FUTURE)
    )
    assert _errors(right) == _errors(wrong) and "一小时后再试" in _errors(right)
    assert ConstituentContact.objects.filter(member=member_a).count() == 1


# --- activities: attendees of other groups are "not found" -----------------------------


def test_an_activity_names_no_member_the_leader_may_not_see(leader_client, group_a, group_b, member_a, member_b):
    data = {
        "groups": [group_a.pk],
        "kind": "study",
        "title": "学习",
        "date": "2025-03-01",
        "status": "held",
        "format": "offline",
        "other_participants": "0",
        f"att_{member_a.pk}": "present",
        f"att_{member_b.pk}": "present",
        "att_999999": "present",
    }
    response = leader_client.post(reverse("activity_create"), data)
    page = response.content.decode()
    assert "赵委员" not in page and "2 位所选参加人员未找到" in page
    assert Activity.objects.count() == 0


# --- joint activities: another group's leader is not shown ---------------------------


def test_a_joint_activity_does_not_name_the_other_groups_leader(leader_client, staff_client, group_a, group_b):
    other_leader = make_user(roles.LEADER, group=group_b, username="leader_b")
    other_leader.full_name = "医卫组长"
    other_leader.save(update_fields=["full_name"])
    activity = make_activity([group_a, group_b], title="联合调研")
    Activity.objects.filter(pk=activity.pk).update(created_by=other_leader)
    activity.history.update(history_user=other_leader, created_by=other_leader)
    url = reverse("activity_detail", args=[activity.pk])
    assert "leader_b" not in leader_client.get(url).content.decode()
    assert "医卫组长" not in leader_client.get(url).content.decode()
    assert "医卫组长" in staff_client.get(url).content.decode()


# --- proposal numbers: another group's are not probed ---------------------------------


def test_another_groups_proposal_number_cannot_be_probed(leader_client, committee, group_a, group_b, member_a):
    Proposal.objects.create(
        committee=committee, group=group_b, number="12-001", title="他组提案", submitted_on=datetime.date(2025, 1, 5)
    )
    url = reverse("proposal_create")
    data = {
        "group": group_a.pk,
        "title": "本组提案",
        "submitted_on": FUTURE,
        "proposers": [member_a.pk],
        "status": "submitted",
    }
    taken = leader_client.post(url, data | {"number": "12-001"})
    free = leader_client.post(url, data | {"number": "12-002"})
    assert re.sub(r"12-00\d", "", _errors(taken)) == re.sub(r"12-00\d", "", _errors(free))
    assert leader_client.post(url, data | {"number": "12-001", "submitted_on": "2025-01-15"}).status_code == 302
    assert Proposal.objects.filter(number="12-001").count() == 2


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        (
            "proposal_create",
            lambda g, m: {
                "group": g.pk,
                "title": "提案",
                "submitted_on": "2025-01-15",
                "proposers": [m.pk],
                "status": "submitted",
                "number": "",
            },
        ),
        (
            "opinionreport_create",
            lambda g, m: {"group": g.pk, "title": "信息", "submitted_on": "2025-01-15", "submitters": [m.pk]},
        ),
        (
            "dutyreport_create",
            lambda g, m: {"member": m.pk, "meeting": "", "title": "述职", "reported_on": "2025-01-15"},
        ),
        ("contact_create", lambda g, m: contact_data(m, new_name="某人")),
    ],
)
def test_a_record_form_names_no_member_of_another_group(leader_client, group_a, member_b, url_name, data):
    response = leader_client.post(reverse(url_name), data(group_a, member_b))
    assert response.status_code == 200 and response.context["form"].errors
    assert "赵委员" not in _errors(response)
