"""Outcomes to closure (issue 22): a proposal from submission to an A-rated
implementation, an opinion report's adoption ladder and leaders'
instructions, a consultation meeting's outcomes; each step's bad input, and
who may take it."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from activities.carriers import ActivityKind
from activities.models import (
    ConsultationOutcome,
    Instruction,
    OpinionAdoption,
    OpinionReport,
    Proposal,
    ProposalHandling,
    default_answer_due,
)
from sectors.models import Notification

from .factories import make_activity, make_member

D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF"
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture(autouse=True)
def _today(settings):
    settings.PORTAL_TODAY = "2025-12-01"


@pytest.fixture
def member_a(group_a):
    return make_member(group_a, "李委员")


@pytest.fixture
def proposal(group_a, member_a, leader_member):
    proposal = Proposal.objects.create(
        committee=group_a.committee,
        group=group_a,
        title="关于发展社区托育服务的提案",
        content="建议扩大普惠托育供给",
        submitted_on=D(2025, 1, 15),
        first_proposer=member_a,
    )
    proposal.proposers.set([member_a, leader_member])
    return proposal


@pytest.fixture
def report(group_a, member_a):
    report = OpinionReport.objects.create(
        committee=group_a.committee, group=group_a, title="关于老旧小区加装电梯的建议", submitted_on=D(2025, 2, 1)
    )
    report.submitters.set([member_a])
    return report


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def assert_error(response, field: str, message: str, **params) -> None:
    """The form comes back with the message, in Chinese, next to `field`."""
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    with translation.override("zh-hans"):
        params = {key: gettext(value) if isinstance(value, str) else value for key, value in params.items()}
        text = gettext(message) % params if params else gettext(message)
        assert escape(text) in response.content.decode(), text


BEFORE = "This date is before %(what)s (%(date)s)."
INVALID = "Select a valid choice. %(value)s is not one of the available choices."


def decide(client, proposal, **changes):
    data = {"decision": "accept", "decided_on": "2025-02-10", "note": "", "merged_into": ""} | changes
    return client.post(url("proposal_decide", proposal.pk), data)


def assign(client, proposal, **changes):
    data = {"lead_units": "市卫健委", "co_units": "市教育局，市民政局", "assigned_on": "2025-03-01"} | changes
    return client.post(url("proposal_assign", proposal.pk), data)


def answer(client, proposal, **changes):
    data = {"answered_on": "2025-05-20", "answer_text": "已纳入2025年民生实事"} | changes
    return client.post(url("proposal_answer", proposal.pk), data)


def feedback(client, proposal, **changes):
    data = {"satisfaction": "satisfied", "implementation": "A", "implemented_on": "2025-11-01"} | changes
    return client.post(url("proposal_feedback", proposal.pk), data)


# --- a proposal, from submission to closure -----------------------------------------


def test_a_proposal_goes_from_submission_to_an_a_rated_implementation(staff_client, proposal, member_a, leader_member):
    assert decide(staff_client, proposal).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_on, proposal.is_accepted) == ("filed", D(2025, 2, 10), True)

    assert assign(staff_client, proposal).status_code == 302
    proposal.refresh_from_db()
    units = {(h.unit, h.is_lead) for h in proposal.handlings.all()}
    assert units == {("市卫健委", True), ("市教育局", False), ("市民政局", False)}
    assert (proposal.status, proposal.answer_due) == ("assigned", D(2025, 6, 1))

    upload = SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf")
    assert answer(staff_client, proposal, answer_file=upload).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answered_on, proposal.answer_file_name) == (
        "answered",
        D(2025, 5, 20),
        "答复函.pdf",
    )
    download = staff_client.get(url("proposal_answer_file", proposal.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    assert feedback(staff_client, proposal).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.satisfaction, proposal.implementation, proposal.closed_on) == (
        "handled",
        "satisfied",
        "A",
        D(2025, 11, 1),
    )
    page = staff_client.get(url("proposal_detail", proposal.pk)).content.decode()
    assert "市卫健委" in page and "已纳入2025年民生实事" in page and "李委员" in page
    assert (proposal.first_proposer, proposal.co_proposers) == (member_a, [leader_member])


def test_the_answer_is_due_three_months_after_assignment_on_the_months_last_day_if_need_be():
    assert default_answer_due(D(2025, 3, 1)) == D(2025, 6, 1)
    assert default_answer_due(D(2025, 11, 30)) == D(2026, 2, 28)
    assert default_answer_due(D(2023, 11, 30)) == D(2024, 2, 29)


def test_a_typed_deadline_replaces_the_default_and_reassigning_replaces_the_units(staff_client, proposal):
    decide(staff_client, proposal)
    assign(staff_client, proposal)
    assign(staff_client, proposal, lead_units="市住建局", co_units="", answer_due="2025-04-15")
    proposal.refresh_from_db()
    assert [h.unit for h in proposal.handlings.all()] == ["市住建局"]
    assert proposal.answer_due == D(2025, 4, 15)


def test_a_proposal_can_be_declined_with_a_reason_or_merged_into_another(staff_client, proposal, group_a):
    other = Proposal.objects.create(
        committee=group_a.committee, group=group_a, title="关于托育的另一提案", submitted_on=D(2025, 1, 20)
    )
    decide(staff_client, proposal, decision="merge", merged_into=other.pk)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into) == ("merged", other)
    decide(staff_client, proposal, decision="decline", note="属于信访事项")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into, proposal.decision_note) == ("not_accepted", None, "属于信访事项")


# --- bad input, step by step -----------------------------------------------------------


def test_the_decision_refuses_bad_input(staff_client, proposal):
    assert_error(decide(staff_client, proposal, decision="decline"), "note", "Give the reason it was not accepted.")
    assert_error(
        decide(staff_client, proposal, decision="merge"), "merged_into", "Choose the proposal it was merged into."
    )
    assert_error(decide(staff_client, proposal, decided_on="2026-01-01"), "decided_on", "This date is in the future.")
    assert_error(
        decide(staff_client, proposal, decided_on="2025-01-01"),
        "decided_on",
        BEFORE,
        what="the submission",
        date=D(2025, 1, 15),
    )
    assert_error(decide(staff_client, proposal, decision="maybe"), "decision", INVALID, value="maybe")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_on) == ("submitted", None)


def test_the_decision_cannot_change_once_assigned(staff_client, proposal):
    decide(staff_client, proposal)
    assign(staff_client, proposal)
    response = decide(staff_client, proposal, decision="decline", note="重复")
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = gettext("This proposal has already been assigned; its decision can no longer change.")
    assert escape(message) in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "assigned"


def test_the_assignment_refuses_bad_input(staff_client, proposal):
    response = assign(staff_client, proposal)  # not accepted yet
    assert response.status_code == 200 and not ProposalHandling.objects.exists()
    decide(staff_client, proposal)
    assert_error(assign(staff_client, proposal, lead_units=" ，、 "), "lead_units", "Name at least one lead unit.")
    assert_error(
        assign(staff_client, proposal, co_units="市卫健委"),
        "co_units",
        "A unit cannot both lead and co-handle: %(units)s.",
        units="市卫健委",
    )
    assert_error(
        assign(staff_client, proposal, answer_due="2025-02-01"),
        "answer_due",
        "The answer cannot be due before the assignment.",
    )
    assert_error(
        assign(staff_client, proposal, assigned_on="2025-02-01"),
        "assigned_on",
        BEFORE,
        what="the acceptance",
        date=D(2025, 2, 10),
    )
    assert not ProposalHandling.objects.exists()


def test_the_answer_refuses_bad_input(staff_client, proposal):
    response = answer(staff_client, proposal)  # not assigned yet
    assert response.status_code == 200
    decide(staff_client, proposal)
    assign(staff_client, proposal)
    assert_error(answer(staff_client, proposal, answer_text="  "), "answer_text", "Type the answer or upload its file.")
    assert_error(
        answer(staff_client, proposal, answered_on="2025-02-01"),
        "answered_on",
        BEFORE,
        what="the assignment",
        date=D(2025, 3, 1),
    )
    exe = SimpleUploadedFile("答复.pdf", EXE, content_type="application/pdf")
    response = answer(staff_client, proposal, answer_file=exe)
    assert response.status_code == 200 and "answer_file" in response.context["form"].errors
    proposal.refresh_from_db()
    assert (proposal.answered_on, proposal.answer_file.name) == (None, "")


def test_the_feedback_refuses_bad_input(staff_client, proposal):
    assert feedback(staff_client, proposal).status_code == 200  # no answer yet
    assert Proposal.objects.get().satisfaction == ""
    decide(staff_client, proposal)
    assign(staff_client, proposal)
    answer(staff_client, proposal)
    assert_error(
        feedback(staff_client, proposal, implemented_on=""),
        "implemented_on",
        "Enter the date of the implementation grade.",
    )
    assert_error(
        feedback(staff_client, proposal, implementation=""),
        "implementation",
        "Choose the implementation grade for this date.",
    )
    assert_error(
        feedback(staff_client, proposal, implemented_on="2025-05-01"),
        "implemented_on",
        BEFORE,
        what="the answer",
        date=D(2025, 5, 20),
    )
    assert_error(feedback(staff_client, proposal, satisfaction="happy"), "satisfaction", INVALID, value="happy")


def test_only_satisfaction_keeps_the_proposal_answered_not_closed(staff_client, proposal):
    decide(staff_client, proposal)
    assign(staff_client, proposal)
    answer(staff_client, proposal)
    feedback(staff_client, proposal, implementation="", implemented_on="")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.satisfaction, proposal.closed_on) == ("answered", "satisfied", None)


def test_the_marks_refuse_bad_input_and_keep_good_input(staff_client, proposal):
    marks = url("proposal_marks", proposal.pk)
    assert_error(staff_client.post(marks, {"is_key": "on"}), "key_on", "Enter the date of the decision.")
    assert_error(staff_client.post(marks, {"is_key": "on"}), "key_by", "Choose the body that decided.")
    assert_error(
        staff_client.post(marks, {"is_excellent": "on"}), "excellent_year", "Enter the year it was named excellent."
    )
    assert_error(
        staff_client.post(marks, {"is_excellent": "on", "excellent_year": "2024"}),
        "excellent_year",
        "A proposal cannot be named excellent before it was submitted.",
    )
    assert_error(
        staff_client.post(marks, {"is_excellent": "on", "excellent_year": "2026"}),
        "excellent_year",
        "This year has not come yet.",
    )
    good = {"is_key": "on", "key_on": "2025-03-01", "key_by": "cppcc", "supervising_leader": "副主席张三"}
    staff_client.post(marks, good | {"is_excellent": "on", "excellent_year": "2025"})
    proposal.refresh_from_db()
    assert (proposal.is_key, proposal.supervising_leader, proposal.is_excellent, proposal.excellent_year) == (
        True,
        "副主席张三",
        True,
        2025,
    )


def test_the_proposal_form_asks_who_leads_a_joint_proposal(staff_client, group_a, member_a, leader_member):
    data = {
        "group": group_a.pk,
        "title": "联名提案",
        "submitted_on": "2025-01-15",
        "proposers": [member_a.pk, leader_member.pk],
        "status": "submitted",
    }
    response = staff_client.post(url("proposal_create"), data)
    assert_error(response, "first_proposer", "Choose which of the proposers leads the proposal.")
    other = make_member(group_a, "赵委员")
    response = staff_client.post(url("proposal_create"), data | {"first_proposer": other.pk})
    assert_error(response, "first_proposer", "The first proposer must be one of the proposers.")
    assert not Proposal.objects.exists()
    staff_client.post(url("proposal_create"), data | {"proposers": [member_a.pk]})
    assert Proposal.objects.get().first_proposer == member_a


# --- who may take each step ---------------------------------------------------------------


def test_a_leader_records_feedback_for_their_group_but_not_the_handling(leader_client, staff_client, proposal):
    assert decide(leader_client, proposal).status_code == 403
    assert assign(leader_client, proposal).status_code == 403
    decide(staff_client, proposal)
    assign(staff_client, proposal)
    answer(staff_client, proposal)
    assert feedback(leader_client, proposal).status_code == 302
    assert Proposal.objects.get().status == "handled"


def test_a_leader_cannot_reach_another_groups_proposal(leader_client, group_b):
    other = Proposal.objects.create(
        committee=group_b.committee, group=group_b, title="医卫", submitted_on=D(2025, 1, 1)
    )
    assert feedback(leader_client, other).status_code == 404
    assert leader_client.get(url("proposal_answer_file", other.pk)).status_code == 404


def test_the_chairman_reads_the_handling_and_changes_nothing(chairman_client, staff_client, proposal):
    decide(staff_client, proposal)
    for name in ("proposal_decide", "proposal_assign", "proposal_answer", "proposal_feedback", "proposal_marks"):
        assert chairman_client.post(url(name, proposal.pk), {}).status_code == 403
    page = chairman_client.get(url("proposal_detail", proposal.pk)).content.decode()
    assert "proposal-outcome" in page and url("proposal_decide", proposal.pk) not in page


# --- deadlines -------------------------------------------------------------------------------


def test_the_proposal_list_warns_of_overdue_answers(staff_client, leader_client, proposal, group_b):
    proposal.status, proposal.answer_due = Proposal.Status.ASSIGNED, D(2025, 11, 1)
    proposal.save()
    other = Proposal.objects.create(
        committee=group_b.committee,
        group=group_b,
        title="医卫逾期",
        submitted_on=D(2025, 1, 1),
        status=Proposal.Status.ASSIGNED,
        answer_due=D(2025, 10, 1),
    )
    page = staff_client.get(url("proposal_list")).content.decode()
    assert "proposal-deadlines" in page and proposal.title in page and other.title in page
    page = leader_client.get(url("proposal_list")).content.decode()
    assert proposal.title in page and other.title not in page  # their group only
    assert "proposal-overdue" in staff_client.get(url("proposal_detail", proposal.pk)).content.decode()


def test_the_deadline_box_follows_answers_and_the_days(staff_client, proposal, settings):
    """The box is cached, yet an answer takes a proposal off it at once, and a
    deadline that passes overnight moves it from due soon to overdue."""
    proposal.status, proposal.answer_due = Proposal.Status.ASSIGNED, D(2025, 12, 10)
    proposal.save()

    def box() -> str:
        page = staff_client.get(url("proposal_list")).content.decode()
        return (
            page.split('id="proposal-deadlines"', 1)[1].split("</div>\n</div>", 1)[0]
            if "proposal-deadlines" in page
            else ""
        )

    assert proposal.title in box() and "text-danger" not in box()  # due within two weeks
    settings.PORTAL_TODAY = "2025-12-11"
    assert proposal.title in box() and "text-danger" in box()  # overdue since yesterday
    proposal.answered_on = D(2025, 12, 11)
    proposal.save()
    assert box() == ""  # answered: off the box, though the list was cached a moment ago


def test_the_deadline_reminder_goes_once_to_staff_and_the_groups_leader(users, proposal):
    from reports.tasks import send_outcome_reminders

    proposal.status, proposal.answer_due = Proposal.Status.ASSIGNED, D(2025, 12, 5)
    proposal.save()
    assert send_outcome_reminders(day="2025-12-01") == 2  # due within a week: staff and leader
    assert send_outcome_reminders(day="2025-12-01") == 0
    assert send_outcome_reminders(day="2025-12-06") == 2  # overdue now: told again, once
    assert send_outcome_reminders(day="2025-12-07") == 0
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"staff", "leader"}
    proposal.answered_on = D(2025, 12, 7)
    proposal.save()
    assert send_outcome_reminders(day="2026-01-01") == 0


# --- opinion reports: the adoption ladder and instructions ----------------------------------


def adopt(client, report, **changes):
    data = {"level": "city", "adopted_by": "government", "body": "市政府办公室", "adopted_on": "2025-03-01"} | changes
    return client.post(url("adoption_add", report.pk), data)


def test_the_adoption_ladder_keeps_the_report_at_its_highest_rung(staff_client, report):
    assert adopt(staff_client, report).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.adopted_on, report.adopted_by) == ("adopted_city", D(2025, 3, 1), "government")
    adopt(staff_client, report, level="province", adopted_by="cppcc", body="省政协", adopted_on="2025-06-01")
    report.refresh_from_db()
    assert (report.status, report.adopted_on, report.adopted_by) == ("adopted_province", D(2025, 6, 1), "cppcc")
    province = report.adoptions.get(level="province")
    staff_client.post(url("adoption_delete", report.pk, province.pk))
    report.refresh_from_db()
    assert (report.status, report.adopted_on) == ("adopted_city", D(2025, 3, 1))
    page = staff_client.get(url("opinionreport_detail", report.pk)).content.decode()
    assert "市政府办公室" in page and "adoption-ladder" in page


def test_an_adoption_refuses_bad_input(staff_client, report):
    adopt(staff_client, report)
    assert_error(adopt(staff_client, report), "body", "This adoption is already recorded.")
    assert_error(
        adopt(staff_client, report, body="x", adopted_on="2025-01-01"),
        "adopted_on",
        BEFORE,
        what="the submission",
        date=D(2025, 2, 1),
    )
    assert_error(
        adopt(staff_client, report, body="y", adopted_on="2026-01-01"), "adopted_on", "This date is in the future."
    )
    assert_error(adopt(staff_client, report, level="moon"), "level", INVALID, value="moon")
    assert OpinionAdoption.objects.count() == 1


def test_an_adoption_typed_on_the_reports_form_is_its_first_rung(staff_client, group_a, member_a):
    data = {
        "group": group_a.pk,
        "title": "表单采用",
        "submitted_on": "2025-02-01",
        "submitters": [member_a.pk],
        "status": "adopted_city",
        "adopted_on": "2025-03-01",
        "adopted_by": "cppcc",
    }
    assert staff_client.post(url("opinionreport_create"), data).status_code == 302
    rung = OpinionAdoption.objects.get()
    assert (rung.level, rung.adopted_on) == ("committee", D(2025, 3, 1))
    form = staff_client.get(url("opinionreport_edit", rung.report_id)).context["form"]
    assert "status" not in form.fields  # from now on, rung by rung


def test_leaders_cannot_record_adoptions_or_instructions(leader_client, report):
    assert adopt(leader_client, report).status_code == 403
    assert leader_client.post(url("report_instruction_add", report.pk), {}).status_code == 403


def instruct(client, report, **changes):
    data = {"level": "city", "leader_title": "市长", "dated": "2025-04-01", "note": "请市卫健委研究"} | changes
    return client.post(url("report_instruction_add", report.pk), data)


def test_an_instruction_is_its_own_record_with_its_scan(staff_client, leader_client, report):
    scan = SimpleUploadedFile("批示.pdf", PDF, content_type="application/pdf")
    assert instruct(staff_client, report, scan=scan).status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.report, instruction.level, instruction.dated) == (report, "city", D(2025, 4, 1))
    download = leader_client.get(url("instruction_scan", instruction.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    staff_client.post(url("instruction_delete", instruction.pk))
    assert not Instruction.objects.exists()


def test_an_instruction_refuses_bad_input(staff_client, report, proposal):
    assert_error(instruct(staff_client, report, leader_title="  "), "leader_title", "This field is required.")
    assert_error(
        instruct(staff_client, report, dated="2025-01-01"), "dated", BEFORE, what="the submission", date=D(2025, 2, 1)
    )
    assert_error(instruct(staff_client, report, level="county"), "level", INVALID, value="county")
    exe = SimpleUploadedFile("批示.pdf", EXE, content_type="application/pdf")
    response = instruct(staff_client, report, scan=exe)
    assert response.status_code == 200 and "scan" in response.context["form"].errors
    assert not Instruction.objects.exists()
    staff_client.post(
        url("proposal_instruction_add", proposal.pk),
        {"level": "province", "leader_title": "副省长", "dated": "2025-03-01"},
    )
    assert Instruction.objects.get().proposal == proposal


# --- consultation outcomes --------------------------------------------------------------


@pytest.fixture
def consultation(group_a, member_a):
    return make_activity([group_a], kind=ActivityKind.CONSULTATION, attendees=[member_a], date=D(2025, 9, 10))


def test_a_consultation_meeting_records_its_outcomes(leader_client, consultation):
    data = {"suggestion": "建议建立托育补贴", "sent_to": "市政府", "response": "", "responded_on": ""}
    assert leader_client.post(url("outcome_add", consultation.pk), data).status_code == 302
    outcome = ConsultationOutcome.objects.get()
    data |= {"response": "已采纳", "responded_on": "2025-10-01"}
    leader_client.post(url("outcome_edit", outcome.pk), data)
    outcome.refresh_from_db()
    assert (outcome.response, outcome.responded_on) == ("已采纳", D(2025, 10, 1))
    page = leader_client.get(url("activity_detail", consultation.pk)).content.decode()
    assert "consultation-outcomes" in page and "建议建立托育补贴" in page
    leader_client.post(url("outcome_delete", outcome.pk))
    assert not ConsultationOutcome.objects.exists()


def test_a_consultation_outcome_refuses_bad_input(staff_client, consultation, group_a):
    add = url("outcome_add", consultation.pk)
    good = {"suggestion": "建议", "sent_to": "市政府", "response": "", "responded_on": ""}
    assert_error(staff_client.post(add, good | {"suggestion": " "}), "suggestion", "This field is required.")
    assert_error(
        staff_client.post(add, good | {"response": "已采纳"}), "responded_on", "Enter the date of the response."
    )
    assert_error(staff_client.post(add, good | {"responded_on": "2025-10-01"}), "response", "Enter the response.")
    assert_error(
        staff_client.post(add, good | {"response": "好", "responded_on": "2025-09-01"}),
        "responded_on",
        "The response cannot come before the meeting.",
    )
    study = make_activity([group_a], kind=ActivityKind.STUDY)
    assert staff_client.post(url("outcome_add", study.pk), good).status_code == 302
    assert not ConsultationOutcome.objects.exists()


def test_the_chairman_and_other_groups_leaders_cannot_add_outcomes(chairman_client, leader_client, group_b):
    theirs = make_activity([group_b], kind=ActivityKind.CONSULTATION)
    good = {"suggestion": "建议", "sent_to": "市政府"}
    assert chairman_client.post(url("outcome_add", theirs.pk), good).status_code == 403
    assert leader_client.post(url("outcome_add", theirs.pk), good).status_code == 404
    assert not ConsultationOutcome.objects.exists()


# --- the data migration ------------------------------------------------------------------


def test_the_migration_gives_adopted_reports_a_rung_and_proposals_their_first_proposer(
    report, group_a, member_a, leader_member
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("activities.migrations.0007_p22a_outcome_data")
    OpinionReport.objects.filter(pk=report.pk).update(
        status="adopted_province", adopted_on=D(2025, 5, 1), adopted_by="cppcc"
    )
    joint = Proposal.objects.create(
        committee=group_a.committee, group=group_a, title="旧提案", submitted_on=D(2024, 1, 1)
    )
    joint.proposers.add(leader_member)
    joint.proposers.add(member_a)
    migration.ladder_and_first_proposers(apps, None)
    rung = OpinionAdoption.objects.get()
    assert (rung.report_id, rung.level, rung.adopted_on, rung.adopted_by) == (
        report.pk,
        "province",
        D(2025, 5, 1),
        "cppcc",
    )
    joint.refresh_from_db()
    assert joint.first_proposer == leader_member
