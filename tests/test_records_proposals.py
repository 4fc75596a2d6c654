"""Proposals in the browser: /proposals/."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.models import Proposal

from .factories import make_member

DAY = datetime.date(2025, 1, 15)


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵委员")


def make_proposal(group, proposers, *, title="关于发展托育服务的提案", day=DAY, **fields) -> Proposal:
    proposal = Proposal.objects.create(committee=group.committee, group=group, title=title, submitted_on=day, **fields)
    proposal.proposers.set(proposers)
    return proposal


def form_data(group, proposers, **changes) -> dict:
    data = {
        "group": group.pk,
        "number": "",
        "title": "关于加强基层医疗的提案",
        "submitted_on": "2025-01-15",
        "proposers": [m.pk for m in proposers],
        "status": Proposal.Status.SUBMITTED,
    }
    data.update(changes)
    return data


def assert_field_error(response, field: str, message: str | None = None) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        with translation.override("zh-hans"):
            assert escape(gettext(message)) in response.content.decode()


def test_it_lets_staff_create_edit_and_delete(staff_client, group_a, member_a, leader_member):
    data = form_data(
        group_a,
        [member_a, leader_member],
        number="12-001",
        is_key="on",
        key_on="2025-02-01",
        key_by="cppcc",
        first_proposer=member_a.pk,
    )
    response = staff_client.post(reverse("proposal_create"), data)

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.committee, proposal.group, proposal.number, proposal.is_key) == (
        group_a.committee,
        group_a,
        "12-001",
        True,
    )
    assert set(proposal.proposers.all()) == {member_a, leader_member}
    assert (proposal.first_proposer, proposal.co_proposers) == (member_a, [leader_member])

    data = form_data(group_a, [], title="以界别名义", is_group_proposal="on", status=Proposal.Status.FILED)
    staff_client.post(reverse("proposal_edit", args=[proposal.pk]), data)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.is_group_proposal, proposal.status) == ("以界别名义", True, "filed")
    assert not proposal.proposers.exists()
    assert proposal.number == "" and proposal.is_key is False

    staff_client.post(reverse("proposal_delete", args=[proposal.pk]))
    assert not Proposal.objects.exists()


def test_it_lets_a_leader_record_for_their_own_group(leader_client, group_a, member_a):
    response = leader_client.post(reverse("proposal_create"), form_data(group_a, [member_a]))
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.group == group_a

    leader_client.post(reverse("proposal_edit", args=[proposal.pk]), form_data(group_a, [member_a], title="新"))
    proposal.refresh_from_db()
    assert proposal.title == "新"

    leader_client.post(reverse("proposal_delete", args=[proposal.pk]))
    assert not Proposal.objects.exists()


def test_it_rejects_another_group_posted_by_a_leader(leader_client, group_b, member_b):
    response = leader_client.post(reverse("proposal_create"), form_data(group_b, [member_b]))

    assert_field_error(response, "group")
    assert not Proposal.objects.exists()


def test_it_hides_other_groups_proposals_from_a_leader(leader_client, group_b, member_b):
    proposal = make_proposal(group_b, [member_b], title="医卫的提案")

    for name in ("proposal_detail", "proposal_edit", "proposal_delete"):
        assert leader_client.get(reverse(name, args=[proposal.pk])).status_code == 404
    assert leader_client.post(reverse("proposal_edit", args=[proposal.pk]), form_data(group_b, [])).status_code == 404
    assert leader_client.post(reverse("proposal_delete", args=[proposal.pk])).status_code == 404

    proposal.refresh_from_db()
    assert proposal.title == "医卫的提案"
    assert "医卫的提案" not in leader_client.get(reverse("proposal_list")).content.decode()


def test_it_lets_the_chairman_read_but_not_write(chairman_client, group_a, member_a):
    proposal = make_proposal(group_a, [member_a])

    detail = chairman_client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert proposal.title in detail
    assert reverse("proposal_delete", args=[proposal.pk]) not in detail
    for url in (
        reverse("proposal_create"),
        reverse("proposal_edit", args=[proposal.pk]),
        reverse("proposal_delete", args=[proposal.pk]),
    ):
        assert chairman_client.get(url).status_code == 403
        assert chairman_client.post(url, form_data(group_a, [member_a], title="主席改的")).status_code == 403

    assert list(Proposal.objects.values_list("title", flat=True)) == [proposal.title]


def test_it_sends_anonymous_users_to_login(clients, group_a, member_a):
    proposal = make_proposal(group_a, [member_a])

    for url in (reverse("proposal_list"), reverse("proposal_detail", args=[proposal.pk])):
        assert clients["anonymous"].get(url)["Location"].startswith(reverse("login"))
    clients["anonymous"].post(reverse("proposal_create"), form_data(group_a, [member_a]))
    assert Proposal.objects.count() == 1


def test_it_explains_bad_input_and_keeps_what_was_typed(staff_client, group_a, member_a, member_b):
    make_proposal(group_a, [member_a], number="12-007")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("proposal_create")

    future = staff_client.post(url, form_data(group_a, [member_a], submitted_on=tomorrow.isoformat()))
    assert_field_error(future, "submitted_on", "This date is in the future.")
    assert "关于加强基层医疗的提案" in future.content.decode()

    duplicate = staff_client.post(url, form_data(group_a, [member_a], number="12-007"))
    assert_field_error(duplicate, "number", "Another proposal of this group already has this number.")

    outsider = staff_client.post(url, form_data(group_a, [member_b]))
    assert_field_error(outsider, "proposers")

    nobody = staff_client.post(url, form_data(group_a, []))
    assert_field_error(nobody, "proposers", "Choose at least one proposer, or mark it as the group's proposal.")

    missing = staff_client.post(url, form_data(group_a, [member_a], title="", submitted_on=""))
    assert_field_error(missing, "title")
    assert_field_error(missing, "submitted_on")

    assert Proposal.objects.count() == 1


def test_it_keeps_its_own_number_on_edit(staff_client, group_a, member_a):
    proposal = make_proposal(group_a, [member_a], number="12-009")

    data = form_data(group_a, [member_a], number="12-009", title="改标题")
    assert staff_client.post(reverse("proposal_edit", args=[proposal.pk]), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "改标题"


def test_it_filters_the_list(staff_client, group_a, group_b, member_a, member_b):
    make_proposal(group_a, [member_a], title="民盟二五年", number="A-1")
    make_proposal(group_a, [member_a], title="民盟二四年", day=datetime.date(2024, 5, 1))
    make_proposal(group_b, [member_b], title="医卫已办", status=Proposal.Status.HANDLED)

    def titles(**params) -> set[str]:
        response = staff_client.get(reverse("proposal_list"), params)
        return {row.record.title for row in response.context["rows"]}

    assert titles() == {"民盟二五年", "民盟二四年", "医卫已办"}
    assert titles(group=group_b.pk) == {"医卫已办"}
    assert titles(year=2024) == {"民盟二四年"}
    assert titles(choice=Proposal.Status.HANDLED) == {"医卫已办"}
    assert titles(q="A-1") == {"民盟二五年"}


def test_it_lists_with_the_same_number_of_queries_for_3_or_20_rows(staff_client, group_a, member_a, leader_member):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("proposal_list")).status_code == 200
        return len(queries)

    for n in range(3):
        make_proposal(group_a, [member_a, leader_member], title=f"提案{n}")
    few = count_queries()
    for n in range(17):
        make_proposal(group_a, [member_a, leader_member], title=f"更多{n}")
    assert count_queries() == few


def test_it_shows_the_change_history_after_an_edit(staff_client, group_a, member_a):
    proposal = make_proposal(group_a, [member_a], title="初稿")
    staff_client.post(reverse("proposal_edit", args=[proposal.pk]), form_data(group_a, [member_a], title="定稿"))

    response = staff_client.get(reverse("proposal_detail", args=[proposal.pk]))
    newest = response.context["history"][0]
    assert str(newest.who) == "staff"
    assert any(old == "初稿" and new == "定稿" for _label, old, new in newest.changes)
    assert "初稿" in response.content.decode()


def test_the_list_loads_only_the_columns_it_shows(staff_client, group_a, member_a, leader_member):
    """Not the proposal's text, first proposer or merged-into proposal (the detail page's joins),
    and each column still reads as on the detail page."""
    proposal = make_proposal(group_a, [member_a, leader_member], title="交通提案", content="很长的正文" * 200)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("proposal_list"))
    by_ids = '"activities_proposal"."id" IN ('
    rows = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and by_ids in q["sql"]]
    assert len(rows) == 1
    assert '"activities_proposal"."content"' not in rows[0] and "first_proposer_id" not in rows[0]
    assert "merged_into" not in rows[0] and '"sectors_sectorgroup"' in rows[0]
    row = response.context["rows"][0]
    assert (row.title, row.url) == (proposal.number or "—", reverse("proposal_detail", args=[proposal.pk]))
    proposers = "、".join(member.name for member in proposal.proposers.all())
    assert row.cells[:3] == ["交通提案", group_a.name, proposers] and "、" in proposers


def test_the_list_rows_are_escaped_and_link_to_each_record(staff_client, group_a, member_a):
    proposal = make_proposal(group_a, [member_a], title="<img src=x>停车难")
    body = staff_client.get(reverse("proposal_list")).content.decode().split("<tbody>", 1)[1].split("</tbody>")[0]
    assert f'<tr><td><a href="{reverse("proposal_detail", args=[proposal.pk])}">' in body
    assert "<td>&lt;img src=x&gt;停车难</td>" in body and "<img" not in body
    assert f"<td>{group_a.name}</td><td>{member_a.name}</td>" in body


def test_the_list_reads_its_proposers_names_alone_in_their_order(staff_client, group_a, member_a, leader_member):
    """The proposers column comes from one query of names (no member's row, so no personal
    data, is loaded for a list), in the members' order as on the detail page."""
    later = make_member(group_a, "王委员", member_number="Z99999", mobile="13800000000")
    proposal = make_proposal(group_a, [later, member_a, leader_member], title="三人联名")
    alone = make_proposal(group_a, [later], title="一人提案")
    nobody = make_proposal(group_a, [], title="无人提案")
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("proposal_list"))
    member_rows = [q["sql"] for q in queries if '"sectors_member"' in q["sql"]]
    assert len(member_rows) == 1 and '"sectors_member"."mobile"' not in member_rows[0]
    cells = {row.record.pk: row.cells[2] for row in response.context["rows"]}
    assert cells[proposal.pk] == "、".join(m.name for m in proposal.proposers.all())
    assert cells[proposal.pk].count("、") == 2 and cells[proposal.pk].endswith("、王委员")  # by number, not as added
    assert (cells[alone.pk], cells[nobody.pk]) == ("王委员", "—")
    assert str(later) == later.name  # LIST_LABELS: what a member's str() shows is its name
