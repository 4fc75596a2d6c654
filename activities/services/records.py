"""Writes for the six record types.

Each service takes a validated form, sets what the user does not choose
(committee, the member's group, the uploader, the file's original name),
checks once more that the user may write for that group, and saves inside
one transaction. django-simple-history records who changed what.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from activities.forms.records import (
    ConstituentContactForm,
    DutyReportForm,
    GroupDocumentForm,
    OpinionReportForm,
    ProposalForm,
    WorkstationForm,
)
from activities.models import ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from sectors.models import Constituent, Workstation
from sectors.scope import check_group_allowed

from .m2m_history import save_m2m_in_history
from .outcomes import ladder_from_report_form


@transaction.atomic
def opinion_report_save(*, user, form: OpinionReportForm) -> OpinionReport:
    report = form.save(commit=False)
    check_group_allowed(user, report.group)
    report.committee = report.group.committee
    report.save()
    save_m2m_in_history(report, form, ("submitters",))
    ladder_from_report_form(report)
    return report


@transaction.atomic
def proposal_save(*, user, form: ProposalForm) -> Proposal:
    proposal = form.save(commit=False)
    check_group_allowed(user, proposal.group)
    proposal.committee = proposal.group.committee
    proposal.number = proposal.number.strip()
    proposal.save()
    save_m2m_in_history(proposal, form, ("proposers",))
    return proposal


@transaction.atomic
def contact_save(*, user, form: ConstituentContactForm) -> ConstituentContact:
    """The contact's group is the member's group on the day of the contact. A
    typed-in constituent already recorded (same name and mobile) is reused."""
    contact = form.save(commit=False)
    check_group_allowed(user, form.group)
    contact.group = form.group
    if form.matched_constituent is not None:
        contact.constituent = form.matched_constituent
    elif not contact.constituent_id:
        contact.constituent = Constituent.objects.create(
            committee=form.group.committee,
            name=form.cleaned_data["new_name"].strip(),
            description=form.cleaned_data["new_description"].strip(),
            mobile=form.cleaned_data["new_mobile"].strip(),
        )
    contact.save()
    return contact


@transaction.atomic
def duty_report_save(*, user, form: DutyReportForm) -> DutyReport:
    """The report's group is the member's group on the day of the report."""
    report = form.save(commit=False)
    check_group_allowed(user, form.group)
    report.group = form.group
    report.save()
    return report


@transaction.atomic
def workstation_save(*, user, form: WorkstationForm) -> Workstation:
    workstation = form.save(commit=False)
    check_group_allowed(user, workstation.group)
    workstation.is_active = workstation.closed_on is None  # the form sets the date; reopening clears it
    workstation.save()
    return workstation


@transaction.atomic
def document_save(*, user, form: GroupDocumentForm) -> GroupDocument:
    document = form.save(commit=False)
    check_group_allowed(user, document.group)
    if "file" in form.changed_data:
        old_file = form.initial.get("file")
        old_name = old_file.name if old_file else ""
        document.original_name = form.cleaned_data["file"].name[:200]
        document.uploaded_by = user
        if old_name:
            transaction.on_commit(lambda: document.file.storage.delete(old_name))
    document.save()
    return document


@transaction.atomic
def record_delete(*, user, record: Model, group_path: str = "group") -> None:
    check_group_allowed(user, getattr(record, group_path))
    stored_file = getattr(record, "file", None)
    record.delete()
    if stored_file:
        name, storage = stored_file.name, stored_file.storage
        transaction.on_commit(lambda: storage.delete(name))
