"""Personal data (PIPL): a masked ID-card number cannot be rebuilt from what
a user without the permission can reach, and a group leader sees nothing of
another group's members; full numbers shown to staff are recorded; pages
with personal data are never cached."""

from __future__ import annotations

import datetime
import io
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from portal import roles
from sectors.models import AuditEvent, Member
from sectors.roster.resources import MEMBER_COLUMNS

from .factories import log_in, make_member, make_user, valid_id_card
from .test_access_walk import _rows_for, _url, _walked

BIRTH = datetime.date(1975, 5, 6)
EARLIER_BIRTH = datetime.date(1969, 11, 23)  # a typo corrected later: kept in the history


def birth_date_forms(day: datetime.date) -> set[str]:
    """Every way a page or a sheet could spell a full birth date."""
    return {
        f"{day:%Y-%m-%d}",
        f"{day:%Y%m%d}",
        f"{day:%Y/%m/%d}",
        f"{day:%Y.%m.%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}/{day.month}/{day.day}",
    }


def _give_personal_data(member: Member, serial: str) -> None:
    member.birth_date = EARLIER_BIRTH
    member.save()
    member.id_card = valid_id_card(birth=f"{BIRTH:%Y%m%d}", serial=serial)
    member.mobile = f"139{int(serial):08d}"
    member.birth_date = BIRTH
    member.save()  # the history now holds both birth dates


@pytest.fixture
def world(group_a, group_b, leader_member):
    own, other = _rows_for(group_a, "A"), _rows_for(group_b, "B")
    extra_a = make_member(group_a, "甲隐私")
    extra_b = make_member(group_b, "乙隐私")
    for serial, member in enumerate(Member.objects.all(), start=101):
        _give_personal_data(member, str(serial))
    leader_b = make_user(roles.LEADER, group=group_b, username="leader_b")
    return {
        "own": own,
        "other": other,
        "names_a": {"王组长", "成员A", extra_a.name},
        "names_b": {"成员B", extra_b.name},
        "leader_b": leader_b,
    }


def admin_export(client: Client):
    fields = {f"memberresource_{name}": "on" for name in MEMBER_COLUMNS}
    return client.post(reverse("admin:sectors_member_export"), {"format": "0", "resource": "0", **fields})


def _text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body))
        return "\n".join(
            " ".join("" if value is None else str(value) for value in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8", errors="replace")


_SKIP = ("/static/", "/i18n/", "/accounts/logout/")


def crawl(client: Client, starts: list[str], limit: int = 700, variants_per_path: int = 4) -> dict[str, str]:
    """GET every start URL and every same-site link found, breadth first: the
    text of every page, export and download a user can reach by clicking."""
    texts: dict[str, str] = {}
    per_path: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(texts) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in texts or path.startswith(_SKIP) or per_path.get(path, 0) >= variants_per_path:
            continue
        per_path[path] = per_path.get(path, 0) + 1
        response = client.get(url)
        texts[url] = _text_of(response)
        if "text/html" in response.get("Content-Type", ""):
            for href in re.findall(r'href="([^"#]*)"', texts[url]):
                target = urljoin(url, unescape(href))
                parts = urlsplit(target)
                if parts.netloc in ("", "testserver") and target.startswith(("/", "http://testserver")):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return texts


def _start_urls(rows: dict[str, int]) -> list[str]:
    return [_url(pattern, namespace, rows) for pattern, namespace in _walked()] + ["/admin/", "/no-such-page/"]


def _leaks(texts: dict[str, str], members, forbidden_names: set[str] = frozenset()) -> list[str]:
    found = []
    for url, text in texts.items():
        for member in members:
            if member.id_card and member.id_card in text:
                found.append(f"{url}: full ID-card number of {member.name}")
            if member.mobile and member.mobile in text:
                found.append(f"{url}: full mobile of {member.name}")
            for day in (BIRTH, EARLIER_BIRTH):
                for spelled in birth_date_forms(day):
                    if spelled in text:
                        found.append(f"{url}: birth date {spelled} of {member.name}")
        found += [f"{url}: another group's member {name}" for name in forbidden_names if name in text]
    return found


@pytest.mark.parametrize("role", [roles.LEADER, roles.CHAIRMAN])
def test_it_leaves_nothing_that_rebuilds_a_masked_id_card(role, clients, world):
    texts = crawl(clients[role], _start_urls(world["own"]))

    member = Member.objects.get(name="成员A")
    assert any(member.masked_id_card in text for text in texts.values()), "the walk reached no member page"
    assert any(url.startswith(f"/members/{member.pk}/") for url in texts)
    assert _leaks(texts, Member.objects.all()) == []


def test_it_shows_a_group_leader_nothing_of_another_groups_members(clients, world):
    leader_b = Client()
    log_in(leader_b, world["leader_b"])

    texts_b = crawl(leader_b, _start_urls(world["other"]))
    texts_a = crawl(clients[roles.LEADER], _start_urls(world["own"]))

    assert any("成员B" in text for text in texts_b.values()), "group B's leader did not reach their own members"
    assert _leaks(texts_b, Member.objects.all(), world["names_a"]) == []
    assert _leaks(texts_a, Member.objects.all(), world["names_b"]) == []


def test_it_shows_the_birth_year_to_users_without_the_permission(clients, group_a):
    member = make_member(group_a, "年份委员", birth_date=BIRTH, id_card=valid_id_card(birth=f"{BIRTH:%Y%m%d}"))
    url = reverse("member_detail", args=[member.pk])

    for role in (roles.LEADER, roles.CHAIRMAN):
        page = clients[role].get(url).content.decode()
        assert "出生年份" in page and "1975" in page
        assert not birth_date_forms(BIRTH) & {s for s in birth_date_forms(BIRTH) if s in page}
    staff_page = clients[roles.STAFF].get(url).content.decode()
    assert "1975-05-06" in staff_page and member.id_card in staff_page


def test_it_shows_birth_date_changes_as_years_in_the_history(clients, group_a):
    member = make_member(group_a, "改生日", birth_date=EARLIER_BIRTH)
    member.birth_date = BIRTH
    member.save()
    url = reverse("member_detail", args=[member.pk])

    changes = [c for row in clients[roles.CHAIRMAN].get(url).context["history"] for c in row.changes]
    assert ("出生日期", "1969", "1975") in changes
    staff_changes = [c for row in clients[roles.STAFF].get(url).context["history"] for c in row.changes]
    assert ("出生日期", "1969-11-23", "1975-05-06") in staff_changes


@pytest.fixture
def viewer(db):
    """A Django admin user who may read members but not their personal data."""
    from django.contrib.auth.models import Permission

    from sectors.models import User

    user = User.objects.create_user(username="viewer", password="pw-for-tests-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_member"]))
    client = Client()
    log_in(client, user)
    return client


