"""The landing page shows this year's work in the user's scope."""

import datetime

import pytest
from django.utils import timezone

from activities.carriers import ActivityKind
from portal import roles

from .factories import make_activity, make_member


@pytest.fixture
def this_year(group_a, group_b):
    today = timezone.localdate()
    day = datetime.date(today.year, 1, 1)
    a, b = make_member(group_a, "甲委员"), make_member(group_b, "乙委员")
    make_activity([group_a], date=day, title="民盟学习会", attendees=[a], other_participants=4)
    make_activity([group_b], kind=ActivityKind.CONSULTATION, date=day, title="医卫协商会", attendees=[b])
    make_activity([group_a], date=today + datetime.timedelta(days=30), title="计划中的学习会", status="planned")


def _figures(response) -> tuple[int, int]:
    return response.context["activity_count"], response.context["participant_times"]


@pytest.mark.parametrize("role", [roles.STAFF, roles.CHAIRMAN, roles.ADMIN])
def test_it_shows_every_groups_work_to_committee_wide_roles(role, clients, this_year):
    response = clients[role].get("/")
    page = response.content.decode()
    assert _figures(response) == (2, 6)
    assert "民盟学习会" in page and "医卫协商会" in page
    assert "计划中的学习会" not in page  # latest activities are held ones


def test_it_shows_a_group_leader_only_their_groups_work(leader_client, this_year):
    response = leader_client.get("/")
    page = response.content.decode()
    assert _figures(response) == (1, 5)
    assert "民盟学习会" in page
    assert "医卫协商会" not in page


def test_it_offers_recording_only_to_roles_that_may_write(clients, this_year):
    assert "/activities/new/" in clients[roles.STAFF].get("/").content.decode()
    assert "/activities/new/" not in clients[roles.CHAIRMAN].get("/").content.decode()


def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_six_carriers(staff_client, this_year):
    carriers = staff_client.get("/").context["carriers"]
    assert [figure.carrier for figure in carriers] == [
        "study_day",
        "workstation",
        "consultation",
        "activity_month",
        "e_network",
        "duty_report",
    ]
    assert carriers[0].value == 1 and carriers[2].value == 1
