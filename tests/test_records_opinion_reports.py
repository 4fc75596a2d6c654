"""Public-opinion reports in the browser: /opinion-reports/."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.models import OpinionReport
from portal import roles
from sectors.models import GroupMembership, Workstation

from .factories import make_member

DAY = datetime.date(2025, 3, 10)


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵委员")


@pytest.fixture
def station_a(group_a):
    return Workstation.objects.create(group=group_a, name="同舟驿站", host_kind="studio", established_on=DAY)


@pytest.fixture
def station_b(group_b):
    return Workstation.objects.create(group=group_b, name="医卫驿站", host_kind="studio", established_on=DAY)


def make_report(group, submitters, *, title="关于老旧小区加装电梯的建议", day=DAY, **fields) -> OpinionReport:
    report = OpinionReport.objects.create(
        committee=group.committee, group=group, title=title, submitted_on=day, **fields
    )
    report.submitters.set(submitters)
    return report


def form_data(group, submitters, **changes) -> dict:
    data = {
        "group": group.pk,
        "workstation": "",
        "title": "关于校园周边交通安全的建议",
        "content": "上下学高峰拥堵。",
        "submitted_on": "2025-03-10",
        "submitters": [m.pk for m in submitters],
        "status": OpinionReport.Status.SUBMITTED,
        "leader_comment": "",
    }
    data.update(changes)
    return data


def assert_field_error(response, field: str, message: str | None = None) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        with translation.override("zh-hans"):
            assert escape(gettext(message)) in response.content.decode()


def test_it_lets_staff_create_edit_and_delete(staff_client, group_a, member_a, leader_member, station_a):
    data = form_data(group_a, [member_a, leader_member], workstation=station_a.pk)
    response = staff_client.post(reverse("opinionreport_create"), data)

    report = OpinionReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opinionreport_detail", args=[report.pk])
    assert (report.committee, report.group, report.workstation) == (group_a.committee, group_a, station_a)
    assert set(report.submitters.all()) == {member_a, leader_member}

    data = form_data(
        group_a,
        [member_a],
        title="改后的标题",
        status=OpinionReport.Status.ADOPTED_CITY,
        adopted_on="2025-04-01",
        adopted_by="government",
    )
    response = staff_client.post(reverse("opinionreport_edit", args=[report.pk]), data)
    report.refresh_from_db()
    assert response.status_code == 302
    assert report.title == "改后的标题"
    assert report.status == OpinionReport.Status.ADOPTED_CITY
    assert report.workstation is None
    assert list(report.submitters.all()) == [member_a]

    page = staff_client.get(reverse("opinionreport_detail", args=[report.pk])).content.decode()
    assert "改后的标题" in page and "李委员" in page

    response = staff_client.post(reverse("opinionreport_delete", args=[report.pk]))
    assert response.status_code == 302
    assert not OpinionReport.objects.exists()


def test_it_lets_a_leader_record_for_their_own_group(leader_client, group_a, member_a, station_a):
    form = leader_client.get(reverse("opinionreport_create")).context["form"]
    assert form.fields["group"].widget.is_hidden
    assert list(form.fields["group"].queryset) == [group_a]

    response = leader_client.post(reverse("opinionreport_create"), form_data(group_a, [member_a]))
    report = OpinionReport.objects.get()
    assert response.status_code == 302
    assert report.group == group_a

    leader_client.post(reverse("opinionreport_edit", args=[report.pk]), form_data(group_a, [member_a], title="新"))
    report.refresh_from_db()
    assert report.title == "新"

    leader_client.post(reverse("opinionreport_delete", args=[report.pk]))
    assert not OpinionReport.objects.exists()


def test_it_rejects_another_group_posted_by_a_leader(leader_client, group_b, member_b):
    response = leader_client.post(reverse("opinionreport_create"), form_data(group_b, [member_b]))

    assert_field_error(response, "group")
    assert not OpinionReport.objects.exists()


def test_it_hides_other_groups_reports_from_a_leader(leader_client, group_b, member_b):
    report = make_report(group_b, [member_b], title="医卫的信息")

    for name in ("opinionreport_detail", "opinionreport_edit", "opinionreport_delete"):
        assert leader_client.get(reverse(name, args=[report.pk])).status_code == 404
    edit = leader_client.post(reverse("opinionreport_edit", args=[report.pk]), form_data(group_b, [member_b]))
    delete = leader_client.post(reverse("opinionreport_delete", args=[report.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    report.refresh_from_db()
    assert report.title == "医卫的信息"
    assert "医卫的信息" not in leader_client.get(reverse("opinionreport_list")).content.decode()


def test_it_lets_the_chairman_read_but_not_write(chairman_client, group_a, member_a):
    report = make_report(group_a, [member_a])

    assert report.title in chairman_client.get(reverse("opinionreport_list")).content.decode()
    detail = chairman_client.get(reverse("opinionreport_detail", args=[report.pk])).content.decode()
    assert reverse("opinionreport_edit", args=[report.pk]) not in detail
    for url in (
        reverse("opinionreport_create"),
        reverse("opinionreport_edit", args=[report.pk]),
        reverse("opinionreport_delete", args=[report.pk]),
    ):
        assert chairman_client.get(url).status_code == 403
        assert chairman_client.post(url, form_data(group_a, [member_a], title="主席改的")).status_code == 403

    assert list(OpinionReport.objects.values_list("title", flat=True)) == [report.title]


def test_it_sends_anonymous_users_to_login(clients, group_a, member_a):
    report = make_report(group_a, [member_a])

    for url in (reverse("opinionreport_list"), reverse("opinionreport_detail", args=[report.pk])):
        response = clients["anonymous"].get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    clients["anonymous"].post(reverse("opinionreport_create"), form_data(group_a, [member_a]))
    assert OpinionReport.objects.count() == 1


def test_it_explains_bad_input_and_keeps_what_was_typed(staff_client, group_a, member_a, member_b, station_b):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("opinionreport_create")

    future = staff_client.post(url, form_data(group_a, [member_a], submitted_on=tomorrow.isoformat()))
    assert_field_error(future, "submitted_on", "This date is in the future.")
    assert "关于校园周边交通安全的建议" in future.content.decode()

    outsider = staff_client.post(url, form_data(group_a, [member_b]))
    assert_field_error(outsider, "submitters")
    assert "赵委员" in outsider.context["form"].errors["submitters"][0]

    wrong_station = staff_client.post(url, form_data(group_a, [member_a], workstation=station_b.pk))
    assert_field_error(wrong_station, "workstation", "This workstation belongs to another group.")

    missing = staff_client.post(url, form_data(group_a, [], title=""))
    assert_field_error(missing, "title")
    assert_field_error(missing, "submitters")

    assert not OpinionReport.objects.exists()


def test_it_filters_the_list(staff_client, group_a, group_b, member_a, member_b):
    make_report(group_a, [member_a], title="民盟二五年")
    make_report(group_a, [member_a], title="民盟二四年", day=datetime.date(2024, 5, 1))
    make_report(group_b, [member_b], title="医卫采用", status=OpinionReport.Status.ADOPTED_PROVINCE)

    def titles(**params) -> set[str]:
        response = staff_client.get(reverse("opinionreport_list"), params)
        return {row.record.title for row in response.context["rows"]}

    assert titles() == {"民盟二五年", "民盟二四年", "医卫采用"}
    assert titles(group=group_a.pk) == {"民盟二五年", "民盟二四年"}
    assert titles(year=2024) == {"民盟二四年"}
    assert titles(choice=OpinionReport.Status.ADOPTED_PROVINCE) == {"医卫采用"}
    assert titles(q="二五") == {"民盟二五年"}


def test_the_list_links_the_title_and_shortens_long_cells_to_80_characters(staff_client, group_a):
    many = [make_member(group_a, f"第{n:02d}位提交委员") for n in range(12)]  # 12 × 7 + 11 、 = 95 characters
    long_title = "关于" + "加快" * 50 + "的建议"
    report = make_report(group_a, many, title=long_title)

    response = staff_client.get(reverse("opinionreport_list"))

    row = response.context["rows"][0]
    assert row.record == report and row.url == reverse("opinionreport_detail", args=[report.pk])
    assert row.title == long_title  # the link keeps the whole title
    submitters = next(text for text in row.cells if "第00位提交委员" in text)
    assert len(submitters) == 80 and submitters.endswith("…")
    html = response.content.decode()
    assert f'<a href="{row.url}">{long_title}</a>' in html and f"<td>{submitters}</td>" in html


def test_a_refused_filter_is_marked_and_explained_next_to_its_control(staff_client, group_a):
    make_report(group_a, [], title="民盟二五年")

    with translation.override("zh-hans"):
        response = staff_client.get(reverse("opinionreport_list"), {"year": "二〇二五", "group": group_a.pk})

    html = response.content.decode()
    assert {row.record.title for row in response.context["rows"]} == {"民盟二五年"}  # the valid filter still applies
    year_input = next(tag for tag in html.split("<input") if 'name="year"' in tag)
    assert "is-invalid" in year_input and 'aria-describedby="id_year_error"' in year_input
    assert '<div id="id_year_error" class="invalid-feedback">' in html
    group_select = html.split('<select name="group"', 1)[1].split("</select>", 1)[0]
    assert "is-invalid" not in group_select and f'<option value="{group_a.pk}" selected>' in group_select


def test_it_lists_with_the_same_number_of_queries_for_3_or_20_rows(staff_client, group_a, member_a, station_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("opinionreport_list")).status_code == 200
        return len(queries)

    for n in range(3):
        make_report(group_a, [member_a], title=f"信息{n}", workstation=station_a)
    few = count_queries()
    for n in range(17):
        make_report(group_a, [member_a], title=f"更多{n}", workstation=station_a)
    assert count_queries() == few


def test_it_paginates_25_a_page(staff_client, group_a, member_a):
    for n in range(27):
        make_report(group_a, [member_a], title=f"信息{n}")

    assert len(staff_client.get(reverse("opinionreport_list")).context["rows"]) == 25
    assert len(staff_client.get(reverse("opinionreport_list"), {"page": 2}).context["rows"]) == 2


def test_it_shows_the_change_history_after_an_edit(staff_client, group_a, member_a):
    staff_client.post(reverse("opinionreport_create"), form_data(group_a, [member_a], title="初稿"))
    report = OpinionReport.objects.get()
    staff_client.post(reverse("opinionreport_edit", args=[report.pk]), form_data(group_a, [member_a], title="定稿"))

    response = staff_client.get(reverse("opinionreport_detail", args=[report.pk]))
    history = response.context["history"]
    # One entry per save: the submitters are recorded in the save's own entry (issue 23).
    assert len(history) == 2
    assert any(old == "初稿" and new == "定稿" for _label, old, new in history[0].changes)
    assert str(history[0].who) == "staff"
    assert "初稿" in response.content.decode()


def test_it_offers_a_leader_only_their_groups_members_and_workstations(
    leader_client, member_a, member_b, station_a, station_b
):
    form = leader_client.get(reverse("opinionreport_create")).context["form"]

    assert member_a in form.fields["submitters"].queryset
    assert member_b not in form.fields["submitters"].queryset
    assert list(form.fields["workstation"].queryset) == [station_a]


@pytest.mark.parametrize("role", [roles.STAFF, roles.ADMIN])
def test_it_shows_add_buttons_to_editors(clients, role, group_a):
    assert reverse("opinionreport_create") in clients[role].get(reverse("opinionreport_list")).content.decode()


def test_it_refuses_the_same_report_twice_and_keeps_what_was_typed(staff_client, group_a, group_b, member_a):
    report = make_report(group_a, [member_a], title="关于校园周边交通安全的建议")

    twice = staff_client.post(reverse("opinionreport_create"), form_data(group_a, [member_a], content="又交了一次"))

    assert_field_error(twice, "title")
    html = twice.content.decode()
    assert "本组在该日期已登记过同一标题的社情民意信息。" in html
    assert "又交了一次" in html
    assert OpinionReport.objects.count() == 1

    # Another day is another report; editing the report itself is no duplicate.
    other_day = staff_client.post(
        reverse("opinionreport_create"), form_data(group_a, [member_a], submitted_on="2025-03-11")
    )
    edit = staff_client.post(
        reverse("opinionreport_edit", args=[report.pk]), form_data(group_a, [member_a], content="补充了内容")
    )
    assert (other_day.status_code, edit.status_code) == (302, 302)
    report.refresh_from_db()
    assert report.content == "补充了内容"
    assert OpinionReport.objects.count() == 2


def test_it_labels_a_member_who_left_without_naming_their_new_group_to_a_leader(
    leader_client, staff_client, group_a, group_b
):
    moved = make_member(group_a, "郑委员", until=datetime.date(2024, 6, 30))
    GroupMembership.objects.create(
        member=moved, group=group_b, role=GroupMembership.Role.DEPUTY, start_date=datetime.date(2024, 7, 1)
    )

    leader_html = leader_client.get(reverse("opinionreport_create")).content.decode()
    staff_html = staff_client.get(reverse("opinionreport_create")).content.decode()

    assert "郑委员（已离开本组）" in leader_html
    assert "医卫" not in leader_html
    assert "郑委员（医卫）" in staff_html


def test_the_list_reads_its_submitters_names_alone(staff_client, group_a, member_a):
    """As the proposals' list: one query of names, no member's personal data, the detail page's order."""
    other = make_member(group_a, "钱委员", mobile="13900000000")
    report = make_report(group_a, [other, member_a])
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("opinionreport_list"))
    member_rows = [q["sql"] for q in queries if '"sectors_member"' in q["sql"]]
    assert len(member_rows) == 1 and '"sectors_member"."mobile"' not in member_rows[0]
    (row,) = response.context["rows"]
    assert row.record.pk == report.pk
    assert row.cells[1] == "、".join(m.name for m in report.submitters.all()) and "钱委员" in row.cells[1]
