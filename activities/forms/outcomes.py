"""Forms of the outcome steps (activities.services.outcomes): each step of a
proposal's handling, an adoption rung, a leader's instruction and a
consultation outcome. The rules a person can break by typing (future dates,
a date before the step it follows, a missing text) are checked here, next to
the field concerned, with a message in the portal's language."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from activities.models import (
    AdoptingBody,
    AdoptionLevel,
    ConsultationOutcome,
    InstructionLevel,
    Proposal,
)
from activities.uploads import validate_upload
from portal import clock

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNIT_SPLIT = re.compile(r"[,，、;；\n]+")


def _date_field(label, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


def _not_before(form: forms.Form, name: str, earliest: datetime.date | None, what: str) -> None:
    value = form.cleaned_data.get(name)
    if value and earliest and value < earliest:
        form.add_error(name, _("This date is before %(what)s (%(date)s).") % {"what": what, "date": earliest})


class StepForm(forms.Form):
    """A step on one proposal (or report): dates are not in the future."""

    not_future: tuple[str, ...] = ()

    def __init__(self, *args, record, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.record = record

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.not_future:
            value = cleaned.get(name)
            if value and value > clock.today():
                self.add_error(name, _("This date is in the future."))
        return cleaned


class ProposalDecisionForm(StepForm):
    not_future = ("decided_on",)
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("accept", _("Accept (立案)")), ("decline", _("Do not accept")), ("merge", _("Merge into another"))],
        widget=forms.RadioSelect,
    )
    decided_on = _date_field(_("date of the decision"))
    merged_into = forms.ModelChoiceField(queryset=Proposal.objects.none(), required=False, label=_("merged into"))
    note = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args, merge_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = merge_choices
        self.fields["merged_into"].widget.attrs["data-searchable"] = ""
        self.initial.setdefault("decided_on", clock.today())

    def clean(self) -> dict:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "merge" and not cleaned.get("merged_into") and "merged_into" not in self.errors:
            self.add_error("merged_into", _("Choose the proposal it was merged into."))
        if decision == "decline" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason it was not accepted."))
        _not_before(self, "decided_on", self.record.submitted_on, _("the submission"))
        return cleaned


class ProposalAssignForm(StepForm):
    not_future = ("assigned_on",)
    lead_units = forms.CharField(label=_("lead units (主办)"), max_length=500)
    co_units = forms.CharField(label=_("co-handling units (协办)"), max_length=500, required=False)
    assigned_on = _date_field(_("assigned on"))
    answer_due = _date_field(_("answer due"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_units"].help_text = _("Separate several units with commas.")
        self.fields["answer_due"].help_text = _("Leave empty for three months after assignment.")
        self.initial.setdefault("assigned_on", clock.today())

    @staticmethod
    def _units(text: str) -> list[str]:
        units: list[str] = []
        for unit in UNIT_SPLIT.split(text or ""):
            unit = unit.strip()[:100]
            if unit and unit not in units:
                units.append(unit)
        return units

    def clean_lead_units(self) -> list[str]:
        units = self._units(self.cleaned_data["lead_units"])
        if not units:
            raise forms.ValidationError(_("Name at least one lead unit."))
        return units

    def clean_co_units(self) -> list[str]:
        return self._units(self.cleaned_data["co_units"])

    def clean(self) -> dict:
        cleaned = super().clean()
        both = set(cleaned.get("lead_units") or []) & set(cleaned.get("co_units") or [])
        if both:
            message = _("A unit cannot both lead and co-handle: %(units)s.") % {"units": "、".join(sorted(both))}
            self.add_error("co_units", message)
        _not_before(self, "assigned_on", self.record.decided_on or self.record.submitted_on, _("the acceptance"))
        assigned, due = cleaned.get("assigned_on"), cleaned.get("answer_due")
        if assigned and due and due < assigned:
            self.add_error("answer_due", _("The answer cannot be due before the assignment."))
        return cleaned


class ProposalAnswerForm(StepForm):
    not_future = ("answered_on",)
    answered_on = _date_field(_("answered on"))
    answer_text = forms.CharField(label=_("answer"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    answer_file = forms.FileField(label=_("answer file"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("answered_on", clock.today())

    def clean_answer_file(self):
        upload = self.cleaned_data.get("answer_file")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        has_file = cleaned.get("answer_file") or self.record.answer_file
        if not cleaned.get("answer_text", "").strip() and not has_file and "answer_file" not in self.errors:
            self.add_error("answer_text", _("Type the answer or upload its file."))
        first = self.record.handlings.order_by("assigned_on").first()
        _not_before(self, "answered_on", first.assigned_on if first else None, _("the assignment"))
        return cleaned


class ProposalFeedbackForm(StepForm):
    not_future = ("implemented_on",)
    satisfaction = forms.ChoiceField(
        label=_("satisfaction"), choices=[("", "—"), *Proposal.Satisfaction.choices], required=False
    )
    implementation = forms.ChoiceField(
        label=_("implementation"), choices=[("", "—"), *Proposal.Implementation.choices], required=False
    )
    implemented_on = _date_field(_("implementation graded on"), required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("implementation") and not cleaned.get("implemented_on") and "implemented_on" not in self.errors:
            self.add_error("implemented_on", _("Enter the date of the implementation grade."))
        if cleaned.get("implemented_on") and not cleaned.get("implementation"):
            self.add_error("implementation", _("Choose the implementation grade for this date."))
        _not_before(self, "implemented_on", self.record.answered_on, _("the answer"))
        return cleaned


class ProposalMarksForm(StepForm):
    not_future = ("key_on",)
    is_key = forms.BooleanField(label=_("key proposal"), required=False)
    key_on = _date_field(_("made a key proposal on"), required=False)
    key_by = forms.ChoiceField(
        label=_("made a key proposal by"), choices=[("", "—"), *AdoptingBody.choices], required=False
    )
    supervising_leader = forms.CharField(label=_("supervising leader"), max_length=100, required=False)
    is_excellent = forms.BooleanField(label=_("excellent proposal"), required=False)
    excellent_year = forms.IntegerField(
        label=_("excellent proposal of the year"), required=False, min_value=2000, max_value=2100
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("is_key"):
            if not cleaned.get("key_on") and "key_on" not in self.errors:
                self.add_error("key_on", _("Enter the date of the decision."))
            if not cleaned.get("key_by"):
                self.add_error("key_by", _("Choose the body that decided."))
            _not_before(self, "key_on", self.record.submitted_on, _("the submission"))
        year = cleaned.get("excellent_year")
        if cleaned.get("is_excellent") and not year and "excellent_year" not in self.errors:
            self.add_error("excellent_year", _("Enter the year it was named excellent."))
        if year and year < self.record.submitted_on.year:
            self.add_error("excellent_year", _("A proposal cannot be named excellent before it was submitted."))
        if year and year > clock.today().year:
            self.add_error("excellent_year", _("This year has not come yet."))
        return cleaned


class AdoptionForm(StepForm):
    not_future = ("adopted_on",)
    level = forms.ChoiceField(label=_("level"), choices=AdoptionLevel.choices)
    adopted_by = forms.ChoiceField(label=_("kind of body"), choices=AdoptingBody.choices)
    body = forms.CharField(label=_("adopting body"), max_length=100, required=False)
    adopted_on = _date_field(_("adopted on"))

    def clean(self) -> dict:
        cleaned = super().clean()
        _not_before(self, "adopted_on", self.record.submitted_on, _("the submission"))
        level, body = cleaned.get("level"), cleaned.get("body", "").strip()
        if level and self.record.adoptions.filter(level=level, body=body).exists():
            self.add_error("body", _("This adoption is already recorded."))
        return cleaned


class InstructionForm(StepForm):
    not_future = ("dated",)
    level = forms.ChoiceField(label=_("level"), choices=InstructionLevel.choices)
    leader_title = forms.CharField(label=_("leader's title"), max_length=100)
    dated = _date_field(_("date of the instruction"))
    note = forms.CharField(
        label=_("what the instruction says"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scan = forms.FileField(label=_("scan"), required=False)

    def clean_leader_title(self) -> str:
        title = self.cleaned_data["leader_title"].strip()
        if not title:
            raise forms.ValidationError(_("Enter the leader's title."))
        return title

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        _not_before(self, "dated", self.record.submitted_on, _("the submission"))
        return cleaned


class ConsultationOutcomeForm(forms.ModelForm):
    class Meta:
        model = ConsultationOutcome
        fields = ["suggestion", "sent_to", "response", "responded_on"]
        widgets = {
            "suggestion": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "responded_on": DATE_WIDGET,
        }

    def __init__(self, *args, activity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.activity = activity

    def clean(self) -> dict:
        cleaned = super().clean()
        day = cleaned.get("responded_on")
        if day and day > clock.today():
            self.add_error("responded_on", _("This date is in the future."))
        if day and day < self.instance.activity.date:
            self.add_error("responded_on", _("The response cannot come before the meeting."))
        for name in ("suggestion", "sent_to"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("This field is required."))
        return cleaned
