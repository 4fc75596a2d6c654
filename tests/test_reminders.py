"""Reminders: the right groups' leaders, on the right days, once per group, rule and period.

Whether a group owes something is the scoring engine's answer (reports.scorecards);
these tests set the date (PORTAL_TODAY / the `day` argument), record what groups
did, and run the jobs as a worker would: calling the task's function directly,
never relying on eager Celery.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from activities.carriers import ActivityKind
from activities.models import GroupDocument
from portal import roles
from reports.reminders import RULES
from reports.setup import assessment_year_ensure
from reports.tasks import send_reminders
from sectors.models import GroupMembership, Notification

from .factories import make_activity, make_member, make_user

D = datetime.date


@pytest.fixture
def year_2025(committee):
    return assessment_year_ensure(committee=committee, year=2025)


@pytest.fixture
def leaders(users, group_b, year_2025):
    """Group A's leader account (from conftest) and one for group B."""
    make_member(group_b, "李组长", role=GroupMembership.Role.LEADER)
    return {"a": users[roles.LEADER], "b": make_user(roles.LEADER, group=group_b, username="leader_b")}


def run(rule: str, day: D) -> int:
    return send_reminders(rule=rule, day=day.isoformat())


def reminded(rule: str) -> set[str]:
    """Usernames that got a reminder of `rule` (any period)."""
    notes = Notification.objects.filter(key__startswith=f"reminder:{rule}:")
    return set(notes.values_list("user__username", flat=True))


def test_every_rule_has_a_scheduled_entry():
    from reports.schedule import REMINDER_RULE_NAMES

    assert set(REMINDER_RULE_NAMES) == set(RULES)


def test_study_day_heads_up_goes_three_days_before_the_first_to_every_groups_leaders(leaders, users):
    assert run("study_day_upcoming", D(2025, 3, 28)) == 0  # the day before
    assert run("study_day_upcoming", D(2025, 3, 29)) == 2  # three days before 1 April
    assert run("study_day_upcoming", D(2025, 3, 30)) == 0  # the day after
    assert reminded("study_day_upcoming") == {"leader", "leader_b"}
    note = Notification.objects.get(user=leaders["a"])
    assert note.title == "每月1日界别学习日 · 民盟"
    assert "截止日期：2025-04-01" in note.body
    assert note.link == reverse("activity_create")
    # Staff, the chairman and administrators lead no group: nothing for them.
    assert not Notification.objects.filter(user__in=[users[r] for r in (roles.STAFF, roles.CHAIRMAN, roles.ADMIN)])


def test_study_day_heads_up_crosses_the_year_and_short_months(leaders):
    assert run("study_day_upcoming", D(2025, 2, 26)) == 2  # 1 March minus three days
    assert run("study_day_upcoming", D(2025, 12, 29)) == 2  # 1 January 2026
    keys = set(Notification.objects.filter(user=leaders["a"]).values_list("key", flat=True))
    assert keys == {f"reminder:study_day_upcoming:{leaders['a'].sector_group_id}:{p}" for p in ("2025-03", "2026-01")}


def test_no_study_session_nudge_from_the_third_only_for_groups_without_one(leaders, group_a, group_b):
    make_activity([group_a], kind=ActivityKind.STUDY, date=D(2025, 3, 1))
    make_activity([group_b], kind=ActivityKind.STUDY, date=D(2025, 2, 1))  # last month's does not count
    make_activity([group_b], kind=ActivityKind.TRAINING, date=D(2025, 3, 1))  # a training is not a study session
    assert run("study_day_missing", D(2025, 3, 2)) == 0
    assert run("study_day_missing", D(2025, 3, 3)) == 1
    assert reminded("study_day_missing") == {"leader_b"}
    assert run("study_day_missing", D(2025, 3, 4)) == 0  # once a month
    note = Notification.objects.get(user=leaders["b"])
    assert note.title == "本月尚无学习活动 · 医卫"
    assert note.body == "医卫：三月尚无学习活动记录，请组织学习会并登记。\n截止日期：2025-03-31"


