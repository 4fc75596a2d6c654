"""The month calendar: Monday to Sunday, study days, the December activity month."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from activities.carriers import ActivityKind
from activities.models import Activity

from .factories import make_activity

URL = "/activities/calendar/"


def _days(response) -> dict[datetime.date, list[str]]:
    return {day.date: [a.title for a in day.activities] for week in response.context["weeks"] for day in week}


def test_it_shows_a_month_from_monday_to_sunday_with_its_activities(staff_client, group_a, group_b):
    study = make_activity([group_a], title="三月学习日", date=datetime.date(2025, 3, 1))
    make_activity([group_b], kind=ActivityKind.SERVICE, title="义诊", date=datetime.date(2025, 3, 15))
    make_activity([group_a], title="四月的会", date=datetime.date(2025, 4, 10))
    response = staff_client.get(f"{URL}?year=2025&month=3")
    weeks = response.context["weeks"]
    assert weeks[0][0].date == datetime.date(2025, 2, 24) and weeks[0][0].date.weekday() == 0
    assert weeks[-1][-1].date == datetime.date(2025, 4, 6) and len(weeks[0]) == 7
    days = _days(response)
    assert days[datetime.date(2025, 3, 1)] == ["三月学习日"] and days[datetime.date(2025, 3, 15)] == ["义诊"]
    page = response.content.decode()
    assert reverse("activity_detail", args=[study.pk]) in page
    assert "study-day" in page and "四月的会" not in page
    assert "year=2025&amp;month=2" in page and "year=2025&amp;month=4" in page
    assert "calendar-month-december" not in page


def test_it_marks_december_as_the_activity_month(staff_client):
    response = staff_client.get(f"{URL}?year=2024&month=12")
    page = response.content.decode()
    assert "calendar-month-december" in page
    assert "year=2025&amp;month=1" in page and "year=2024&amp;month=11" in page


def test_it_filters_by_group_and_keeps_the_filter_in_the_links(staff_client, group_a, group_b):
    make_activity([group_a], title="民盟学习", date=datetime.date(2025, 3, 3))
    make_activity([group_b], title="医卫学习", date=datetime.date(2025, 3, 3))
    response = staff_client.get(f"{URL}?year=2025&month=3&group={group_b.pk}")
    assert _days(response)[datetime.date(2025, 3, 3)] == ["医卫学习"]
    assert f"group={group_b.pk}" in response.content.decode()


def test_it_falls_back_to_this_month_for_a_wrong_month(staff_client):
    today = timezone.localdate()
    for query in ("year=2025&month=13", "year=abc", "year=1800&month=1"):
        first = staff_client.get(f"{URL}?{query}").context["first"]
        assert (first.year, first.month) == (today.year, today.month)


def test_it_shows_a_leader_only_their_groups_activities(leader_client, group_a, group_b):
    make_activity([group_a], title="民盟学习", date=datetime.date(2025, 3, 3))
    make_activity([group_b], title="医卫学习", date=datetime.date(2025, 3, 3))
    make_activity([group_a, group_b], title="联合协商", date=datetime.date(2025, 3, 4))
    days = _days(leader_client.get(f"{URL}?year=2025&month=3"))
    assert days[datetime.date(2025, 3, 3)] == ["民盟学习"] and days[datetime.date(2025, 3, 4)] == ["联合协商"]


def test_it_shows_the_chairman_and_admin_every_group(chairman_client, admin_client_role, group_a, group_b):
    make_activity([group_a], title="民盟学习", date=datetime.date(2025, 3, 3))
    make_activity([group_b], title="医卫学习", date=datetime.date(2025, 3, 3))
    for client in (chairman_client, admin_client_role):
        days = _days(client.get(f"{URL}?year=2025&month=3"))
        assert sorted(days[datetime.date(2025, 3, 3)]) == ["医卫学习", "民盟学习"]


def test_it_sends_anonymous_users_to_the_login(clients):
    response = clients["anonymous"].get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def _busy_day(group, day: datetime.date, n: int) -> list:
    return [make_activity([group], title=f"第{i}场", date=day) for i in range(n)]


def test_a_busy_day_shows_its_count_the_first_three_and_a_link_to_the_rest(staff_client, group_a):
    day = datetime.date(2025, 12, 10)
    _busy_day(group_a, day, 7)
    response = staff_client.get(f"{URL}?year=2025&month=12")
    cell = next(d for week in response.context["weeks"] for d in week if d.date == day)
    assert cell.count == 7 and [a.title for a in cell.activities] == ["第0场", "第1场", "第2场"] and cell.more == 4
    page = response.content.decode()
    assert "7 项活动" in page and "+4" in page and "第3场" not in page
    assert f'hx-get="{reverse("activity_calendar_day")}?date=2025-12-10"' in page


def test_a_days_cell_reads_its_number_marks_count_and_more_link_with_the_group(staff_client, group_a):
    _busy_day(group_a, datetime.date(2025, 12, 1), 4)
    make_activity([group_a], date=datetime.date(2025, 12, 2), title="单场")
    page = staff_client.get(f"{URL}?year=2025&month=12&group={group_a.pk}").content.decode()
    cells = re.findall(r"<td class=\"([^\"]*)\">(.*?)</td>", page.split("<tbody>", 1)[1], flags=re.S)
    first = next(body for kind, body in cells if kind == "study-day")
    assert '<span class="fw-semibold">1</span>' in first
    assert '<span class="badge text-bg-info">界别学习日</span>' in first
    assert '<span class="badge rounded-pill text-bg-light calendar-count">4 项活动</span>' in first
    link = f"{reverse('activity_calendar_day')}?date=2025-12-01&amp;group={group_a.pk}"
    assert f'href="{link}" hx-get="{link}"' in first and ">+1</a></div>" in first
    second = next(body for _kind, body in cells if '<span class="fw-semibold">2</span>' in body)
    assert "1 项活动" in second and "calendar-more" not in second
    staff_client.post(reverse("set_language"), {"language": "en", "next": URL})
    english = staff_client.get(f"{URL}?year=2025&month=12").content.decode()
    assert ">4 activities</span>" in english and ">1 activity</span>" in english


def test_the_day_lists_every_activity_for_htmx_and_as_a_page(staff_client, group_a, group_b):
    day = datetime.date(2025, 12, 10)
    _busy_day(group_a, day, 5)
    make_activity([group_b], title="医卫义诊", date=day)
    url = f"{reverse('activity_calendar_day')}?date=2025-12-10"
    fragment = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.count('class="mt-1 text-truncate"') == 6 and "<html" not in fragment
    filtered = staff_client.get(f"{url}&group={group_b.pk}").content.decode()
    assert "医卫义诊" in filtered and "第0场" not in filtered and "<html" in filtered


def test_a_leader_sees_only_their_groups_activities_of_the_day(leader_client, group_a, group_b):
    day = datetime.date(2025, 12, 10)
    make_activity([group_a], title="民盟学习", date=day)
    make_activity([group_b], title="医卫学习", date=day)
    page = leader_client.get(f"{reverse('activity_calendar_day')}?date=2025-12-10").content.decode()
    assert "民盟学习" in page and "医卫学习" not in page


def test_a_wrong_day_falls_back_to_today_without_an_error(staff_client):
    response = staff_client.get(f"{reverse('activity_calendar_day')}?date=2025-13-45")
    assert response.context["day"] == timezone.localdate()


def test_each_entry_shows_its_type_groups_and_state_with_the_title_escaped(staff_client, group_a, group_b):
    joint = make_activity(
        [group_a, group_b], kind=ActivityKind.CONSULTATION, title="<b>协商</b>", date=datetime.date(2025, 12, 3)
    )
    make_activity(
        [group_a], title="走访计划", date=datetime.date(2025, 12, 4), status=Activity.Status.PLANNED, is_highlight=True
    )
    page = staff_client.get(f"{URL}?year=2025&month=12").content.decode()
    detail = reverse("activity_detail", args=[joint.pk])
    line = page.split(f'<a href="{detail}"', 1)[0].rsplit('<div class="mt-1', 1)[1]
    assert 'title="民盟、医卫：&lt;b&gt;协商&lt;/b&gt;"' in line and "text-bg-danger" in line
    assert str(ActivityKind.CONSULTATION.label) in line
    assert "<b>协商</b>" not in page and "<strong>民盟、医卫</strong> &lt;b&gt;协商&lt;/b&gt;</a>" in page
    assert 'class="fst-italic"><strong>民盟</strong> 走访计划</a> <i class="bi bi-star-fill' in page
    day = staff_client.get(reverse("activity_calendar_day"), {"date": "2025-12-03"}, HTTP_HX_REQUEST="true")
    assert "&lt;b&gt;协商&lt;/b&gt;" in day.content.decode() and "<html" not in day.content.decode()
