"""`manage.py seed_demo`: deterministic fictional members and two years of records.

Seeding 500 members takes a few seconds, so the module seeds once (inside a
transaction rolled back at the end of the module) and every test reads it.
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from activities.carriers import ActivityKind
from activities.models import (
    ADOPTION_RANK,
    LEVEL_STATUS,
    Activity,
    AdoptionLevel,
    Attendance,
    ConstituentContact,
    ConsultationOutcome,
    DutyReport,
    GroupDocument,
    Instruction,
    InstructionLevel,
    OpinionAdoption,
    OpinionReport,
    Proposal,
    ProposalHandling,
)
from demo.seed import DEMO_PASSWORD
from portal import roles
from portal.validators import validate_id_card, validate_mobile
from reports.figures import period_figures
from reports.points.models import PointAppeal, PointYear
from sectors.models import Committee, Constituent, GroupMembership, Member, SectorGroup, User, Workstation

from .factories import make_member

COUNTED = [
    Member,
    GroupMembership,
    Workstation,
    Constituent,
    User,
    Activity,
    Attendance,
    DutyReport,
    OpinionReport,
    Proposal,
    GroupDocument,
    ConstituentContact,
    ProposalHandling,
    OpinionAdoption,
    Instruction,
    ConsultationOutcome,
    PointYear,
    PointAppeal,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _digest(rows) -> str:
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


def _fingerprints() -> dict[str, str]:
    """Natural keys only (no ids), so that two seeds can be compared."""
    return {
        "members": _digest(
            Member.objects.values_list(
                "member_number", "name", "gender", "birth_date", "id_card", "mobile", "is_active"
            )
        ),
        "memberships": _digest(
            GroupMembership.objects.values_list(
                "member__member_number", "group__short_name", "role", "start_date", "end_date"
            )
        ),
        "activities": _digest(
            Activity.objects.values_list("date", "kind", "title", "status", "other_participants", "groups__short_name")
        ),
        "attendance": _digest(
            Attendance.objects.values_list("activity__date", "activity__title", "member__member_number", "status")
        ),
        "contacts": _digest(
            ConstituentContact.objects.values_list("member__member_number", "constituent__name", "contacted_on", "way")
        ),
        "proposals": _digest(
            Proposal.objects.values_list(
                "group__short_name",
                "title",
                "submitted_on",
                "status",
                "decided_on",
                "merged_into__title",
                "supervising_leader",
                "is_excellent",
                "answer_due",
                "answered_on",
                "satisfaction",
                "implementation",
                "implemented_on",
                "handlings__unit",
                "handlings__is_lead",
            )
        ),  # fmt: skip
        "adoptions": _digest(
            OpinionAdoption.objects.values_list("report__title", "report__submitted_on", "level", "body", "adopted_on")
        ),
        "instructions": _digest(
            Instruction.objects.values_list("report__title", "proposal__title", "level", "leader_title", "dated")
        ),
        "consultation_outcomes": _digest(
            ConsultationOutcome.objects.values_list(
                "activity__date", "activity__title", "suggestion", "sent_to", "responded_on"
            )
        ),
    }


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():  # a first seed, rolled back, to compare with
            _seed()
            first_fingerprints = _fingerprints()
            transaction.set_rollback(True)
        first_output = _seed()
        counts, fingerprints = _counts(), _fingerprints()
        second_output = _seed()
        yield SimpleNamespace(
            first_output=first_output,
            second_output=second_output,
            counts=counts,
            fingerprints=fingerprints,
            first_fingerprints=first_fingerprints,
            committee=Committee.objects.get(),
            previous_year=timezone.localdate().year - 1,
        )
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def _spans() -> dict[int, list[tuple[int, datetime.date, datetime.date | None]]]:
    spans = collections.defaultdict(list)
    for member_id, group_id, start, end in GroupMembership.objects.values_list(
        "member_id", "group_id", "start_date", "end_date"
    ):
        spans[member_id].append((group_id, start, end))
    return spans


def _belonged(spans, member_id: int, group_ids: set[int], day: datetime.date) -> bool:
    return any(g in group_ids and start <= day and (end is None or day <= end) for g, start, end in spans[member_id])


def test_it_creates_about_500_members_with_valid_personal_data(demo):
    members = list(Member.objects.all())
    assert 480 <= len(members) <= 520
    assert all(m.member_number.startswith("D") for m in members)
    for member in members:
        validate_id_card(member.id_card)
        validate_mobile(member.mobile)
        assert datetime.date(1960, 1, 1) <= member.birth_date <= datetime.date(1990, 12, 31)
        assert member.id_card[6:14] == f"{member.birth_date:%Y%m%d}"
        assert int(member.id_card[16]) % 2 == (1 if member.gender == Member.Gender.MALE else 0)
    assert len({m.name for m in members}) == len(members)
    assert {"陈肖锋", "方岚"}.isdisjoint(m.name for m in members)


def test_it_gives_every_group_a_leader_deputies_and_a_liaison(demo):
    assert SectorGroup.objects.count() == 29
    current = GroupMembership.objects.filter(end_date__isnull=True)
    for group in SectorGroup.objects.all():
        roles_here = collections.Counter(current.filter(group=group).values_list("role", flat=True))
        assert roles_here[GroupMembership.Role.LEADER] == 1, group
        assert 1 <= roles_here[GroupMembership.Role.DEPUTY] <= 2, group
        assert roles_here[GroupMembership.Role.LIAISON] >= 1, group
        assert roles_here[GroupMembership.Role.MEMBER] >= 3, group


def test_it_moves_a_few_members_and_retires_a_few(demo):
    memberships = collections.Counter(GroupMembership.objects.values_list("member_id", flat=True))
    movers = [member_id for member_id, n in memberships.items() if n == 2]
    assert 3 <= len(movers) <= 10
    for member_id in movers:
        closed, open_ = GroupMembership.objects.filter(member_id=member_id).order_by("start_date")
        assert closed.end_date == open_.start_date - datetime.timedelta(days=1)
        assert closed.group_id != open_.group_id
    inactive = Member.objects.filter(is_active=False)
    assert 3 <= inactive.count() <= 15
    assert not GroupMembership.objects.filter(member__in=inactive, end_date__isnull=True).exists()


def test_it_sets_up_36_workstations_with_the_named_stations(demo):
    assert Workstation.objects.count() == 36
    assert Workstation.objects.values("group").distinct().count() == 29
    zhigong = Workstation.objects.get(name="致公驿站")
    assert zhigong.group.short_name == "致公党"
    assert zhigong.host_kind == Workstation.HostKind.STUDIO
    assert zhigong.host_member.memberships.filter(group=zhigong.group, end_date__isnull=True).exists()
    assert Workstation.objects.get(name="团青驿站").group.short_name == "共青团(青联)"
    reports = OpinionReport.objects.filter(workstation=zhigong, submitted_on__year=demo.previous_year)
    assert reports.count() == 21


def test_it_creates_one_demo_user_per_role(demo):
    expected = {
        "staff": roles.STAFF,
        "leader": roles.LEADER,
        "chairman": roles.CHAIRMAN,
        "admin": roles.ADMIN,
        "member": roles.MEMBER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert roles.role_of(user) == role
        assert user.check_password(DEMO_PASSWORD)
        assert user.full_name and not user.full_name.isascii()
        assert user.is_staff == (role == roles.ADMIN)
    leader = User.objects.get(username="leader")
    assert leader.sector_group.short_name == "致公党"
    member = User.objects.get(username="member")
    assert member.member.memberships.filter(group=leader.sector_group, end_date__isnull=True).exists()
    assert leader.member.memberships.filter(group=leader.sector_group, role=GroupMembership.Role.LEADER).exists()
    for output in (demo.first_output, demo.second_output):
        assert all(name in output for name in expected)
        assert DEMO_PASSWORD in output


def test_it_lists_only_members_of_the_activitys_groups_on_that_day(demo):
    spans = _spans()
    groups_of = collections.defaultdict(set)
    for activity_id, group_id in Activity.groups.through.objects.values_list("activity_id", "sectorgroup_id"):
        groups_of[activity_id].add(group_id)
    rows = Attendance.objects.values_list("activity_id", "activity__date", "member_id", "status", "absence_reason")
    statuses = collections.Counter()
    for activity_id, day, member_id, status, reason in rows:
        assert _belonged(spans, member_id, groups_of[activity_id], day)
        assert (status == Attendance.Status.ABSENT) == bool(reason)
        statuses[status] += 1
    assert statuses[Attendance.Status.PRESENT] > 4 * statuses[Attendance.Status.ABSENT] > 0


def test_it_holds_study_sessions_on_the_first_of_the_month(demo):
    days = set(Activity.objects.filter(kind=ActivityKind.STUDY).values_list("date__day", flat=True))
    assert days == {1}
    held = Activity.objects.filter(status=Activity.Status.HELD)
    assert not held.filter(date__gt=timezone.localdate()).exists()
    assert not Attendance.objects.filter(activity__status=Activity.Status.PLANNED).exists()


def test_it_concentrates_service_activities_in_december(demo):
    services = Activity.objects.filter(kind=ActivityKind.SERVICE, date__year=demo.previous_year)
    by_month = collections.Counter(services.values_list("date__month", flat=True))
    december = by_month.pop(12)
    assert december > max(by_month.values(), default=0)
    assert december > sum(by_month.values())


def test_it_matches_the_shape_of_the_articles_figures(demo):
    year = demo.previous_year
    figures = period_figures(demo.committee.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    assert 200 <= figures.study_sessions <= 320
    assert 3000 <= figures.study_participant_times <= 5500
    assert figures.workstations == 36
    assert 40 <= figures.consultation_meetings <= 70
    assert figures.duty_report_groups == 23
    assert 330 <= figures.duty_reporters <= 460
    joint = Activity.objects.get(date=datetime.date(year, 5, 9), title__contains="公共卫生安全")
    assert set(joint.groups.values_list("short_name", flat=True)) == {"九三学社", "医卫"}


def test_it_records_duty_reports_of_members_present_in_december(demo):
    for report in DutyReport.objects.select_related("meeting"):
        assert report.meeting.kind == ActivityKind.DUTY_REPORT
        assert report.meeting.date.month == 12 and report.reported_on == report.meeting.date
        assert report.meeting.attendance.filter(member=report.member, status=Attendance.Status.PRESENT).exists()


def test_it_has_most_members_keep_in_touch_with_three_constituents(demo):
    contacts = ConstituentContact.objects.filter(contacted_on__year=demo.previous_year)
    per_member = dict(contacts.values_list("member_id").annotate(n=Count("constituent", distinct=True)))
    enough = sum(1 for n in per_member.values() if n >= 3)
    assert 0.8 * len(per_member) <= enough < len(per_member)
    spans = _spans()
    for member_id, group_id, day in contacts.values_list("member_id", "group_id", "contacted_on"):
        assert _belonged(spans, member_id, {group_id}, day)


def test_it_leaves_some_groups_short_of_the_requirements(demo):
    year = demo.previous_year
    summaries = GroupDocument.objects.filter(year=year, kind=GroupDocument.Kind.SUMMARY)
    assert 15 <= summaries.count() < 29
    consulted = Activity.objects.filter(kind=ActivityKind.CONSULTATION, date__year=year).values("groups").distinct()
    assert consulted.count() < 29
    highlighted = Activity.objects.filter(is_highlight=True, date__year=year).values("groups").distinct()
    assert 0 < highlighted.count() < 29
    assert Proposal.objects.filter(is_key=True).exists()
    assert Proposal.objects.filter(status=Proposal.Status.HANDLED).exists()


def test_it_adds_nothing_on_a_second_run(demo):
    assert _counts() == demo.counts
    assert _fingerprints() == demo.fingerprints
    assert "未添加任何数据" in demo.second_output


def test_it_creates_the_same_data_every_time(demo):
    assert demo.first_fingerprints == demo.fingerprints


def test_it_refuses_to_add_demo_data_to_real_members(demo):
    make_member(SectorGroup.objects.get(short_name="民盟"), "王真实", member_number="2022001")
    before = _counts()
    with pytest.raises(CommandError):
        _seed()
    assert _counts() == before


def test_it_enrols_the_demo_administrator_in_two_factor_sign_in(demo):
    from django.test import Client

    from demo.accounts import demo_totp_secret

    client = Client()
    client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")

    code = io.StringIO()
    call_command("demo_code", stdout=code)
    verified = client.post("/accounts/two-factor/verify/", {"token": code.getvalue().strip(), "next": "/admin/"})

    assert verified["Location"] == "/admin/" and client.get("/admin/").status_code == 200
    assert demo_totp_secret() in demo.first_output


def test_it_opens_the_members_side_for_the_leaders_group(demo):
    from django.test import Client

    from members.models import ActivationCode, NoticeRecipient

    member = User.objects.get(username="member")
    group = SectorGroup.objects.get(short_name="致公党")
    in_group = GroupMembership.objects.filter(group=group, end_date__isnull=True, member__is_active=True)
    member_role = roles.GROUP_NAMES[roles.MEMBER]
    accounts = User.objects.filter(member__in=in_group.values("member_id"), groups__name=member_role)
    # Every current member but the leader, whose account is the `leader` one.
    assert accounts.count() == in_group.count() - 1
    assert ActivationCode.objects.filter(user__in=accounts).count() == in_group.count() - 2  # and the demo member
    receipts = NoticeRecipient.objects.filter(member=member.member)
    assert receipts.count() == 2 and receipts.filter(read_at__isnull=True).count() == 1
    client = Client()
    client.post("/accounts/login/", {"username": member.member.mobile, "password": DEMO_PASSWORD})
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/me/" and member.member.name in page.content.decode()


def test_it_gives_the_demo_member_meetings_to_answer_and_reports_in_each_state(demo):
    """The member's side to try (issue 21): the demo member's group has a planned meeting that
    others answered (attending, leave approved and pending) and a meeting today to check in at;
    the demo member has answered nothing yet and has one reported item in each state."""
    from activities.models import MeetingAnswer, SelfReport

    member = User.objects.get(username="member").member
    group = member.memberships.get(end_date__isnull=True).group
    answers = MeetingAnswer.objects.filter(activity__groups=group)
    assert answers.filter(answer="attend").exists()
    assert set(answers.filter(answer="leave").values_list("leave_status", flat=True)) == {"approved", "pending"}
    assert not answers.filter(member=member).exists()
    assert set(SelfReport.objects.filter(member=member).values_list("status", flat=True)) == {
        "submitted",
        "accepted",
        "returned",
    }


# --- outcomes and duty points (issue 22) ----------------------------------------------------------


def test_it_takes_the_proposals_through_every_state_of_their_flow(demo):
    today = timezone.localdate()
    states = set(Proposal.objects.values_list("status", flat=True))
    if today >= datetime.date(today.year, 6, 1):  # this year's flow is under way: every state is there
        assert states == set(Proposal.Status.values)
    last_year = Proposal.objects.filter(submitted_on__year=demo.previous_year)
    assert last_year.filter(status=Proposal.Status.HANDLED).count() >= 0.7 * last_year.count() > 0
    closed = Proposal.objects.filter(status=Proposal.Status.HANDLED).prefetch_related("handlings")
    for proposal in closed:
        assert proposal.decided_on and proposal.answered_on and proposal.answer_text and proposal.satisfaction
        assert proposal.implementation and proposal.closed_on == proposal.implemented_on
        assert proposal.submitted_on <= proposal.decided_on <= proposal.answered_on <= proposal.implemented_on
        assert [h.unit for h in proposal.handlings.all() if h.is_lead]
    assert closed.filter(satisfaction=Proposal.Satisfaction.SATISFIED, implementation="A").exists()
    answered = Proposal.objects.filter(status=Proposal.Status.ANSWERED)
    assert answered.exists() and not answered.filter(answered_on__isnull=True).exists()
    assert not answered.exclude(implementation="").exists()
    for merged in Proposal.objects.filter(status=Proposal.Status.MERGED).select_related("merged_into"):
        assert merged.merged_into.title == merged.title and merged.merged_into.is_accepted
    key = Proposal.objects.filter(is_key=True, status__in=[Proposal.Status.ANSWERED, Proposal.Status.HANDLED])
    assert key.exists() and not key.filter(supervising_leader="").exists()
    excellent = Proposal.objects.filter(is_excellent=True)
    assert 1 <= excellent.count() <= 2
    assert set(excellent.values_list("excellent_year", "implementation")) == {(demo.previous_year, "A")}
    co_handled = ProposalHandling.objects.filter(is_lead=False).values("proposal").distinct()
    assert 0 < co_handled.count() < ProposalHandling.objects.filter(is_lead=True).count()


def test_it_leaves_two_of_this_years_proposals_overdue_for_an_answer(demo):
    from activities.selectors.outcomes import overdue_proposals

    today = timezone.localdate()
    overdue = list(overdue_proposals(User.objects.get(username="staff"), today))
    if today >= datetime.date(today.year, 6, 1):  # three months after this year's first assignments
        assert len(overdue) == 2
    assert all(p.submitted_on.year == today.year and p.status == Proposal.Status.ASSIGNED for p in overdue)


def test_it_climbs_adoption_ladders_to_the_reports_status(demo):
    adopted = OpinionReport.objects.exclude(status=OpinionReport.Status.SUBMITTED).prefetch_related("adoptions")
    assert adopted.exists()
    for report in adopted:
        rungs = list(report.adoptions.all())
        top = max(rungs, key=lambda rung: (ADOPTION_RANK[rung.level], -rung.adopted_on.toordinal()))
        assert (LEVEL_STATUS[top.level], top.adopted_on, top.adopted_by) == (
            report.status,
            report.adopted_on,
            report.adopted_by,
        )
        assert all(report.submitted_on <= rung.adopted_on <= report.adopted_on and rung.body for rung in rungs)
    assert not OpinionAdoption.objects.filter(report__status=OpinionReport.Status.SUBMITTED).exists()
    assert (
        OpinionReport.objects.filter(adoptions__level=AdoptionLevel.COMMITTEE)
        .filter(adoptions__level=AdoptionLevel.PROVINCE)
        .exists()
    )


def test_it_records_leaders_instructions_on_reports_and_proposals(demo):
    instructed = OpinionReport.objects.filter(
        adoptions__level=AdoptionLevel.PROVINCE, instructions__level=InstructionLevel.CITY
    )
    assert instructed.exists()
    assert Instruction.objects.get(report__in=instructed, level=InstructionLevel.CITY).leader_title.startswith("市")
    on_proposals = Instruction.objects.filter(proposal__isnull=False).select_related("proposal")
    assert 1 <= on_proposals.count() <= 2
    assert all(i.proposal.is_key and i.dated >= i.proposal.decided_on for i in on_proposals)
    assert Instruction.objects.filter(report__isnull=False).count() >= 2


def test_it_records_the_outcomes_of_consultation_meetings(demo):
    outcomes = list(ConsultationOutcome.objects.select_related("activity"))
    assert outcomes
    assert all(o.activity.kind == ActivityKind.CONSULTATION and o.activity.status == "held" for o in outcomes)
    answered = [o for o in outcomes if o.responded_on]
    assert len(answered) > 0.6 * len(outcomes)
    assert all(o.response and o.responded_on >= o.activity.date for o in answered)
    article = ConsultationOutcome.objects.filter(
        activity__title__contains="公共卫生安全", activity__date__year=demo.previous_year
    )
    assert article.exists() and set(article.values_list("sent_to", flat=True)) == {"市卫生健康委员会"}
    held = Activity.objects.filter(kind=ActivityKind.CONSULTATION, status="held")
    assert 0 < len({o.activity_id for o in outcomes}) < held.count()


def test_it_gives_the_members_duty_points_in_both_years(demo, client):
    from reports.points.selectors import own_points

    this_year = demo.previous_year + 1
    point_years = PointYear.objects.filter(committee=demo.committee)
    assert sorted(point_years.values_list("year", "preset")) == [
        (demo.previous_year, "minhang"),
        (this_year, "minhang"),
    ]
    assert all(year.rules.exists() and year.grades.exists() for year in point_years)
    user = User.objects.get(username="member")
    member, points, _year = own_points(user=user, year=this_year)
    assert points is not None and points.total > 0 and points.grade
    client.force_login(user)
    page = client.get(f"/me/points/?year={this_year}")
    assert page.status_code == 200 and member.name in page.content.decode()
    appeals = PointAppeal.objects.filter(member=member, year=this_year)
    assert appeals.count() == 2
    assert appeals.filter(status=PointAppeal.Status.OPEN).count() == 1
    resolved = appeals.exclude(status=PointAppeal.Status.OPEN).get()
    assert resolved.comment and resolved.resolved_by.username == "staff"


def test_it_dates_no_outcome_after_today(demo):
    today = timezone.localdate()
    dated = {
        Proposal: ("decided_on", "key_on", "answered_on", "implemented_on", "closed_on"),
        ProposalHandling: ("assigned_on",),
        OpinionAdoption: ("adopted_on",),
        Instruction: ("dated",),
        ConsultationOutcome: ("responded_on",),
        PointAppeal: ("raised_at__date", "resolved_at__date"),
    }
    for model, fields in dated.items():
        for name in fields:
            assert not model.objects.filter(**{f"{name}__gt": today}).exists(), (model.__name__, name)
