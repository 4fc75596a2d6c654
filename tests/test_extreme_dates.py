"""Extreme dates and years in the filters: a clear Chinese message or an empty list, never a 500."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from portal import roles
from sectors.audit import events as audit

from .factories import make_activity

EXTREMES = [
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    {"year": "0", "month": "0"},
    {"year": "1", "month": "1"},
    {"year": "9999", "month": "12"},
    {"year": "-1", "month": "13"},
    {"year": "99999999999999999999", "month": "99999999999999"},
    {"month": "0001-01", "period": "0001"},
    {"month": "9999-12", "period": "9999-12"},
]
LISTS = [
    "activity_list",
    "activity_export",
    "activity_calendar",
    "scorecard_list",
    "contact_list",
    "contact_export",
    "proposal_list",
    "opinionreport_list",
    "dutyreport_list",
    "document_list",
    "member_list",
]


@pytest.mark.parametrize("name", LISTS)
def test_it_never_fails_on_extreme_dates_in_a_list(clients, group_a, name):
    make_activity([group_a], title="学习会")
    for params in EXTREMES:
        for role in (roles.STAFF, roles.LEADER):
            response = clients[role].get(reverse(name), params)
            assert response.status_code in (200, 302, 403), (params, role, response.status_code)


@pytest.mark.parametrize("name", ["scorecard", "scorecard_xlsx", "group_detail"])
def test_it_never_fails_on_extreme_years_on_a_groups_pages(clients, group_a, name):
    for year in ("0", "1", "9999", "-5", "99999999999999999999"):
        response = clients[roles.STAFF].get(reverse(name, args=[group_a.pk]), {"year": year})
        assert response.status_code == 200, (year, response.status_code)


@pytest.mark.parametrize("export", [False, True])
def test_it_reads_the_first_and_last_possible_dates_of_the_audit_filter_as_no_bound(clients, users, export):
    audit.record(action=audit.Action.LOGIN, user=users[roles.ADMIN])
    params = {"date_from": "0001-01-01", "date_to": "9999-12-31"} | ({"format": "xlsx"} if export else {})
    response = clients[roles.ADMIN].get(reverse("audit_log"), params)
    assert response.status_code == 200
    if export:
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
        assert any("admin" in row for row in rows)
    else:
        assert response.context["page_obj"].paginator.count >= 1
        assert "invalid-feedback" not in response.content.decode()
