"""Forms of planned meetings and self-reported work (shape only; the rules are in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sectors.models import SectorGroup
from sectors.scope import visible_groups

from ..carriers import ActivityKind
from ..models import ConstituentContact, MeetingAnswer, SelfReport
from ..selectors.activity import portal_groups

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=_DATE)
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=_TIME)
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=_TIME)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("Sector groups"),
        queryset=SectorGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group.")},
    )
    summary = forms.CharField(label=_("Notes for members"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = (
            portal_groups().filter(pk__in=visible_groups(user)).order_by("sort_order", "id")
        )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=MeetingAnswer.Answer.choices,
        error_messages={
            "required": _("Choose whether you attend or ask for leave."),
            "invalid_choice": _("Choose whether you attend or ask for leave."),
        },
    )
    reason = forms.CharField(label=_("Reason for leave"), max_length=200, required=False)


class SelfReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you reporting?"),
        choices=SelfReport.Kind.choices,
        error_messages={
            "invalid_choice": _("Choose what you are reporting."),
            "required": _("Choose what you are reporting."),
        },
    )
    date = forms.DateField(label=_("Date"), widget=_DATE)
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    constituent_name = forms.CharField(label=_("Constituent's name"), max_length=40, required=False)
    way = forms.ChoiceField(
        label=_("Way of contact"), choices=[("", "—"), *ConstituentContact.Way.choices], required=False
    )
    activity_kind = forms.ChoiceField(
        label=_("Type of activity"), choices=[("", "—"), *ActivityKind.choices], required=False
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    _OWN_FIELDS = {
        SelfReport.Kind.CONTACT: ("constituent_name", "way"),
        SelfReport.Kind.ACTIVITY: ("activity_kind", "location"),
        SelfReport.Kind.OPINION: (),
    }

    def __init__(self, *args, kind: str, **kwargs):
        """Only the fields of the chosen kind: a short form on a phone."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.HiddenInput()
        for other, names in self._OWN_FIELDS.items():
            if other != kind:
                for name in names:
                    self.fields.pop(name, None)
        if kind == SelfReport.Kind.CONTACT:
            self.fields["title"].label = _("Subject of the contact")
        if kind == SelfReport.Kind.ACTIVITY:
            self.fields["title"].label = _("Name of the activity")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    comment = forms.CharField(
        label=_("Comment to the member"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
