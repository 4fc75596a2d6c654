"""The year everywhere: the home page's year selector and the activity list's year filter."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.carriers import ActivityKind
from portal import roles

from .factories import make_activity, make_member


@pytest.fixture
def two_years(settings, group_a, group_b):
    settings.PORTAL_TODAY = "2025-11-20"
    a, b = make_member(group_a, "甲委员"), make_member(group_b, "乙委员")
    # Duty-report meetings are held in December: in November this year's card shows none yet.
    make_activity(
        [group_a], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2024, 12, 10), title="民盟述职会", attendees=[a]
    )
    make_activity(
        [group_b], kind=ActivityKind.DUTY_REPORT, date=datetime.date(2024, 12, 12), title="医卫述职会", attendees=[b]
    )
    make_activity([group_a], date=datetime.date(2025, 3, 1), title="民盟今年学习会", attendees=[a])


def _carrier(response, code: str) -> int:
    return next(figure.value for figure in response.context["carriers"] if figure.carrier == code)


@pytest.mark.parametrize("role", [roles.STAFF, roles.CHAIRMAN, roles.ADMIN])
def test_it_shows_last_years_duty_reports_on_the_home_page(clients, two_years, role):
    this_year = clients[role].get(reverse("home"))
    assert this_year.context["year"] == 2025
    assert _carrier(this_year, "duty_report") == 0
    last_year = clients[role].get(reverse("home"), {"year": 2024})
    page = last_year.content.decode()
    assert last_year.context["activity_count"] == 2
    assert "2024年界别工作" in page
    assert "民盟述职会" in page and "医卫述职会" in page and "民盟今年学习会" not in page
    assert '<option value="2024" selected>' in page and "data-autosubmit" in page


def test_it_keeps_a_leader_to_their_group_in_another_year(leader_client, two_years):
    response = leader_client.get(reverse("home"), {"year": 2024})
    page = response.content.decode()
    assert response.context["activity_count"] == 1
    assert "民盟述职会" in page and "医卫述职会" not in page


def test_it_falls_back_to_this_year_for_a_nonsense_year(staff_client, two_years):
    for wrong in ("abc", "99999", "1800"):
        assert staff_client.get(reverse("home"), {"year": wrong}).context["year"] == 2025


def test_it_filters_the_activity_list_by_year(staff_client, two_years):
    def titles(params):
        response = staff_client.get(reverse("activity_list"), params)
        return sorted(a.title for a in response.context["activities"])

    assert titles({"year": "2024"}) == ["医卫述职会", "民盟述职会"]
    assert titles({"year": "2025"}) == ["民盟今年学习会"]
    assert titles({"year": "2024", "month": "2024-12", "kind": ActivityKind.DUTY_REPORT}) == [
        "医卫述职会",
        "民盟述职会",
    ]
    assert len(titles({})) == 3


def test_it_explains_a_month_outside_the_chosen_year(staff_client, two_years):
    response = staff_client.get(reverse("activity_list"), {"year": "2025", "month": "2024-12"})
    assert "所选月份不在所选年份内。" in response.content.decode()


def test_it_offers_the_years_since_the_168_model(staff_client, two_years):
    page = staff_client.get(reverse("activity_list")).content.decode()
    assert '<option value="2025">2025</option>' in page and '<option value="2019">2019</option>' in page
    assert '<option value="2018">' not in page
    assert "全部年份" in page
