"""Writes that follow a record to its outcome (issue 22, "outcomes to closure").

A proposal's flow: the decision (accepted 立案 / not accepted / merged), the
assignment to handling units (交办), the answer (答复), the proposer's
satisfaction and the implementation grade, after which it is closed (办结);
its key (重点) and excellent (优秀) marks. An opinion report's adoption ladder
(采用, one rung per level and body) and leaders' instructions (批示). A
consultation meeting's outcomes (协商成果).

Each service checks once more that the user may write for the record's group,
saves inside one transaction and leaves the change in the record's history
(django-simple-history). The report's own status, adoption date and body are
kept equal to its highest rung here, so every existing figure reads the ladder.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import (
    ADOPTION_RANK,
    LEVEL_STATUS,
    Activity,
    ConsultationOutcome,
    Instruction,
    OpinionAdoption,
    OpinionReport,
    Proposal,
    ProposalHandling,
    default_answer_due,
)
from activities.services.activity import can_change_activity
from sectors.scope import check_group_allowed

DECISIONS = {
    "accept": Proposal.Status.FILED,
    "decline": Proposal.Status.NOT_ACCEPTED,
    "merge": Proposal.Status.MERGED,
}

# The states a decision can still be changed from: once assigned, the handling has begun.
UNDECIDED_OR_DECIDED = (
    Proposal.Status.SUBMITTED,
    Proposal.Status.FILED,
    Proposal.Status.NOT_ACCEPTED,
    Proposal.Status.MERGED,
)


def _saved(proposal: Proposal, *fields: str) -> Proposal:
    proposal.full_clean(validate_unique=False, validate_constraints=False)
    proposal.save(update_fields=list(fields))
    return proposal


@transaction.atomic
def proposal_decide(
    *,
    user,
    proposal: Proposal,
    decision: str,
    decided_on: datetime.date,
    note: str = "",
    merged_into: Proposal | None = None,
) -> Proposal:
    """Accept (立案), decline or merge a submitted proposal."""
    check_group_allowed(user, proposal.group)
    if proposal.status not in UNDECIDED_OR_DECIDED:
        raise ValidationError(_("This proposal has already been assigned; its decision can no longer change."))
    if decision == "merge" and (merged_into is None or merged_into.pk == proposal.pk):
        raise ValidationError(_("Choose the proposal it was merged into."))
    proposal.status = DECISIONS[decision]
    proposal.decided_on = decided_on
    proposal.decision_note = note.strip()
    proposal.merged_into = merged_into if decision == "merge" else None
    return _saved(proposal, "status", "decided_on", "decision_note", "merged_into")


@transaction.atomic
def proposal_assign(
    *,
    user,
    proposal: Proposal,
    lead_units: Sequence[str],
    co_units: Sequence[str],
    assigned_on: datetime.date,
    answer_due: datetime.date | None = None,
) -> Proposal:
    """Assign an accepted proposal to its handling units (交办): the lead
    units (主办) and co-handlers (协办). Assigning again replaces the units;
    the answer is due `answer_due`, by default three months after assignment."""
    check_group_allowed(user, proposal.group)
    if not proposal.is_accepted:
        raise ValidationError(_("Only an accepted proposal can be assigned."))
    proposal.handlings.all().delete()
    # One by one (a few units): each row keeps its history, as every record does.
    for unit, is_lead in [(unit, True) for unit in lead_units] + [(unit, False) for unit in co_units]:
        ProposalHandling.objects.create(proposal=proposal, unit=unit, is_lead=is_lead, assigned_on=assigned_on)
    proposal.answer_due = answer_due or default_answer_due(assigned_on)
    if proposal.status == Proposal.Status.FILED:
        proposal.status = Proposal.Status.ASSIGNED
    return _saved(proposal, "answer_due", "status")


@transaction.atomic
def proposal_answer(*, user, proposal: Proposal, answered_on: datetime.date, text: str, upload=None) -> Proposal:
    """Record the handling units' answer (答复): its date and its text or file."""
    check_group_allowed(user, proposal.group)
    if not proposal.handlings.exists():
        raise ValidationError(_("Assign the proposal to its handling units before recording the answer."))
    proposal.answered_on = answered_on
    proposal.answer_text = text.strip()
    fields = ["answered_on", "answer_text", "status"]
    if upload is not None:
        old = proposal.answer_file.name if proposal.answer_file else ""
        proposal.answer_file = upload
        proposal.answer_file_name = upload.name[:200]
        fields += ["answer_file", "answer_file_name"]
        if old:
            storage = proposal.answer_file.storage
            transaction.on_commit(lambda: storage.delete(old))
    if proposal.status == Proposal.Status.ASSIGNED:
        proposal.status = Proposal.Status.ANSWERED
    return _saved(proposal, *fields)


