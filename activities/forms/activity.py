"""The activity entry form, the list filters and the attendance fields.

The form checks the shape of the input; the rules spanning rows (held dates,
attendees, duplicates, upload limits) live in services.activity and come back
as errors on these fields.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from portal import clock, roles
from portal.widgets import QuickSelect, quick_widgets
from sectors.models import SectorGroup, Workstation
from sectors.scope import visible_groups
from sectors.submissions import add_key_field

from ..carriers import ActivityKind
from ..models import Activity, Attendance
from ..selectors.activity import portal_groups
from ..services.activity import ACTIVITY_FIELDS, OWN_GROUP_ONLY, can_set_highlight

_ATTENDANCE_KEY = re.compile(r"^att_(\d+)$")
_LEAVE = "leave"  # the page's third choice: an absence with a kind of leave
# A large group's checklist shows a bounded number of rows; the choices it does not show
# travel in this one field instead of a field per member (DATA_UPLOAD_MAX_NUMBER_FIELDS).
KEPT_FIELD = "att_kept"


class GroupCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes for groups; the leader's own group is ticked and cannot be unticked."""

    locked: int | None = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.locked is not None and getattr(value, "value", value) == self.locked:
            option["attrs"]["checked"] = True
            option["attrs"]["data-locked"] = "true"  # static/js/portal.js keeps it ticked
            option["attrs"]["aria-readonly"] = "true"
        return option


class WorkstationSelect(QuickSelect):
    """A select whose options carry their group, so the page can hide other groups' stations."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-group"] = instance.group_id
        return option


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ActivityForm(forms.ModelForm):
    groups = forms.ModelMultipleChoiceField(
        queryset=SectorGroup.objects.none(),
        label=_("Sector groups"),
        widget=GroupCheckboxes,
        error_messages={"required": _("Choose at least one group.")},
    )
    other_participants = forms.IntegerField(
        label=_("Other participants"),
        min_value=0,
        initial=0,
        help_text=_("People attending who are not committee members."),
        error_messages={"min_value": _("The number of other participants cannot be negative.")},
    )
    files = MultipleFileField(label=_("Attachments"), required=False, help_text=_("You may choose several files."))
    # Carries the attendance errors; the attendance itself comes as att_<id>/reason_<id>.
    attendance = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(label=_("Save it anyway"), required=False)

    class Meta:
        model = Activity
        fields = ["groups", *ACTIVITY_FIELDS, "is_highlight", "highlight_note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "workstation": WorkstationSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        add_key_field(self, user)
        self.is_leader = roles.role_of(user) == roles.LEADER
        groups = self.fields["groups"]
        if self.is_leader:
            # A leader records their own group alone (see services.activity): the
            # only choice is their group, ticked and fixed; any other is refused.
            groups.queryset = portal_groups(include=[user.sector_group_id]).filter(pk=user.sector_group_id)
            groups.widget.locked = user.sector_group_id
            groups.required = False
            groups.error_messages["invalid_choice"] = OWN_GROUP_ONLY
            groups.help_text = _(
                "Activities of your own group only. Joint activities of several groups are recorded "
                "and changed by the committee staff; name partner bodies under “Partner bodies”."
            )
            self.initial["groups"] = [user.sector_group_id]
        else:
            # 29 groups as checkboxes pushed the form down: one searchable multi-select (Tom Select).
            groups.widget = forms.SelectMultiple(
                attrs={"data-searchable": "", "data-placeholder": _("Type to search groups")}
            )
            current = list(self.instance.groups.values_list("pk", flat=True)) if self.instance.pk else []
            groups.queryset = portal_groups(include=current).order_by("sort_order", "id")
            # Searchable by the short name people use ("民盟") as well as the full one.
            groups.label_from_instance = lambda group: f"{group.name}（{group.short_name}）"
        stations = Workstation.objects.filter(group__in=groups.queryset).filter(
            Q(is_active=True) | Q(pk=self.instance.workstation_id)
        )
        self.fields["workstation"].queryset = stations.select_related("group").order_by("group__sort_order", "name")
        self.fields["workstation"].label_from_instance = lambda s: f"{s.group.short_name} · {s.name}"
        if not self.instance.pk:
            self.initial.setdefault("date", clock.today())
        if not can_set_highlight(user):
            del self.fields["is_highlight"]
            del self.fields["highlight_note"]
        quick_widgets(self)

    def clean_groups(self):
        if self.is_leader:
            # Other groups were refused by the field; the leader's own is always there.
            return list(self.fields["groups"].queryset)
        return list(self.cleaned_data["groups"])

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def _post_clean(self):
        # The service validates and saves; the model instance is not touched here.
        pass

    def activity_data(self) -> dict:
        """The cleaned values as keyword arguments of the activity services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data.setdefault("is_highlight", None)
        data.setdefault("highlight_note", None)
        data["files"] = self.cleaned_data.get("files") or []
        data["allow_duplicate"] = bool(self.cleaned_data.get("confirm_duplicate"))
        return data


