"""Pages of the outcome steps: a proposal's handling (decision, assignment,
answer, satisfaction and implementation, key and excellent marks), an opinion
report's adoption ladder, leaders' instructions on either, and a consultation
meeting's outcomes.

Each step is one small page with one form (GET shows it, POST saves through
activities.services.outcomes and returns to the record's page); the record's
page shows where it stands. Committee staff and administrators handle
proposals and adoptions; a group leader records their own group's
satisfaction and implementation feedback and their own consultation
meetings' outcomes; the chairman reads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from activities.carriers import ActivityKind
from activities.forms import outcomes as forms
from activities.models import Activity, ConsultationOutcome, Instruction, OpinionReport, Proposal
from activities.selectors import outcomes as selectors
from activities.services import outcomes as services
from activities.uploads import served_type
from portal import roles
from portal.access import portal_view
from sectors.scope import get_scoped_or_404

HANDLERS = frozenset({roles.STAFF, roles.ADMIN})
TEMPLATE = "activities/outcomes/step_form.html"


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    return get_scoped_or_404(request.user, Proposal.objects.select_related("group"), pk=proposal_id)


def _report(request: HttpRequest, report_id: int) -> OpinionReport:
    return get_scoped_or_404(request.user, OpinionReport.objects.select_related("group"), pk=report_id)


def _step(
    request: HttpRequest,
    *,
    record: Model,
    form: Callable[..., forms.StepForm],
    save: Callable[[forms.StepForm], object],
    title: str,
    back: str,
    done: str,
) -> HttpResponse:
    """One step's page: the form, saved through `save`, then back to the record."""
    if request.method == "POST":
        bound = form(request.POST, request.FILES)
        if bound.is_valid():
            try:
                save(bound)
            except ValidationError as refused:
                bound.add_error(None, refused)
            else:
                messages.success(request, done)
                return redirect(back)
    else:
        bound = form()
    return render(request, TEMPLATE, {"form": bound, "record": record, "title": title, "back": back})


def _proposal_url(proposal: Proposal) -> str:
    return reverse("proposal_detail", args=[proposal.pk])


# --- proposals -------------------------------------------------------------------


@portal_view(HANDLERS, write=True)
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    initial = {"decision": {"filed": "accept", "not_accepted": "decline", "merged": "merge"}.get(proposal.status)}
    if proposal.decided_on:
        initial |= {"decided_on": proposal.decided_on, "note": proposal.decision_note}
        initial["merged_into"] = proposal.merged_into_id

    def save(form):
        data = form.cleaned_data
        services.proposal_decide(
            user=request.user,
            proposal=proposal,
            decision=data["decision"],
            decided_on=data["decided_on"],
            note=data["note"],
            merged_into=data["merged_into"],
        )

    return _step(
        request,
        record=proposal,
        form=lambda *args: forms.ProposalDecisionForm(
            *args, record=proposal, merge_choices=selectors.merge_choices(request.user, proposal), initial=initial
        ),
        save=save,
        title=_("Accept, decline or merge"),
        back=_proposal_url(proposal),
        done=_("The decision is recorded."),
    )