@transaction.atomic
def proposal_feedback(
    *,
    user,
    proposal: Proposal,
    satisfaction: str,
    implementation: str,
    implemented_on: datetime.date | None,
) -> Proposal:
    """The proposer's satisfaction (满意 / 基本满意 / 不满意) and the
    implementation grade (A–D) with its date; with both, the proposal is
    closed (办结) on that date. Without both it is open again (answered)."""
    check_group_allowed(user, proposal.group)
    if proposal.answered_on is None:
        raise ValidationError(_("Record the answer before the satisfaction and the implementation."))
    proposal.satisfaction = satisfaction
    proposal.implementation = implementation
    proposal.implemented_on = implemented_on if implementation else None
    complete = bool(satisfaction and implementation)
    proposal.status = Proposal.Status.HANDLED if complete else Proposal.Status.ANSWERED
    proposal.closed_on = implemented_on if complete else None
    return _saved(proposal, "satisfaction", "implementation", "implemented_on", "status", "closed_on")


@transaction.atomic
def proposal_marks(
    *,
    user,
    proposal: Proposal,
    is_key: bool,
    key_on: datetime.date | None,
    key_by: str,
    supervising_leader: str,
    is_excellent: bool,
    excellent_year: int | None,
) -> Proposal:
    """A key proposal (重点提案) with its date, body and supervising leader
    (督办领导); an excellent proposal (优秀提案) with its year."""
    check_group_allowed(user, proposal.group)
    proposal.is_key, proposal.key_on, proposal.key_by = is_key, key_on if is_key else None, key_by if is_key else ""
    proposal.supervising_leader = supervising_leader.strip() if is_key else ""
    proposal.is_excellent = is_excellent
    proposal.excellent_year = excellent_year if is_excellent else None
    return _saved(proposal, "is_key", "key_on", "key_by", "supervising_leader", "is_excellent", "excellent_year")


# --- opinion reports: the adoption ladder and leaders' instructions ----------


def report_sync_adoption(report: OpinionReport) -> None:
    """The report's status, adoption date and body are its highest rung (the
    earliest of that rung's dates); without rungs it is a submitted report."""
    rungs = sorted(report.adoptions.all(), key=lambda rung: (-ADOPTION_RANK[rung.level], rung.adopted_on, rung.pk))
    top = rungs[0] if rungs else None
    report.status = LEVEL_STATUS[top.level] if top else OpinionReport.Status.SUBMITTED
    report.adopted_on = top.adopted_on if top else None
    report.adopted_by = top.adopted_by if top else ""
    report.save(update_fields=["status", "adopted_on", "adopted_by"])


@transaction.atomic
def adoption_add(*, user, report: OpinionReport, level: str, adopted_by: str, body: str, adopted_on) -> OpinionAdoption:
    check_group_allowed(user, report.group)
    if adopted_on < report.submitted_on:
        raise ValidationError(
            _("The decision cannot come before the submission (%(date)s).") % {"date": report.submitted_on}
        )
    if report.adoptions.filter(level=level, body=body.strip()).exists():
        raise ValidationError(_("This adoption is already recorded."))
    rung = OpinionAdoption.objects.create(
        report=report, level=level, adopted_by=adopted_by, body=body.strip(), adopted_on=adopted_on
    )
    report_sync_adoption(report)
    return rung


@transaction.atomic
def adoption_delete(*, user, rung: OpinionAdoption) -> None:
    report = rung.report
    check_group_allowed(user, report.group)
    rung.delete()
    report_sync_adoption(report)


def ladder_from_report_form(report: OpinionReport) -> None:
    """An adoption typed on the report's own form (status, date, body) becomes
    the report's first rung: the ladder stays the one record of adoptions."""
    if not report.is_adopted or report.adoptions.exists():
        return
    level = {status: level for level, status in LEVEL_STATUS.items() if level != "committee"}[report.status]
    if level == "city" and report.adopted_by == "cppcc":
        level = "committee"
    OpinionAdoption.objects.create(
        report=report, level=level, adopted_by=report.adopted_by, body="", adopted_on=report.adopted_on
    )


@transaction.atomic
def instruction_add(*, user, record: OpinionReport | Proposal, form_data: dict, upload=None) -> Instruction:
    """A leader's written instruction (批示) on a report or a proposal."""
    check_group_allowed(user, record.group)
    instruction = Instruction(
        report=record if isinstance(record, OpinionReport) else None,
        proposal=record if isinstance(record, Proposal) else None,
        level=form_data["level"],
        leader_title=form_data["leader_title"].strip(),
        dated=form_data["dated"],
        note=form_data.get("note", "").strip(),
    )
    if upload is not None:
        instruction.scan, instruction.scan_name = upload, upload.name[:200]
    instruction.save()
    return instruction


@transaction.atomic
def instruction_delete(*, user, instruction: Instruction) -> None:
    check_group_allowed(user, instruction.record.group)
    scan = instruction.scan.name if instruction.scan else ""
    storage = instruction.scan.storage
    instruction.delete()
    if scan:
        transaction.on_commit(lambda: storage.delete(scan))


# --- consultation outcomes -----------------------------------------------------


def _check_activity(user, activity: Activity) -> None:
    if not can_change_activity(user, activity):
        raise PermissionDenied


@transaction.atomic
def outcome_save(*, user, activity: Activity, outcome: ConsultationOutcome) -> ConsultationOutcome:
    """Add or change one outcome of a consultation meeting."""
    _check_activity(user, activity)
    outcome.activity = activity
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def outcome_delete(*, user, outcome: ConsultationOutcome) -> None:
    _check_activity(user, outcome.activity)
    outcome.delete()