def test_it_gives_the_birth_year_only_in_admin_pages_and_exports(viewer, group_a):
    member = make_member(group_a, "后台委员", birth_date=BIRTH, id_card=valid_id_card(birth=f"{BIRTH:%Y%m%d}"))

    page = viewer.get(reverse("admin:sectors_member_change", args=[member.pk])).content.decode()
    export = admin_export(viewer)
    history = viewer.get(reverse("admin:sectors_member_history", args=[member.pk]))

    assert "1975" in page and not any(s in page for s in birth_date_forms(BIRTH))
    text = _text_of(export)
    assert "后台委员" in text and "1975" in text and not any(s in text for s in birth_date_forms(BIRTH))
    assert history.status_code == 403


# --- who saw full numbers ------------------------------------------------------------------------


def test_it_records_who_saw_a_members_full_numbers(clients, users, group_a):
    member = make_member(group_a, "看号码", id_card=valid_id_card(), mobile="13912345678")
    url = reverse("member_detail", args=[member.pk])

    clients[roles.STAFF].get(url)
    clients[roles.LEADER].get(url)
    clients[roles.CHAIRMAN].get(url)

    events = AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA)
    assert [(e.user, e.model, e.object_id, e.where) for e in events] == [
        (users[roles.STAFF], "sectors.member", str(member.pk), url)
    ]
    assert events.get().when is not None


def test_it_records_full_numbers_in_lists_forms_and_admin_exports(clients, users, group_a):
    member = make_member(group_a, "列表号码", id_card=valid_id_card(), mobile="13912345679")

    clients[roles.STAFF].get(reverse("member_list"))
    clients[roles.STAFF].get(reverse("member_edit", args=[member.pk]))
    admin = clients[roles.ADMIN]
    admin.get(reverse("admin:sectors_member_changelist"))
    admin_export(admin)

    events = AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA).order_by("id")
    assert [(e.user.username, e.where.split("?")[0]) for e in events] == [
        ("staff", reverse("member_list")),
        ("staff", reverse("member_edit", args=[member.pk])),
        ("admin", reverse("admin:sectors_member_changelist")),
        ("admin", reverse("admin:sectors_member_export")),
    ]
    assert all(str(member.pk) in e.detail.split(",") for e in events)


def test_it_shows_the_personal_data_log_to_administrators_only(clients, group_a):
    member = make_member(group_a, "日志委员", id_card=valid_id_card())
    clients[roles.STAFF].get(reverse("member_detail", args=[member.pk]))
    url = f"{reverse('audit_log')}?action=personal_data"

    page = clients[roles.ADMIN].get(url)

    assert page.status_code == 200
    assert "个人信息" in page.content.decode() and "staff" in page.content.decode()
    for role in (roles.STAFF, roles.LEADER, roles.CHAIRMAN):
        assert clients[role].get(url).status_code == 403
    assert clients["anonymous"].get(url).status_code == 302


# --- never cached ----------------------------------------------------------------------------------


def test_it_forbids_caching_pages_and_exports_with_personal_data(clients, group_a):
    member = make_member(group_a, "缓存委员", id_card=valid_id_card(), mobile="13912345670")
    staff, admin = clients[roles.STAFF], clients[roles.ADMIN]

    responses = [
        staff.get(reverse("member_detail", args=[member.pk])),
        staff.get(reverse("member_list")),
        admin.get(reverse("admin:sectors_member_change", args=[member.pk])),
        admin_export(admin),
        admin.get(f"{reverse('audit_log')}?format=xlsx"),
    ]

    for response in responses:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_it_refuses_admin_filters_on_personal_fields_to_users_without_the_permission(viewer, clients, group_a):
    member = make_member(group_a, "过滤委员", birth_date=BIRTH, id_card=valid_id_card(birth=f"{BIRTH:%Y%m%d}"))
    url = reverse("admin:sectors_member_changelist")

    for query in (f"id_card__startswith={member.id_card[:14]}", "birth_date=1975-05-06", "mobile__startswith=139"):
        assert viewer.get(f"{url}?{query}").status_code == 400, query
    assert "过滤委员" in clients[roles.ADMIN].get(f"{url}?birth_date=1975-05-06").content.decode()