def parse_attendance(data: QueryDict) -> dict[int, tuple[str, str]]:
    """The attendance chosen on the page: {member id: (status, reason)}; "not recorded" is left out.

    The page offers one choice per member: present, leave (an absence with its
    kind of leave, "asked for leave" unless another is chosen) or absent.
    """
    result = parse_kept_attendance(data.get(KEPT_FIELD, ""))
    for key in data:
        match = _ATTENDANCE_KEY.match(key)
        if not match:
            continue
        status = data.get(key, "")
        if not status:
            continue
        reason = data.get(f"reason_{match.group(1)}", "") if status in (Attendance.Status.ABSENT, _LEAVE) else ""
        if status == _LEAVE:
            status, reason = Attendance.Status.ABSENT, reason or Attendance.AbsenceReason.LEAVE
        result[int(match.group(1))] = (status, reason)
    return result


def parse_kept_attendance(value: str) -> dict[int, tuple[str, str]]:
    """The choices a large group's checklist keeps without a row each (`KEPT_FIELD`):
    "12=present,13=leave:sick,14=absent". Anything else in it is skipped; a member's own
    row (`att_<id>`), when the page shows one, wins."""
    result = {}
    for part in value.split(","):
        member_id, _equals, choice = part.strip().partition("=")
        status, _colon, reason = choice.partition(":")
        if not member_id.isdigit() or status not in (*Attendance.Status.values, _LEAVE):
            continue
        if status == _LEAVE:
            status, reason = Attendance.Status.ABSENT, reason or Attendance.AbsenceReason.LEAVE
        elif status == Attendance.Status.PRESENT:
            reason = ""
        result[int(member_id)] = (status, reason)
    return result


def kept_attendance_value(choices: Iterable[tuple[int, str, str]]) -> str:
    """`parse_kept_attendance`'s input for (member id, status, reason) triples."""
    parts = []
    for member_id, status, reason in choices:
        if status == Attendance.Status.ABSENT and reason:
            parts.append(f"{member_id}={_LEAVE}:{reason}")
        else:
            parts.append(f"{member_id}={status}")
    return ",".join(parts)


def parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ActivityFilterForm(forms.Form):
    group = forms.ModelChoiceField(queryset=SectorGroup.objects.none(), required=False, label=_("Group"))
    kind = forms.ChoiceField(choices=[("", _("All types")), *ActivityKind.choices], required=False, label=_("Type"))
    year = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Year"))
    month = forms.CharField(
        required=False, label=_("Month"), widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    )
    format = forms.ChoiceField(
        choices=[("", _("All formats")), *Activity.Format.choices], required=False, label=_("Format")
    )
    highlight = forms.ChoiceField(
        choices=[("", _("All")), ("yes", _("Highlights only")), ("no", _("Not highlights"))],
        required=False,
        label=_("Highlight"),
    )
    q = forms.CharField(required=False, label=_("Title contains"), max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = visible_groups(user).filter(is_active=True).order_by("sort_order", "id")
        self.fields["group"].empty_label = _("All groups")
        years = range(clock.this_year(), clock.FIRST_YEAR - 1, -1)
        self.fields["year"].choices = [("", _("All years")), *((year, str(year)) for year in years)]
        quick_widgets(self)

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError as wrong:
            raise ValidationError(_("Enter a month as YYYY-MM, for example 2025-12.")) from wrong

    def clean(self):
        data = super().clean()
        month, year = data.get("month"), data.get("year")
        if month and year and month.year != year:
            self.add_error("month", _("The month is not in the chosen year."))
        return data

    def selector_kwargs(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        highlight = {"yes": True, "no": False}.get(data["highlight"])
        return {
            "group": data["group"],
            "kind": data["kind"],
            "month": data["month"],
            "year": data["year"],
            "format": data["format"],
            "highlight": highlight,
            "text": data["q"].strip(),
        }


class CalendarFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=SectorGroup.objects.none(),
        required=False,
        label=_("Group"),
        widget=forms.Select(attrs={"class": "form-select", "aria-label": _("Group")}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = visible_groups(user).filter(is_active=True).order_by("sort_order", "id")
        self.fields["group"].empty_label = _("All groups")
        quick_widgets(self)
