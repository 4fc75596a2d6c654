"""A new rule is one spec in reports.measures.MEASURES plus its yearly data row:
scored by the engine, shown on the scorecard in its own words, reminded."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.carriers import ActivityKind, Have
from reports import measures
from reports.measures import MeasureSpec, ReminderRule, count_words, each_year
from reports.models import Measure, Requirement
from reports.scorecards import year_scores
from reports.scoring import Measured, Verdict
from reports.setup import assessment_year_ensure
from reports.tasks import send_reminders
from sectors.models import Notification

from .factories import make_activity

Y = 2025
D = datetime.date
NINTH = "spring_study"


def _spring_sessions(facts, rule, ctx) -> Measured:
    found = [a for a in facts.activities if a.kind == ActivityKind.STUDY and a.date.month <= 3]
    return Measured(len(found), [measures._activity_evidence(a) for a in found])


SPRING = MeasureSpec(
    key=NINTH,
    label="春季学习会",
    counts=_spring_sessions,
    missing=count_words("场春季学习会"),
    default_deadline=lambda assessment: D(assessment.year, 3, 31),
    reminders=(
        ReminderRule(
            "spring_study",
            "春季学习会尚未完成",
            "提醒：春季学习会（3月）",
            is_due=lambda today, _result: today.month == 3,
            period=each_year,
            url_name="activity_create",
        ),
    ),
)


@pytest.fixture
def ninth(monkeypatch, committee):
    """The one table entry and the one data row."""
    monkeypatch.setitem(measures.MEASURES, NINTH, SPRING)
    year = assessment_year_ensure(committee=committee, year=Y)
    Requirement.objects.create(assessment_year=year, have=Have.STUDY_TRAINING, measure=NINTH, threshold=2)


@pytest.fixture(autouse=True)
def _march(settings):
    settings.PORTAL_TODAY = "2025-03-20"


def _rule(committee, group):
    scores = year_scores(committee_id=committee.pk, year=Y, today=D(Y, 3, 20))
    return next(r for r in scores.by_group_id[group.pk].rules if r.measure == NINTH)


def test_the_table_lists_every_measure_once_in_the_order_of_the_choices():
    assert list(measures.MEASURES) == list(Measure.values)


def test_a_ninth_measure_is_scored_with_its_deadline(ninth, committee, group_a, leader_member):
    make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 2, 1))
    make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 5, 1))  # after spring: not counted
    result = _rule(committee, group_a)
    assert (result.value, result.threshold, result.verdict) == (1.0, 2.0, Verdict.PARTLY)
    assert result.deadline == D(Y, 3, 31) and result.have == Have.STUDY_TRAINING


def test_a_ninth_measure_shows_on_the_scorecard_in_its_words(ninth, staff_client, group_a):
    page = staff_client.get(reverse("scorecard", args=[group_a.pk]) + f"?year={Y}").content.decode()
    assert "春季学习会" in page
    assert "还需 2 场春季学习会，截止 3月31日" in page
    assert f'data-measure="{NINTH}"' in page


def test_a_ninth_measure_reminds_the_groups_that_owe_it(ninth, users, group_a):
    assert send_reminders(rule="spring_study", day="2025-03-20") == 1
    note = Notification.objects.get(key__startswith="reminder:spring_study:")
    assert note.title == "春季学习会尚未完成 · 民盟"
    assert "还需 2 场春季学习会，截止 3月31日" in note.body
    send_reminders(day="2025-03-20")  # every rule, as the daily run: the ninth's once per period
    assert Notification.objects.filter(key__startswith="reminder:spring_study:").count() == 1


def test_a_group_that_met_the_ninth_measure_is_not_reminded(ninth, users, group_a):
    make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 1, 5))
    make_activity([group_a], kind=ActivityKind.STUDY, date=D(Y, 3, 5))
    assert send_reminders(rule="spring_study", day="2025-03-20") == 0


def test_its_data_row_is_valid_with_no_new_choice_nor_migration(ninth, committee):
    """The rows' choices are the table's: the ninth row passes the model's checks and
    is named in the spec's words, as the admin and the rules page show it."""
    row = Requirement.objects.get(measure=NINTH)

    row.full_clean()

    assert row.get_measure_display() == "春季学习会"
    assert (NINTH, "春季学习会") in Requirement._meta.get_field("measure").choices


def test_a_measure_with_no_spec_is_refused(db):
    from django.core.exceptions import ValidationError

    row = Requirement(have=Have.STUDY_TRAINING, measure="no_such_measure", threshold=1)
    with pytest.raises(ValidationError) as refused:
        row.full_clean(exclude=["assessment_year"])
    assert "measure" in refused.value.message_dict
