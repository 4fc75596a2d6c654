"""The rough edges a new user hit: the joint activity of every group, the calendar
menu, the 亮点 column, the format filter's width, the group multi-select, the
favicon and one log line per refused request."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.urls import reverse

from portal import roles

from .factories import make_activity, make_group, make_member


@pytest.fixture
def all_groups(committee, group_a, group_b):
    """29 groups, as in Wenzhou."""
    return [group_a, group_b, *(make_group(committee, f"第{n}界别", f"组{n}", order=30 + n) for n in range(27))]


def test_it_names_a_joint_activity_of_every_group_as_all_groups(staff_client, all_groups, group_a):
    member = make_member(group_a, "李委员")
    make_activity(all_groups, date=datetime.date(2025, 12, 1), title="全体界别联合协商会", attendees=[member])
    make_activity(all_groups[:5], date=datetime.date(2025, 11, 1), title="五组联合调研", attendees=[member])
    make_activity(all_groups[:2], date=datetime.date(2025, 10, 1), title="两组联合学习", attendees=[member])
    page = staff_client.get(reverse("member_detail", args=[member.pk]), {"year": 2025}).content.decode()
    table = page.split('id="attendance"', 1)[1].split("</table>", 1)[0]
    assert ">全部界别</span>" in table
    assert ">5 个界别</span>" in table
    assert "民盟、医卫" in table  # two groups are named
    assert 'title="民盟、医卫、组0、组1、组2"' in table  # the names on hover
    assert "组26" not in table.split("全部界别")[1]  # 29 names are not printed in the cell


def test_it_highlights_only_the_calendar_in_the_menu(staff_client):
    page = staff_client.get(reverse("activity_calendar")).content.decode()
    nav = page.split('id="mainnav"', 1)[1].split("</ul>", 1)[0]
    assert f'nav-link active" href="{reverse("activity_calendar")}"' in nav
    assert f'nav-link active" href="{reverse("activity_list")}"' not in nav
    page = staff_client.get(reverse("activity_list")).content.decode()
    assert f'nav-link active" href="{reverse("activity_list")}"' in page


def test_it_marks_highlights_instead_of_an_empty_column(staff_client, group_a):
    make_activity([group_a], title="亮点活动", is_highlight=True)
    make_activity([group_a], title="普通活动")
    page = staff_client.get(reverse("activity_list")).content.decode()
    assert "<th>亮点</th>" not in page
    assert page.count("data-highlight-mark") == 1


def test_it_gives_the_format_filter_room_for_its_longest_choice(staff_client):
    page = staff_client.get(reverse("activity_list")).content.decode()
    assert "col-md-1" not in page.split("activity-filters", 1)[1].split("</form>", 1)[0]
    assert "全部形式" in page


def test_it_offers_staff_one_searchable_group_select(staff_client, all_groups):
    page = staff_client.get(reverse("activity_create")).content.decode()
    assert '<select name="groups"' in page and "data-searchable" in page and "multiple" in page
    assert not re.search(r'type="checkbox"[^>]*name="groups"', page)
    assert page.count('<option value="') >= 29


def test_it_keeps_the_leaders_own_group_fixed(leader_client, group_a):
    page = leader_client.get(reverse("activity_create")).content.decode()
    assert re.search(rf'<input type="checkbox"[^>]*name="groups" value="{group_a.pk}"[^>]*checked', page)
    assert '<select name="groups"' not in page


def test_it_serves_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/static/favicon.svg")
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page


@pytest.mark.parametrize(
    ("role", "url", "status"), [(roles.CHAIRMAN, "/activities/new/", 403), (roles.STAFF, "/activities/999999/", 404)]
)
def test_it_logs_no_warning_or_traceback_for_a_refusal(clients, caplog, role, url, status):
    with caplog.at_level(logging.DEBUG):
        assert clients[role].get(url).status_code == status
    assert not [record for record in caplog.records if record.name == "django.request"]
