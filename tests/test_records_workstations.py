"""Workstations in the browser: /workstations/, with their reports and activities."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import OpinionReport
from sectors.models import Workstation

from .factories import make_activity, make_member

DAY = datetime.date(2023, 6, 1)


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def member_b(group_b):
    return make_member(group_b, "赵委员")


def make_station(group, *, name="同舟驿站", **fields) -> Workstation:
    fields.setdefault("host_kind", Workstation.HostKind.STUDIO)
    fields.setdefault("established_on", DAY)
    return Workstation.objects.create(group=group, name=name, **fields)


def form_data(group, host=None, **changes) -> dict:
    data = {
        "group": group.pk,
        "name": "致公驿站",
        "host_kind": Workstation.HostKind.STUDIO,
        "host_member": host.pk if host else "",
        "address": "鹿城区某路1号",
        "established_on": "2023-06-01",
        "closed_on": "",
        "description": "收集群众意见。",
    }
    data.update(changes)
    return data


def assert_field_error(response, field: str, message: str | None = None) -> None:
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        with translation.override("zh-hans"):
            assert escape(gettext(message)) in response.content.decode()


def test_it_lets_staff_create_edit_and_delete(staff_client, group_a, member_a):
    response = staff_client.post(reverse("workstation_create"), form_data(group_a, member_a))

    station = Workstation.objects.get()
    assert response.status_code == 302
    assert (station.group, station.name, station.host_member, station.is_active) == (
        group_a,
        "致公驿站",
        member_a,
        True,
    )

    data = form_data(group_a, None, name="改名驿站", closed_on="2025-03-01", host_kind=Workstation.HostKind.LEADER_UNIT)
    staff_client.post(reverse("workstation_edit", args=[station.pk]), data)
    station.refresh_from_db()
    assert (station.name, station.is_active, station.closed_on, station.host_member, station.host_kind) == (
        "改名驿站",
        False,
        datetime.date(2025, 3, 1),
        None,
        "leader_unit",
    )

    staff_client.post(reverse("workstation_edit", args=[station.pk]), form_data(group_a, name="改名驿站"))
    station.refresh_from_db()
    assert (station.is_active, station.closed_on) == (True, None)  # reopened

    staff_client.post(reverse("workstation_delete", args=[station.pk]))
    assert not Workstation.objects.exists()


def test_it_lets_a_leader_record_for_their_own_group(leader_client, group_a, leader_member):
    response = leader_client.post(reverse("workstation_create"), form_data(group_a, leader_member))
    station = Workstation.objects.get()
    assert response.status_code == 302
    assert station.group == group_a

    leader_client.post(reverse("workstation_edit", args=[station.pk]), form_data(group_a, name="新名"))
    station.refresh_from_db()
    assert station.name == "新名"

    leader_client.post(reverse("workstation_delete", args=[station.pk]))
    assert not Workstation.objects.exists()


def test_it_rejects_another_group_posted_by_a_leader(leader_client, group_b):
    response = leader_client.post(reverse("workstation_create"), form_data(group_b))

    assert_field_error(response, "group")
    assert not Workstation.objects.exists()


def test_it_hides_other_groups_workstations_from_a_leader(leader_client, group_b):
    station = make_station(group_b, name="医卫驿站")

    for name in ("workstation_detail", "workstation_edit", "workstation_delete"):
        assert leader_client.get(reverse(name, args=[station.pk])).status_code == 404
    edit = leader_client.post(reverse("workstation_edit", args=[station.pk]), form_data(group_b, name="被改"))
    delete = leader_client.post(reverse("workstation_delete", args=[station.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    station.refresh_from_db()
    assert station.name == "医卫驿站"
    assert "医卫驿站" not in leader_client.get(reverse("workstation_list")).content.decode()


def test_it_lets_the_chairman_read_but_not_write(chairman_client, group_a):
    station = make_station(group_a)

    detail = chairman_client.get(reverse("workstation_detail", args=[station.pk])).content.decode()
    assert "同舟驿站" in detail and reverse("workstation_edit", args=[station.pk]) not in detail
    for url in (
        reverse("workstation_create"),
        reverse("workstation_edit", args=[station.pk]),
        reverse("workstation_delete", args=[station.pk]),
    ):
        assert chairman_client.get(url).status_code == 403
        assert chairman_client.post(url, form_data(group_a, name="主席改的")).status_code == 403

    assert list(Workstation.objects.values_list("name", flat=True)) == ["同舟驿站"]


def test_it_sends_anonymous_users_to_login(clients, group_a):
    station = make_station(group_a)

    for url in (reverse("workstation_list"), reverse("workstation_detail", args=[station.pk])):
        assert clients["anonymous"].get(url)["Location"].startswith(reverse("login"))
    clients["anonymous"].post(reverse("workstation_create"), form_data(group_a, name="匿名的"))
    assert Workstation.objects.count() == 1


def test_it_explains_bad_input_and_keeps_what_was_typed(staff_client, group_a, member_b):
    make_station(group_a, name="同舟驿站")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("workstation_create")

    future = staff_client.post(url, form_data(group_a, established_on=tomorrow.isoformat()))
    assert_field_error(future, "established_on", "This date is in the future.")
    assert "鹿城区某路1号" in future.content.decode()

    duplicate = staff_client.post(url, form_data(group_a, name="同舟驿站"))
    assert_field_error(duplicate, "name", "This group already has a workstation of this name.")

    outsider = staff_client.post(url, form_data(group_a, member_b))
    assert_field_error(outsider, "host_member")

    missing = staff_client.post(url, form_data(group_a, name="", host_kind=""))
    assert_field_error(missing, "name")
    assert_field_error(missing, "host_kind")

    early = staff_client.post(url, form_data(group_a, closed_on="2023-05-31"))
    assert_field_error(early, "closed_on", "A station cannot close before it was set up.")
    later = staff_client.post(url, form_data(group_a, closed_on=tomorrow.isoformat()))
    assert_field_error(later, "closed_on", "This date is in the future.")
    garbled = staff_client.post(url, form_data(group_a, closed_on="2023-13-45"))
    assert_field_error(garbled, "closed_on")

    assert Workstation.objects.count() == 1


def test_it_dates_a_station_switched_off_without_a_date(group_a, settings):
    settings.PORTAL_TODAY = "2026-02-03"
    station = make_station(group_a)
    station.is_active = False
    station.save(update_fields=["is_active"])
    station.refresh_from_db()
    assert (station.is_active, station.closed_on) == (False, datetime.date(2026, 2, 3))


def test_it_allows_the_same_name_in_another_group(staff_client, group_a, group_b):
    make_station(group_a, name="同舟驿站")

    assert staff_client.post(reverse("workstation_create"), form_data(group_b, name="同舟驿站")).status_code == 302
    assert Workstation.objects.filter(name="同舟驿站").count() == 2


def test_it_shows_the_workstations_reports_and_activities(staff_client, group_a, member_a):
    station = make_station(group_a)
    report = OpinionReport.objects.create(
        committee=group_a.committee, group=group_a, workstation=station, title="驿站收集的信息", submitted_on=DAY
    )
    report.submitters.set([member_a])
    make_activity([group_a], kind=ActivityKind.CONSTITUENT_CONTACT, title="驿站接待日", workstation=station)
    make_activity([group_a], title="别处的活动")

    page = staff_client.get(reverse("workstation_detail", args=[station.pk])).content.decode()

    assert "驿站收集的信息" in page and "李委员" in page and "驿站接待日" in page
    assert "别处的活动" not in page
    assert reverse("opinionreport_detail", args=[report.pk]) in page


def test_it_filters_the_list(staff_client, group_a, group_b):
    make_station(group_a, name="民盟工作室")
    make_station(group_a, name="民盟单位站", host_kind=Workstation.HostKind.LEADER_UNIT)
    make_station(group_b, name="医卫驿站", established_on=datetime.date(2022, 3, 1))

    def names(**params) -> set[str]:
        response = staff_client.get(reverse("workstation_list"), params)
        return {row.record.name for row in response.context["rows"]}

    assert names() == {"民盟工作室", "民盟单位站", "医卫驿站"}
    assert names(group=group_a.pk) == {"民盟工作室", "民盟单位站"}
    assert names(year=2022) == {"医卫驿站"}
    assert names(choice=Workstation.HostKind.LEADER_UNIT) == {"民盟单位站"}
    assert names(q="工作室") == {"民盟工作室"}


def test_it_lists_with_the_same_number_of_queries_for_3_or_20_rows(staff_client, group_a, member_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("workstation_list")).status_code == 200
        return len(queries)

    for n in range(3):
        make_station(group_a, name=f"驿站{n}", host_member=member_a)
    few = count_queries()
    for n in range(17):
        make_station(group_a, name=f"更多{n}", host_member=member_a)
    assert count_queries() == few


def test_it_shows_the_change_history_after_an_edit(staff_client, group_a):
    station = make_station(group_a, name="初名")
    staff_client.post(reverse("workstation_edit", args=[station.pk]), form_data(group_a, name="定名"))

    response = staff_client.get(reverse("workstation_detail", args=[station.pk]))
    newest = response.context["history"][0]
    assert str(newest.who) == "staff"
    assert any(old == "初名" and new == "定名" for _label, old, new in newest.changes)


def test_the_migration_dates_stations_switched_off_before_closing_dates_existed(group_a):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("sectors.migrations.0005_workstation_closed_on")
    station = make_station(group_a, established_on=datetime.date(2020, 1, 1))
    Workstation.objects.filter(pk=station.pk).update(is_active=False)  # as an old row: no date
    history = station.history.first()
    history.pk = None
    history.history_date = timezone.make_aware(datetime.datetime(2024, 7, 1, 10, 0))
    history.is_active = False
    history.history_type = "~"
    history.save()

    migration.date_closed_stations(apps, None)

    station.refresh_from_db()
    assert (station.is_active, station.closed_on) == (False, datetime.date(2024, 7, 1))