@portal_view(HANDLERS, write=True)
def proposal_assign(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    handlings = list(proposal.handlings.all())
    initial = {}
    if handlings:
        initial = {
            "lead_units": "，".join(h.unit for h in handlings if h.is_lead),
            "co_units": "，".join(h.unit for h in handlings if not h.is_lead),
            "assigned_on": handlings[0].assigned_on,
            "answer_due": proposal.answer_due,
        }

    def save(form):
        data = form.cleaned_data
        services.proposal_assign(
            user=request.user,
            proposal=proposal,
            lead_units=data["lead_units"],
            co_units=data["co_units"],
            assigned_on=data["assigned_on"],
            answer_due=data["answer_due"],
        )

    return _step(
        request,
        record=proposal,
        form=lambda *args: forms.ProposalAssignForm(*args, record=proposal, initial=initial),
        save=save,
        title=_("Assign to handling units"),
        back=_proposal_url(proposal),
        done=_("The proposal is assigned."),
    )


@portal_view(HANDLERS, write=True)
def proposal_answer(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    initial = {"answered_on": proposal.answered_on, "answer_text": proposal.answer_text} if proposal.answered_on else {}

    def save(form):
        data = form.cleaned_data
        services.proposal_answer(
            user=request.user,
            proposal=proposal,
            answered_on=data["answered_on"],
            text=data["answer_text"],
            upload=data["answer_file"] or None,
        )

    return _step(
        request,
        record=proposal,
        form=lambda *args: forms.ProposalAnswerForm(*args, record=proposal, initial=initial),
        save=save,
        title=_("Record the answer"),
        back=_proposal_url(proposal),
        done=_("The answer is recorded."),
    )


@portal_view(roles.EDITORS, write=True)
def proposal_feedback(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    initial = {
        "satisfaction": proposal.satisfaction,
        "implementation": proposal.implementation,
        "implemented_on": proposal.implemented_on,
    }

    def save(form):
        data = form.cleaned_data
        services.proposal_feedback(
            user=request.user,
            proposal=proposal,
            satisfaction=data["satisfaction"],
            implementation=data["implementation"],
            implemented_on=data["implemented_on"],
        )

    return _step(
        request,
        record=proposal,
        form=lambda *args: forms.ProposalFeedbackForm(*args, record=proposal, initial=initial),
        save=save,
        title=_("Satisfaction and implementation"),
        back=_proposal_url(proposal),
        done=_("The feedback is recorded."),
    )


@portal_view(HANDLERS, write=True)
def proposal_marks(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    names = ("is_key", "key_on", "key_by", "supervising_leader", "is_excellent", "excellent_year")
    initial = {name: getattr(proposal, name) for name in names}

    def save(form):
        services.proposal_marks(user=request.user, proposal=proposal, **form.cleaned_data)

    return _step(
        request,
        record=proposal,
        form=lambda *args: forms.ProposalMarksForm(*args, record=proposal, initial=initial),
        save=save,
        title=_("Key and excellent proposal"),
        back=_proposal_url(proposal),
        done=_("Saved: %(record)s") % {"record": proposal},
    )


def _stored_file(field_file, name: str) -> FileResponse:
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=name, content_type=served_type(field_file, name))


@portal_view(roles.ALL_ROLES)
def proposal_answer_file(request: HttpRequest, proposal_id: int) -> FileResponse:
    proposal = _proposal(request, proposal_id)
    return _stored_file(proposal.answer_file, proposal.answer_file_name or proposal.answer_file.name)


# --- adoptions and instructions ------------------------------------------------------


@portal_view(HANDLERS, write=True)
def adoption_add(request: HttpRequest, opinionreport_id: int) -> HttpResponse:
    report = _report(request, opinionreport_id)

    def save(form):
        services.adoption_add(user=request.user, report=report, **form.cleaned_data)

    return _step(
        request,
        record=report,
        form=lambda *args: forms.AdoptionForm(*args, record=report),
        save=save,
        title=_("Record an adoption"),
        back=reverse("opinionreport_detail", args=[report.pk]),
        done=_("The adoption is recorded."),
    )


@portal_view(HANDLERS, write=True)
def adoption_delete(request: HttpRequest, opinionreport_id: int, adoption_id: int) -> HttpResponse:
    report = _report(request, opinionreport_id)
    rung = report.adoptions.filter(pk=adoption_id).first()
    if rung is None:
        raise Http404
    back = reverse("opinionreport_detail", args=[report.pk])
    if request.method == "POST":
        services.adoption_delete(user=request.user, rung=rung)
        messages.success(request, _("Deleted: %(record)s") % {"record": rung})
        return redirect(back)
    return render(request, "activities/outcomes/confirm_delete.html", {"record": report, "item": rung, "back": back})


def _instruction_step(request: HttpRequest, record: OpinionReport | Proposal, back: str) -> HttpResponse:
    def save(form):
        data = dict(form.cleaned_data)
        upload = data.pop("scan") or None
        services.instruction_add(user=request.user, record=record, form_data=data, upload=upload)

    return _step(
        request,
        record=record,
        form=lambda *args: forms.InstructionForm(*args, record=record),
        save=save,
        title=_("Record a leader's instruction"),
        back=back,
        done=_("The instruction is recorded."),
    )


@portal_view(HANDLERS, write=True)
def report_instruction_add(request: HttpRequest, opinionreport_id: int) -> HttpResponse:
    report = _report(request, opinionreport_id)
    return _instruction_step(request, report, reverse("opinionreport_detail", args=[report.pk]))


@portal_view(HANDLERS, write=True)
def proposal_instruction_add(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    return _instruction_step(request, proposal, _proposal_url(proposal))


def _instruction(request: HttpRequest, instruction_id: int) -> Instruction:
    visible: QuerySet[Instruction] = selectors.instructions_visible(request.user)
    instruction = visible.filter(pk=instruction_id).first()
    if instruction is None:
        raise Http404
    return instruction


def _instruction_back(instruction: Instruction) -> str:
    if instruction.report_id:
        return reverse("opinionreport_detail", args=[instruction.report_id])
    return reverse("proposal_detail", args=[instruction.proposal_id])


@portal_view(HANDLERS, write=True)
def instruction_delete(request: HttpRequest, instruction_id: int) -> HttpResponse:
    instruction = _instruction(request, instruction_id)
    back = _instruction_back(instruction)
    if request.method == "POST":
        services.instruction_delete(user=request.user, instruction=instruction)
        messages.success(request, _("Deleted: %(record)s") % {"record": instruction})
        return redirect(back)
    context = {"record": instruction.record, "item": instruction, "back": back}
    return render(request, "activities/outcomes/confirm_delete.html", context)


@portal_view(roles.ALL_ROLES)
def instruction_scan(request: HttpRequest, instruction_id: int) -> FileResponse:
    instruction = _instruction(request, instruction_id)
    return _stored_file(instruction.scan, instruction.scan_name or instruction.scan.name)


# --- consultation outcomes -------------------------------------------------------------


def _activity(request: HttpRequest, activity_id: int) -> Activity:
    activities = Activity.objects.prefetch_related("groups")
    return get_scoped_or_404(request.user, activities, group_path="groups", pk=activity_id)


def _outcome_step(request: HttpRequest, activity: Activity, outcome: ConsultationOutcome | None) -> HttpResponse:
    back = reverse("activity_detail", args=[activity.pk])
    if activity.kind != ActivityKind.CONSULTATION:
        messages.error(request, _("Only a consultation meeting has outcomes."))
        return redirect(back)
    if not services.can_change_activity(request.user, activity):
        messages.error(request, _("Only the committee's staff can change a joint activity's outcomes."))
        return redirect(back)
    return _step(
        request,
        record=activity,
        form=lambda *args: forms.ConsultationOutcomeForm(*args[:1], instance=outcome, activity=activity),
        save=lambda form: services.outcome_save(user=request.user, activity=activity, outcome=form.instance),
        title=_("Consultation outcome"),
        back=back,
        done=_("The outcome is recorded."),
    )


@portal_view(roles.EDITORS, write=True)
def outcome_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _outcome_step(request, _activity(request, activity_id), None)


def _outcome(request: HttpRequest, outcome_id: int) -> ConsultationOutcome:
    outcomes = ConsultationOutcome.objects.select_related("activity").prefetch_related("activity__groups")
    return get_scoped_or_404(request.user, outcomes, group_path="activity__groups", pk=outcome_id)


@portal_view(roles.EDITORS, write=True)
def outcome_edit(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _outcome(request, outcome_id)
    return _outcome_step(request, outcome.activity, outcome)


@portal_view(roles.EDITORS, write=True)
def outcome_delete(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = _outcome(request, outcome_id)
    activity = outcome.activity
    back = reverse("activity_detail", args=[activity.pk])
    if not services.can_change_activity(request.user, activity):
        messages.error(request, _("Only the committee's staff can change a joint activity's outcomes."))
        return redirect(back)
    if request.method == "POST":
        services.outcome_delete(user=request.user, outcome=outcome)
        messages.success(request, _("Deleted: %(record)s") % {"record": outcome})
        return redirect(back)
    context = {"record": activity, "item": outcome, "back": back}
    return render(request, "activities/outcomes/confirm_delete.html", context)


urlpatterns = [
    path("proposals/<int:proposal_id>/decide/", proposal_decide, name="proposal_decide"),
    path("proposals/<int:proposal_id>/assign/", proposal_assign, name="proposal_assign"),
    path("proposals/<int:proposal_id>/answer/", proposal_answer, name="proposal_answer"),
    path("proposals/<int:proposal_id>/answer/file/", proposal_answer_file, name="proposal_answer_file"),
    path("proposals/<int:proposal_id>/feedback/", proposal_feedback, name="proposal_feedback"),
    path("proposals/<int:proposal_id>/marks/", proposal_marks, name="proposal_marks"),
    path("proposals/<int:proposal_id>/instructions/new/", proposal_instruction_add, name="proposal_instruction_add"),
    path("opinion-reports/<int:opinionreport_id>/adoptions/new/", adoption_add, name="adoption_add"),
    path(
        "opinion-reports/<int:opinionreport_id>/adoptions/<int:adoption_id>/delete/",
        adoption_delete,
        name="adoption_delete",
    ),
    path(
        "opinion-reports/<int:opinionreport_id>/instructions/new/",
        report_instruction_add,
        name="report_instruction_add",
    ),
    path("instructions/<int:instruction_id>/delete/", instruction_delete, name="instruction_delete"),
    path("instructions/<int:instruction_id>/scan/", instruction_scan, name="instruction_scan"),
    path("activities/<int:activity_id>/outcomes/new/", outcome_add, name="outcome_add"),
    path("consultation-outcomes/<int:outcome_id>/edit/", outcome_edit, name="outcome_edit"),
    path("consultation-outcomes/<int:outcome_id>/delete/", outcome_delete, name="outcome_delete"),
]
