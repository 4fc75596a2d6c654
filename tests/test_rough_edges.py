"""The rough edges a new user hit: the joint activity of every group, the calendar
menu, the 亮点 column, the format filter's width, the group multi-select, the
favicon and one log line per refused request."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from portal import roles

from .factories import log_in, make_activity, make_group, make_member, make_user


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


def _menu(client, url: str) -> str:
    page = client.get(url).content.decode()
    return page.split('id="mainnav"', 1)[1].split('class="d-flex me-2 portal-language"', 1)[0]


def test_the_menu_kept_from_one_page_to_the_next_follows_role_group_page_and_language(
    clients, committee, group_a, group_b, settings
):
    """The menu is rendered once per role, group, page and language (fragment_once):
    what one user got is never what another should not see."""
    settings.DEBUG = False
    leader_b = make_user(roles.LEADER, group=group_b, username="leader-b")
    other_leader = Client()
    log_in(other_leader, leader_b)
    home = reverse("home")
    for _ in range(2):  # the second time from memory
        ours, theirs = _menu(clients[roles.LEADER], home), _menu(other_leader, home)
        assert reverse("scorecard", args=[group_a.pk]) in ours and reverse("scorecard", args=[group_b.pk]) in theirs
        assert reverse("scorecard", args=[group_b.pk]) not in ours
        staff, admin = _menu(clients[roles.STAFF], home), _menu(clients[roles.ADMIN], home)
        assert reverse("import_index") in staff and reverse("audit_log") not in staff
        assert reverse("audit_log") in admin
        assert f'href="{reverse("import_index")}"' not in ours and f'href="{reverse("committee_points")}"' not in ours
        assert f'nav-link active" href="{home}"' in staff
        assert f'nav-link active" href="{reverse("dashboard")}"' in _menu(clients[roles.STAFF], reverse("dashboard"))
        assert f'nav-link active" href="{home}"' not in _menu(clients[roles.STAFF], reverse("dashboard"))
    assert "首页" in staff
    clients[roles.STAFF].post(reverse("set_language"), {"language": "en", "next": home})
    english = _menu(clients[roles.STAFF], home)
    assert "Home" in english and "首页" not in english
    assert "首页" in _menu(clients[roles.CHAIRMAN], home)


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
