"""Constituent contacts in the browser: /contacts/, with the per-member summary."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.models import ConstituentContact
from sectors.models import Constituent, GroupMembership

from .factories import make_member

DAY = datetime.date(2025, 4, 2)


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵委员")


@pytest.fixture
def person(committee):
    return Constituent.objects.create(
        committee=committee, name="陈师傅", description="出租车司机", mobile="13812345678"
    )


def make_contact(member, constituent, *, day=DAY, way=ConstituentContact.Way.PHONE, **fields) -> ConstituentContact:
    group = member.memberships.get().group
    return ConstituentContact.objects.create(
        group=group, member=member, constituent=constituent, contacted_on=day, way=way, **fields
    )


def form_data(member, constituent=None, **changes) -> dict:
    data = {
        "member": member.pk,
        "constituent": constituent.pk if constituent else "",
        "new_name": "",
        "new_description": "",
        "new_mobile": "",
        "way": ConstituentContact.Way.IN_PERSON,
        "contacted_on": "2025-04-02",
        "note": "聊了停车难。",
    }
    data.update(changes)
    return data


def assert_field_error(response, field: str, message: str | None = None) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        with translation.override("zh-hans"):
            assert escape(gettext(message)) in response.content.decode()


def test_it_lets_staff_record_a_contact_with_a_new_constituent(staff_client, group_a, member_a):
    data = form_data(member_a, new_name="林老师", new_description="小学教师", new_mobile="13900001111")
    response = staff_client.post(reverse("contact_create"), data)

    contact = ConstituentContact.objects.select_related("constituent").get()
    assert response.status_code == 302
    assert (contact.member, contact.group, contact.contacted_on) == (member_a, group_a, DAY)
    assert (contact.constituent.name, contact.constituent.description, contact.constituent.mobile) == (
        "林老师",
        "小学教师",
        "13900001111",
    )
    assert contact.constituent.committee == group_a.committee


def test_it_lets_staff_edit_and_delete(staff_client, group_a, member_a, person):
    staff_client.post(reverse("contact_create"), form_data(member_a, person))
    contact = ConstituentContact.objects.get()
    assert contact.constituent == person

    data = form_data(member_a, person, way=ConstituentContact.Way.WECHAT, note="改")
    staff_client.post(reverse("contact_edit", args=[contact.pk]), data)
    contact.refresh_from_db()
    assert (contact.way, contact.note) == ("wechat", "改")

    staff_client.post(reverse("contact_delete", args=[contact.pk]))
    assert not ConstituentContact.objects.exists()
    assert Constituent.objects.filter(pk=person.pk).exists()


def test_it_sets_the_group_the_member_had_on_the_day(staff_client, committee, group_a, group_b):
    mover = make_member(group_a, "调动委员", until=datetime.date(2024, 12, 31))
    mover.memberships.create(group=group_b, start_date=datetime.date(2025, 1, 1))

    staff_client.post(reverse("contact_create"), form_data(mover, new_name="甲", contacted_on="2024-06-01"))
    staff_client.post(reverse("contact_create"), form_data(mover, new_name="乙", contacted_on="2025-06-01"))

    groups = dict(ConstituentContact.objects.values_list("constituent__name", "group"))
    assert groups == {"甲": group_a.pk, "乙": group_b.pk}


def test_it_lets_a_leader_record_for_their_own_group(leader_client, group_a, member_a):
    response = leader_client.post(reverse("contact_create"), form_data(member_a, new_name="林老师"))
    contact = ConstituentContact.objects.get()
    assert response.status_code == 302
    assert contact.group == group_a

    data = form_data(member_a, contact.constituent, note="改过")
    leader_client.post(reverse("contact_edit", args=[contact.pk]), data)
    contact.refresh_from_db()
    assert contact.note == "改过"

    leader_client.post(reverse("contact_delete", args=[contact.pk]))
    assert not ConstituentContact.objects.exists()


def test_it_rejects_another_groups_member_posted_by_a_leader(leader_client, member_b):
    response = leader_client.post(reverse("contact_create"), form_data(member_b, new_name="林老师"))

    assert_field_error(response, "member")
    assert not ConstituentContact.objects.exists()
    assert not Constituent.objects.exists()


def test_it_hides_other_groups_contacts_from_a_leader(leader_client, member_b, person):
    contact = make_contact(member_b, person, note="医卫的联系")

    for name in ("contact_detail", "contact_edit", "contact_delete"):
        assert leader_client.get(reverse(name, args=[contact.pk])).status_code == 404
    assert (
        leader_client.post(reverse("contact_edit", args=[contact.pk]), form_data(member_b, person)).status_code == 404
    )
    assert leader_client.post(reverse("contact_delete", args=[contact.pk])).status_code == 404

    contact.refresh_from_db()
    assert contact.note == "医卫的联系"
    assert "赵委员" not in leader_client.get(reverse("contact_list")).content.decode()


def test_it_offers_a_leader_only_their_groups_members_and_constituents(leader_client, member_a, member_b, person):
    other = Constituent.objects.create(committee=person.committee, name="别组的人")
    make_contact(member_a, person)
    make_contact(member_b, other)

    form = leader_client.get(reverse("contact_create")).context["form"]
    assert member_a in form.fields["member"].queryset and member_b not in form.fields["member"].queryset
    assert list(form.fields["constituent"].queryset) == [person]


def test_it_lets_the_chairman_read_but_not_write(chairman_client, member_a, person):
    contact = make_contact(member_a, person)

    assert "陈师傅" in chairman_client.get(reverse("contact_detail", args=[contact.pk])).content.decode()
    for url in (
        reverse("contact_create"),
        reverse("contact_edit", args=[contact.pk]),
        reverse("contact_delete", args=[contact.pk]),
    ):
        assert chairman_client.get(url).status_code == 403
        assert chairman_client.post(url, form_data(member_a, new_name="主席加的")).status_code == 403

    assert ConstituentContact.objects.count() == 1 and Constituent.objects.count() == 1


def test_it_sends_anonymous_users_to_login(clients, member_a, person):
    contact = make_contact(member_a, person)

    for url in (reverse("contact_list"), reverse("contact_detail", args=[contact.pk])):
        assert clients["anonymous"].get(url)["Location"].startswith(reverse("login"))
    clients["anonymous"].post(reverse("contact_create"), form_data(member_a, new_name="林老师"))
    assert ConstituentContact.objects.count() == 1


def test_it_masks_the_constituents_mobile_for_leaders(leader_client, staff_client, member_a, person):
    contact = make_contact(member_a, person)

    assert "138****5678" in leader_client.get(reverse("contact_detail", args=[contact.pk])).content.decode()
    assert "13812345678" not in leader_client.get(reverse("contact_detail", args=[contact.pk])).content.decode()
    assert "13812345678" in staff_client.get(reverse("contact_detail", args=[contact.pk])).content.decode()


def test_it_explains_bad_input_and_keeps_what_was_typed(staff_client, committee, group_a, member_a, person):
    make_contact(member_a, person, way=ConstituentContact.Way.IN_PERSON)
    retired = make_member(group_a, "离任委员", until=datetime.date(2024, 12, 31))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("contact_create")

    future = staff_client.post(url, form_data(member_a, new_name="林老师", contacted_on=tomorrow.isoformat()))
    assert_field_error(future, "contacted_on", "This date is in the future.")
    assert "林老师" in future.content.decode()

    bad_mobile = staff_client.post(url, form_data(member_a, new_name="林老师", new_mobile="12345"))
    assert_field_error(bad_mobile, "new_mobile")
    assert 'value="12345"' in bad_mobile.content.decode()

    neither = staff_client.post(url, form_data(member_a))
    assert_field_error(neither, "constituent", "Pick a constituent or type a new one's name.")

    both = staff_client.post(url, form_data(member_a, person, new_name="林老师"))
    assert_field_error(both, "new_name", "Pick a constituent or type a new one, not both.")

    duplicate = staff_client.post(url, form_data(member_a, person))
    assert_field_error(duplicate, "constituent", "This contact is already recorded.")

    no_group = staff_client.post(url, form_data(retired, new_name="林老师"))
    assert_field_error(no_group, "member", "This member belonged to no group on that date.")

    missing = staff_client.post(url, form_data(member_a, new_name="林老师", way="", contacted_on=""))
    assert_field_error(missing, "way")
    assert_field_error(missing, "contacted_on")

    assert ConstituentContact.objects.count() == 1
    assert Constituent.objects.count() == 1


def test_it_filters_the_list(staff_client, group_a, group_b, member_a, member_b, person):
    make_contact(member_a, person, note="民盟二五年")
    make_contact(member_a, person, day=datetime.date(2024, 5, 1), note="民盟二四年")
    make_contact(member_b, person, way=ConstituentContact.Way.WECHAT, note="医卫微信")

    def notes(**params) -> set[str]:
        response = staff_client.get(reverse("contact_list"), params)
        return {row.record.note for row in response.context["rows"]}

    assert notes() == {"民盟二五年", "民盟二四年", "医卫微信"}
    assert notes(group=group_b.pk) == {"医卫微信"}
    assert notes(year=2024) == {"民盟二四年"}
    assert notes(choice=ConstituentContact.Way.WECHAT) == {"医卫微信"}
    assert notes(q="赵委员") == {"医卫微信"}


def test_it_shows_each_members_constituents_in_the_year(staff_client, committee, group_a, member_a, leader_member):
    people = [Constituent.objects.create(committee=committee, name=f"群众{n}") for n in range(3)]
    for someone in people:
        make_contact(member_a, someone)
    make_contact(member_a, people[0], way=ConstituentContact.Way.WECHAT)  # same person again
    make_contact(leader_member, people[0], day=datetime.date(2024, 3, 1))  # another year

    response = staff_client.get(reverse("contact_list"), {"group": group_a.pk, "year": 2025})

    counts = {m.name: (m.constituent_count, m.contact_count, m.missing) for m in response.context["summary"]}
    assert counts == {"李委员": (3, 4, 0), "王组长": (0, 0, 3)}
    assert staff_client.get(reverse("contact_list")).context["summary"] is None


def test_it_shows_a_leader_their_groups_summary_without_filtering(leader_client, member_a, member_b, person):
    make_contact(member_a, person, day=timezone.localdate())

    summary = leader_client.get(reverse("contact_list")).context["summary"]
    assert {m.name: m.constituent_count for m in summary} == {"李委员": 1, "王组长": 0}


def test_it_lists_with_the_same_number_of_queries_for_3_or_20_rows(staff_client, committee, group_a, member_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("contact_list"), {"group": group_a.pk}).status_code == 200
        return len(queries)

    people = [Constituent.objects.create(committee=committee, name=f"群众{n}") for n in range(20)]
    for someone in people[:3]:
        make_contact(member_a, someone)
    few = count_queries()
    for someone in people[3:]:
        make_contact(member_a, someone)
    assert count_queries() == few


def test_it_shows_the_change_history_after_an_edit(staff_client, member_a, person):
    contact = make_contact(member_a, person, note="初稿")
    staff_client.post(reverse("contact_edit", args=[contact.pk]), form_data(member_a, person, note="定稿"))

    response = staff_client.get(reverse("contact_detail", args=[contact.pk]))
    newest = response.context["history"][0]
    assert str(newest.who) == "staff"
    assert any(old == "初稿" and new == "定稿" for _label, old, new in newest.changes)


def test_it_counts_in_every_groups_summary_all_the_members_contacts_of_the_year(
    staff_client, committee, group_a, group_b
):
    moved = make_member(group_a, "郑委员", until=datetime.date(2025, 3, 31))
    GroupMembership.objects.create(member=moved, group=group_b, start_date=datetime.date(2025, 4, 1))
    people = [Constituent.objects.create(committee=committee, name=f"群众{n}") for n in range(3)]
    ConstituentContact.objects.create(
        group=group_a, member=moved, constituent=people[0], way="phone", contacted_on=datetime.date(2025, 2, 1)
    )
    for someone in people[1:]:
        ConstituentContact.objects.create(
            group=group_b, member=moved, constituent=someone, way="phone", contacted_on=datetime.date(2025, 5, 1)
        )

    def counts(group) -> tuple[int, int]:
        summary = staff_client.get(reverse("contact_list"), {"group": group.pk, "year": 2025}).context["summary"]
        [row] = [m for m in summary if m.name == "郑委员"]
        return row.constituent_count, row.contact_count

    # The duty follows the member (activities.carriers): one verdict in both groups.
    assert counts(group_a) == (3, 3)
    assert counts(group_b) == (3, 3)


# --- one person typed in again is not a new constituent ---------------------------------


def test_a_typed_name_and_mobile_of_an_existing_constituent_is_that_constituent(staff_client, member_a, person):
    url = reverse("contact_create")
    for day in ("2025-04-02", "2025-04-03", "2025-04-04"):
        response = staff_client.post(
            url, form_data(member_a, new_name="陈师傅", new_mobile="13812345678", contacted_on=day)
        )
        assert response.status_code == 302
    assert Constituent.objects.filter(name="陈师傅").count() == 1
    assert set(ConstituentContact.objects.values_list("constituent_id", flat=True)) == {person.pk}


def test_a_same_name_constituent_is_a_warning_before_creating_and_nothing_is_written(staff_client, member_a, person):
    url = reverse("contact_create")
    response = staff_client.post(url, form_data(member_a, new_name="陈师傅", new_mobile="13900001111"))
    assert_field_error(response, "new_name")
    page = response.content.decode()
    assert "已有 1 位名为“陈师傅”的界别群众" in page
    assert "陈师傅（出租车司机，138****5678）" in page
    assert 'name="confirm_new_constituent"' in page
    assert ConstituentContact.objects.count() == 0 and Constituent.objects.count() == 1

    confirmed = staff_client.post(
        url, form_data(member_a, new_name="陈师傅", new_mobile="13900001111", confirm_new_constituent="on")
    )
    assert confirmed.status_code == 302
    assert Constituent.objects.filter(name="陈师傅").count() == 2


def test_a_same_name_constituent_without_a_mobile_typed_also_warns(staff_client, member_a, person):
    response = staff_client.post(reverse("contact_create"), form_data(member_a, new_name="陈师傅"))
    assert_field_error(response, "confirm_new_constituent")
    assert ConstituentContact.objects.count() == 0


def test_a_leader_is_not_told_of_another_groups_namesake(leader_client, member_a, person):
    # The person is not one of the leader's group's constituents: typed in, it is a new one.
    response = leader_client.post(reverse("contact_create"), form_data(member_a, new_name="陈师傅"))
    assert response.status_code == 302
    contact = ConstituentContact.objects.get()
    assert contact.constituent != person and contact.constituent.name == "陈师傅"


def test_the_same_person_typed_in_again_on_the_same_day_is_a_duplicate_contact(staff_client, member_a, person):
    make_contact(member_a, person, day=datetime.date(2025, 4, 2), way=ConstituentContact.Way.IN_PERSON)
    response = staff_client.post(
        reverse("contact_create"), form_data(member_a, new_name="陈师傅", new_mobile="13812345678")
    )
    assert_field_error(response, "constituent", "This contact is already recorded.")
    assert ConstituentContact.objects.count() == 1
