"""The outcome figures (reports.outcome_figures): each counted in the period it
happened, the committee's and a group's, on the dashboard and its workbook."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.models import Instruction, OpinionAdoption, OpinionReport, Proposal
from reports.figures import Period
from reports.outcome_figures import outcome_figures_for_periods

D = datetime.date
Y2024, Y2025 = Period.year(2024), Period.year(2025)
TODAY = D(2025, 12, 1)


def proposal(group, **fields) -> Proposal:
    fields.setdefault("submitted_on", D(2025, 1, 10))
    return Proposal.objects.create(committee=group.committee, group=group, title="提案", **fields)


@pytest.fixture
def records(group_a, group_b):
    proposal(
        group_a,
        status="handled",
        answer_due=D(2025, 6, 1),
        answered_on=D(2025, 5, 1),
        satisfaction="satisfied",
        implementation="A",
        implemented_on=D(2025, 9, 1),
    )
    proposal(group_a, status="answered", answer_due=D(2025, 6, 1), answered_on=D(2025, 7, 1), satisfaction="basically")
    proposal(group_a, status="assigned", answer_due=D(2025, 8, 1))  # overdue
    proposal(group_b, status="not_accepted")
    proposal(group_b, status="submitted")
    report = OpinionReport.objects.create(
        committee=group_a.committee, group=group_a, title="电梯", submitted_on=D(2024, 11, 1)
    )
    OpinionAdoption.objects.create(report=report, level="city", adopted_by="government", adopted_on=D(2024, 12, 20))
    OpinionAdoption.objects.create(report=report, level="province", adopted_by="cppcc", adopted_on=D(2025, 3, 1))
    Instruction.objects.create(report=report, level="city", leader_title="市长", dated=D(2025, 2, 1))
    return report


def test_each_outcome_counts_in_the_period_it_happened(committee, records):
    before, now = outcome_figures_for_periods(committee.pk, [Y2024, Y2025], TODAY)
    assert (now["proposals"], now["proposals_decided"], now["proposals_accepted"]) == (5, 4, 3)
    assert now["acceptance_rate"] == 75.0
    assert (now["answers_due"], now["answered_of_due"], now["answer_rate"]) == (3, 2, 66.7)
    assert (now["answers"], now["answers_overdue"], now["answered_late"]) == (2, 1, 1)
    assert now["satisfaction"] == {"satisfied": 1, "basically": 1, "dissatisfied": 0}
    assert now["satisfaction_shares"]["satisfied"] == 50.0
    assert now["implementation"] == {"A": 1, "B": 0, "C": 0, "D": 0}
    # Adopted by the city in 2024 and the province in 2025, instructed by a city leader in 2025.
    assert before["adoptions_by_level"]["city"] == 1 and before["adoptions_by_level"]["province"] == 0
    assert now["adoptions_by_level"]["province"] == 1 and now["adoptions_by_level"]["city"] == 0
    assert (before["instructions"], now["instructions_by_level"]["city"]) == (0, 1)


def test_a_groups_outcomes_are_its_own(committee, group_b, records):
    (now,) = outcome_figures_for_periods(committee.pk, [Y2025], TODAY, group_id=group_b.pk)
    assert (now["proposals"], now["proposals_accepted"], now["acceptance_rate"]) == (2, 0, 0.0)
    assert (now["adoptions"], now["instructions"]) == (0, 0)


def test_the_dashboard_and_its_workbook_show_the_outcomes(chairman_client, records, settings):
    settings.PORTAL_TODAY = "2025-12-01"
    page = chairman_client.get(reverse("dashboard") + "?year=2025").content.decode()
    assert "dashboard-outcomes" in page and "75%" in page
    data = chairman_client.get(reverse("dashboard_json") + "?year=2025").json()
    assert data["outcomes"]["now"]["instructions"] == 1
    assert chairman_client.get(reverse("dashboard_xlsx") + "?year=2025").status_code == 200
