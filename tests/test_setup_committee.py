"""`manage.py setup_committee`: the real committee, its term, 29 groups and this year's rules."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.models import DEFAULT_REQUIREMENTS, AssessmentYear, Requirement
from sectors.models import Committee, SectorGroup, Term
from sectors.roster.committee_data import SECTOR_GROUPS

pytestmark = pytest.mark.django_db

DEMOCRATIC_PARTIES = {"民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"}


def _setup(*args: str) -> str:
    out = io.StringIO()
    call_command("setup_committee", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        "committees": Committee.objects.count(),
        "terms": Term.objects.count(),
        "groups": SectorGroup.objects.count(),
        "group_history": SectorGroup.history.count(),
        "years": AssessmentYear.objects.count(),
        "year_history": AssessmentYear.history.count(),
        "requirements": Requirement.objects.count(),
    }


def test_it_creates_the_wenzhou_committee_and_its_current_term(settings):
    _setup()
    committee = Committee.objects.get(code=settings.PORTAL_COMMITTEE_CODE)
    assert (committee.name, committee.short_name, committee.level, committee.region_code) == (
        "温州市政协",
        "温州市政协",
        Committee.Level.CITY,
        "330300",
    )
    term = committee.current_term
    assert (term.number, term.start_date, term.is_current) == (12, datetime.date(2022, 1, 1), True)


def test_it_creates_29_groups_with_unique_names_in_order():
    _setup()
    groups = list(SectorGroup.objects.order_by("sort_order"))
    assert len(groups) == 29 == len(SECTOR_GROUPS)
    assert len({g.name for g in groups}) == 29
    assert len({g.short_name for g in groups}) == 29
    assert [g.sort_order for g in groups] == list(range(1, 30))
    assert groups[0].short_name == "中共"
    assert groups[-1].short_name == "特邀"
    parties = {g.short_name for g in groups if g.kind == SectorGroup.Kind.PARTY}
    assert DEMOCRATIC_PARTIES | {"中共", "无党派"} == parties
    assert SectorGroup.objects.get(short_name="民盟").name == "中国民主同盟界别"
    assert SectorGroup.objects.filter(kind=SectorGroup.Kind.ORGANISATION).count() == 7
    assert SectorGroup.objects.filter(kind=SectorGroup.Kind.FIELD).count() == 12
    assert all(g.name.endswith("界别") for g in groups)


def test_it_creates_this_years_assessment_with_the_default_requirements():
    _setup()
    year = timezone.localdate().year
    assessment = AssessmentYear.objects.get(year=year)
    assert assessment.plan_deadline == datetime.date(year, 3, 31)
    assert assessment.summary_deadline == datetime.date(year, 12, 31)
    rows = set(assessment.requirements.values_list("have", "carrier", "measure", "threshold", "per_member", "is_hard"))
    assert rows == {(d.have, d.carrier, d.measure, d.threshold, d.per_member, d.is_hard) for d in DEFAULT_REQUIREMENTS}


def test_it_creates_the_year_given_on_the_command_line():
    output = _setup("--year", "2025")
    assert AssessmentYear.objects.filter(year=2025).exists()
    assert "2025" in output


def test_it_changes_nothing_when_run_twice():
    _setup()
    before = _row_counts()
    output = _setup()
    assert _row_counts() == before
    assert "新增 0 行，更新 0 行" in output


def test_it_restores_groups_but_keeps_the_thresholds_staff_changed():
    _setup()
    group = SectorGroup.objects.get(short_name="民盟")
    group.short_name = "盟"
    group.save(update_fields=["short_name"])
    requirement = Requirement.objects.get(measure=DEFAULT_REQUIREMENTS[2].measure)
    requirement.threshold = 10
    requirement.save(update_fields=["threshold"])
    output = _setup()
    assert SectorGroup.objects.get(pk=group.pk).short_name == "民盟"
    requirement.refresh_from_db()
    assert requirement.threshold == 10
    assert "更新 1 行" in output


def test_it_makes_the_twelfth_term_the_only_current_one(settings):
    committee = Committee.objects.create(code=settings.PORTAL_COMMITTEE_CODE, name="温州市政协", short_name="温州")
    Term.objects.create(committee=committee, number=11, start_date=datetime.date(2017, 1, 1), is_current=True)
    _setup()
    assert list(committee.terms.filter(is_current=True).values_list("number", flat=True)) == [12]
    assert committee.terms.count() == 2
