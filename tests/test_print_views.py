"""A4 print views of a member's duty record (履职档案) and of a group page: no
navigation, the committee and the period in the header, page breaks between
sections, print CSS and JS from static files (no inline style or script)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from portal import roles

from .factories import make_activity, make_member, valid_id_card

ID_CARD = valid_id_card(birth="19750512", serial="123")
MOBILE = "13812345678"


@pytest.fixture
def li(group_a):
    return make_member(group_a, "李委员", mobile=MOBILE, id_card=ID_CARD, birth_date=datetime.date(1975, 5, 12))


@pytest.fixture
def qian(group_b):
    return make_member(group_b, "钱委员")


@pytest.fixture
def year_of_work(group_a, group_b, li, qian):
    make_activity([group_a], date=datetime.date(2025, 3, 1), title="民盟三月学习会", attendees=[li])
    make_activity([group_b], date=datetime.date(2025, 3, 1), title="医卫三月学习会", attendees=[qian])
    make_activity([group_a], date=datetime.date(2024, 3, 1), title="去年的学习会", attendees=[li])


def assert_print_page(page: str) -> None:
    assert "温州市政协" in page
    assert "期间：2025年（1月1日至12月31日）" in page
    assert "/static/css/print.css" in page and "/static/js/print.js" in page
    assert "navbar" not in page  # no navigation
    assert "print-break" in page  # page breaks between sections
    assert not re.search(r"\sstyle=|\son[a-z]+=|<script>", page)  # CSP: no inline style, handler or script


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN])
def test_it_prints_a_members_duty_record(clients, li, year_of_work, role):
    response = clients[role].get(reverse("member_print", args=[li.pk]), {"year": 2025})
    page = response.content.decode()
    assert response.status_code == 200
    assert_print_page(page)
    assert "李委员 2025年度履职档案" in page
    assert "民盟三月学习会" in page and "去年的学习会" not in page
    assert "100.0%" in page


def test_it_masks_personal_data_in_print_for_those_without_the_permission(clients, li):
    url = reverse("member_print", args=[li.pk])
    staff_page = clients[roles.STAFF].get(url, {"year": 2025}).content.decode()
    assert MOBILE in staff_page and ID_CARD in staff_page and "1975-05-12" in staff_page
    for role in (roles.CHAIRMAN, roles.LEADER):
        page = clients[role].get(url, {"year": 2025}).content.decode()
        assert MOBILE not in page and ID_CARD not in page and "1975-05-12" not in page
        assert "138****5678" in page


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER, roles.CHAIRMAN, roles.ADMIN])
def test_it_prints_a_group_page(clients, group_a, year_of_work, role):
    response = clients[role].get(reverse("group_print", args=[group_a.pk]), {"year": 2025})
    page = response.content.decode()
    assert response.status_code == 200
    assert_print_page(page)
    assert "中国民主同盟界别 · 2025年界别工作" in page
    assert "民盟三月学习会" in page and "医卫三月学习会" not in page and "去年的学习会" not in page
    assert "李委员" in page


def test_it_refuses_a_leader_the_print_of_another_group_or_its_member(leader_client, group_b, qian):
    assert leader_client.get(reverse("group_print", args=[group_b.pk])).status_code == 404
    assert leader_client.get(reverse("member_print", args=[qian.pk])).status_code == 404


def test_it_sends_anonymous_users_to_the_login_page(client, group_a, li):
    for url in (reverse("group_print", args=[group_a.pk]), reverse("member_print", args=[li.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_links_the_print_view_from_the_pages_for_the_chosen_year(staff_client, group_a, li):
    group_page = staff_client.get(reverse("group_detail", args=[group_a.pk]), {"year": 2024}).content.decode()
    assert f"{reverse('group_print', args=[group_a.pk])}?year=2024" in group_page
    member_page = staff_client.get(reverse("member_detail", args=[li.pk]), {"year": 2024}).content.decode()
    assert f"{reverse('member_print', args=[li.pk])}?year=2024" in member_page