def test_consultation_reminder_from_september_and_a_group_that_met_it_late(leaders, group_a):
    assert run("consultation", D(2025, 8, 31)) == 0
    assert run("consultation", D(2025, 9, 1)) == 2
    body = Notification.objects.get(user=leaders["a"]).body
    assert body == "民盟：还需 1 次界别协商会，截止 12月31日"  # the engine's words: what is missing, by when
    # Group A holds its meeting on 10 September: from then on the engine says met.
    make_activity([group_a], kind=ActivityKind.CONSULTATION, date=D(2025, 9, 10))
    assert run("consultation", D(2025, 9, 11)) == 0  # September's reminder was sent already
    assert run("consultation", D(2025, 10, 1)) == 1  # October: only group B still owes it
    october = Notification.objects.filter(key__endswith=":2025-10")
    assert [n.user.username for n in october] == ["leader_b"]


def test_december_rules_from_the_first_of_december(leaders, group_a):
    make_activity([group_a], kind=ActivityKind.SERVICE, date=D(2025, 12, 5))
    make_activity([group_a], kind=ActivityKind.DUTY_REPORT, date=D(2025, 11, 20))  # not in December: does not count
    for rule in ("december_service", "duty_report_meeting"):
        assert run(rule, D(2025, 11, 30)) == 0
    assert run("december_service", D(2025, 12, 1)) == 1
    assert reminded("december_service") == {"leader_b"}
    assert run("duty_report_meeting", D(2025, 12, 1)) == 2
    assert run("duty_report_meeting", D(2025, 12, 2)) == 0


def test_plan_reminder_the_day_after_its_deadline_not_for_a_group_with_a_plan(leaders, group_a):
    GroupDocument.objects.create(group=group_a, year=2025, kind="plan", title="计划", dated=D(2025, 3, 20))
    assert run("plan_missing", D(2025, 3, 30)) == 0
    assert run("plan_missing", D(2025, 3, 31)) == 0  # the deadline itself: still in time
    assert run("plan_missing", D(2025, 4, 1)) == 1
    assert reminded("plan_missing") == {"leader_b"}
    note = Notification.objects.get(user=leaders["b"])
    assert note.link == reverse("document_create")
    assert note.body == "医卫：计划已逾期（截止 3月31日）"


def test_summary_reminder_in_the_second_half_of_december(leaders, group_b):
    GroupDocument.objects.create(group=group_b, year=2025, kind="summary", title="总结", dated=D(2025, 12, 10))
    assert run("summary", D(2025, 12, 15)) == 0
    assert run("summary", D(2025, 12, 16)) == 1
    assert reminded("summary") == {"leader"}


def test_the_same_job_twice_sends_one_reminder(leaders):
    assert send_reminders(day="2025-09-01") > 0  # every rule, as a daily run would
    count = Notification.objects.count()
    assert send_reminders(day="2025-09-01") == 0
    assert Notification.objects.count() == count


def test_a_switched_off_rule_reminds_nobody(leaders, year_2025):
    year_2025.requirements.filter(measure="consultations").update(threshold=0)
    assert run("consultation", D(2025, 9, 1)) == 0


def test_inactive_or_other_role_accounts_are_not_reminded(leaders, group_b):
    leaders["b"].is_active = False
    leaders["b"].save(update_fields=["is_active"])
    make_user(roles.STAFF, group=group_b, username="staff_with_group")  # a group set on a non-leader account
    assert run("consultation", D(2025, 9, 1)) == 1
    assert reminded("consultation") == {"leader"}


def test_a_reminder_is_emailed_to_a_leader_with_an_address(leaders, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    leaders["a"].email = "minmeng@example.com"
    leaders["a"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run("consultation", D(2025, 9, 1))
    assert len(callbacks) == 1  # only the leader with an address; the e-mail task is queued after commit
    from sectors.notifications.services import notification_email

    notification_email(notification_id=Notification.objects.get(user=leaders["a"]).pk)
    assert [m.to for m in mail.outbox] == [["minmeng@example.com"]]
    assert mail.outbox[0].subject == "今年尚未召开界别协商会 · 民盟"


def test_a_leader_sees_the_reminder_in_the_list_with_a_link(leaders, leader_client):
    run("consultation", D(2025, 9, 1))
    page = leader_client.get(reverse("notification_list")).content.decode()
    assert "今年尚未召开界别协商会 · 民盟" in page and "医卫" not in page
    note = Notification.objects.get(user=leaders["a"])
    response = leader_client.post(reverse("notification_read"), {"id": note.pk, "open": "1"})
    assert response["Location"] == reverse("activity_create")


def test_no_assessment_rules_no_reminders(users, group_b):
    assert send_reminders(day="2025-09-01") == 0
