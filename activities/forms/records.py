"""Forms for the six record types, and the filter bar of their lists.

Each form takes the user: a group leader's group is fixed (a hidden field
whose only valid choice is their group), and the members, workstations and
meetings offered are those of the groups the user may see. The rules a
person can break by typing are each record's rules (activities.rules: the
model's clean() and the member rules, which the admin and the imports run
too), shown next to the field concerned; only the rules about the user (a
group leader's own group) are the forms' own.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from activities import rules
from activities.models import ConstituentContact, DutyReport, GroupDocument, OpinionReport, Proposal
from activities.selectors import records as selectors
from activities.services.activity import can_set_highlight
from activities.uploads import validate_upload
from portal import clock
from portal.importing import cells
from portal.widgets import quick_widgets
from sectors.audit import events as audit
from sectors.models import AuditEvent, Constituent, Member, SectorGroup, Workstation
from sectors.scope import is_leader
from sectors.submissions import add_key_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.group_short}）" if getattr(obj, "group_short", None) else obj.name


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return MemberChoiceField.label_from_instance(self, obj)


class WorkstationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Workstation) -> str:
        return f"{obj.name}（{obj.group.short_name}）"


def similar_on_title(form: forms.ModelForm, kind: str) -> None:
    """Past items like the typed title appear under it (activities.selectors.similar):
    htmx asks for them on each pause in typing; no inline script (CSP)."""
    query = f"?kind={kind}&record={form.instance.pk}" if form.instance.pk else f"?kind={kind}"
    form.fields["title"].widget.attrs.update(
        {
            "hx-get": reverse("similar_items") + query,
            "hx-trigger": "input changed delay:600ms",
            "hx-target": "#similar-items",
            "hx-include": "[name='content']",
            "hx-swap": "innerHTML",
            "autocomplete": "off",
        }
    )
    form.fields["title"].help_text = mark_safe('<div id="similar-items" aria-live="polite"></div>')  # noqa: S308 (a constant)


class RecordForm(forms.ModelForm):
    """What every record form shares: the user's groups (the record's own rules,
    no future dates among them, are its model's clean(): activities.rules)."""

    today_by_default: tuple[str, ...] = ()  # date fields a new record starts with today in

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            for name in self.today_by_default:
                self.initial.setdefault(name, clock.today())
        add_key_field(self, user)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DATE_WIDGET
            elif isinstance(field, forms.ModelChoiceField) and name != "group":
                # Hundreds of members or constituents: a select one can type into (static/js/portal.js).
                field.widget.attrs["data-searchable"] = ""
        if "group" in self.fields:
            self.fields["group"].queryset = selectors.portal_groups(user)
            if is_leader(user):
                self.fields["group"].initial = user.sector_group_id
                self.fields["group"].widget = forms.HiddenInput()

    def _update_errors(self, errors: ValidationError) -> None:
        # A model's rule (Model.clean, every writer's) about a field this user's
        # form does not show is an error of the whole form, not a crash.
        if hasattr(errors, "error_dict"):
            moved: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                key = name if name == NON_FIELD_ERRORS or name in self.fields else NON_FIELD_ERRORS
                moved.setdefault(key, []).extend(messages)
            errors = ValidationError(moved)
        super()._update_errors(errors)

    def member_group_on(self, member: Member, day: datetime.date) -> SectorGroup | None:
        """The member's group on `day`, with an error on the member field when there is none
        or, for a group leader, when it is not their group."""
        group = selectors.member_group_on(member, day)
        if group is None:
            self.add_error("member", _("This member belonged to no group on that date."))
        elif is_leader(self.user) and group.pk != self.user.sector_group_id:
            self.add_error("member", _("This member was not in your group on that date."))
        return group


class OpinionReportForm(RecordForm):
    today_by_default = ("submitted_on",)
    submitters = MembersChoiceField(queryset=Member.objects.none(), label=_("submitters"))
    workstation = WorkstationChoiceField(queryset=Workstation.objects.none(), required=False, label=_("workstation"))

    class Meta:
        model = OpinionReport
        fields = [
            "group",
            "workstation",
            "title",
            "content",
            "submitted_on",
            "submitters",
            "status",
            "adopted_on",
            "adopted_by",
            "leader_comment",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 6}), "leader_comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submitters"].queryset = selectors.member_choices(self.user)
        self.fields["submitters"].widget.attrs["size"] = 10
        self.fields["workstation"].queryset = selectors.workstation_choices(self.user)
        similar_on_title(self, "opinionreport")
        # Adoption (采用) is recognised by committee staff, like highlights: a
        # leader's form does not offer it, so a posted status is ignored. Once a
        # report has its adoption ladder, adoptions are recorded rung by rung on
        # its page (activities.views.outcomes), not here.
        if not can_set_highlight(self.user) or (self.instance.pk and self.instance.adoptions.exists()):
            for name in ("status", "adopted_on", "adopted_by"):
                del self.fields[name]

    def clean(self) -> dict:
        cleaned = super().clean()
        # Dates, the workstation and duplicates: OpinionReport.clean (every writer's rule).
        rules.show_on(self, rules.submitters_errors(cleaned))
        return cleaned


# The states the record's own form may set; the later ones (not accepted, merged,
# assigned, answered) come with their dates from the handling steps
# (activities.views.outcomes).
FORM_STATES = (Proposal.Status.SUBMITTED, Proposal.Status.FILED, Proposal.Status.HANDLED)


class ProposalForm(RecordForm):
    proposers = MembersChoiceField(queryset=Member.objects.none(), required=False, label=_("proposers"))
    first_proposer = MemberChoiceField(queryset=Member.objects.none(), required=False, label=_("first proposer"))

    class Meta:
        model = Proposal
        fields = [
            "group",
            "number",
            "title",
            "content",
            "submitted_on",
            "proposers",
            "first_proposer",
            "is_group_proposal",
            "status",
            "is_key",
            "key_on",
            "key_by",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = selectors.member_choices(self.user)
        similar_on_title(self, "proposal")
        self.fields["proposers"].queryset = members
        self.fields["proposers"].widget.attrs["size"] = 10
        self.fields["proposers"].help_text = _("Required unless the proposal is in the group's name.")
        self.fields["first_proposer"].queryset = members
        self.fields["first_proposer"].help_text = _(
            "The member who leads a joint proposal (领衔); the other proposers are its co-proposers. "
            "Leave empty when there is one proposer."
        )
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [
            (value, label) for value, label in Proposal.Status.choices if value in FORM_STATES or value == current
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        # Dates and numbers: Proposal.clean (every writer's rule).
        rules.show_on(self, rules.proposers_errors(cleaned))
        self._check_first_proposer(cleaned)
        return cleaned

    def _check_first_proposer(self, cleaned: dict) -> None:
        """The first proposer is one of the proposers; with one proposer, that one."""
        proposers, first = list(cleaned.get("proposers") or []), cleaned.get("first_proposer")
        if "proposers" in self.errors or "first_proposer" in self.errors:
            return
        if first is not None and first not in proposers:
            self.add_error("first_proposer", _("The first proposer must be one of the proposers."))
        elif first is None and len(proposers) == 1:
            cleaned["first_proposer"] = proposers[0]
        elif first is None and len(proposers) > 1:
            self.add_error("first_proposer", _("Choose which of the proposers leads the proposal."))


class ConstituentContactForm(RecordForm):
    """A contact with an existing constituent, or with a new one typed in.

    A person typed in again is not a new constituent (the 3-constituent rule
    counts distinct people): a typed name and mobile that match an existing
    constituent of the committee are that constituent; a typed name that
    matches one with another or no mobile is held back with a warning until
    the user picks the existing one or confirms it is another person."""

    today_by_default = ("contacted_on",)
    member = MemberChoiceField(queryset=Member.objects.none(), label=_("member"))
    new_name = forms.CharField(label=_("new constituent: name"), max_length=40, required=False)
    new_description = forms.CharField(label=_("new constituent: description"), max_length=100, required=False)
    # Long enough for "+86 152 1234 5678"; clean_new_mobile keeps the 11 digits.
    new_mobile = forms.CharField(label=_("new constituent: mobile"), max_length=20, required=False)
    confirm_new_constituent = forms.BooleanField(
        label=_("It is another person with the same name: record a new constituent"), required=False
    )

    class Meta:
        model = ConstituentContact
        fields = [
            "member",
            "constituent",
            "new_name",
            "new_description",
            "new_mobile",
            "confirm_new_constituent",
            "way",
            "contacted_on",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.member_choices(self.user)
        self.fields["constituent"].queryset = selectors.constituent_choices(self.user)
        self.fields["constituent"].required = False
        self.fields["constituent"].help_text = _("Pick a constituent, or type a new one's name below.")
        self.group: SectorGroup | None = None
        self.matched_constituent: Constituent | None = None  # the typed-in person, already recorded
        self.mismatch_recorded = False

    def clean_new_name(self) -> str:
        return cells.text(self.cleaned_data["new_name"])

    def clean_new_mobile(self) -> str:
        """Spaces, dashes, full-width digits and +86 are dropped: 「＋86 152 1234 5678」 is 15212345678."""
        try:
            return cells.mobile(self.cleaned_data["new_mobile"])
        except cells.CellError as wrong:
            raise forms.ValidationError(str(wrong), code="mobile_shape") from wrong

    def clean(self) -> dict:
        cleaned = super().clean()
        constituent, new_name = cleaned.get("constituent"), cleaned.get("new_name", "").strip()
        if constituent and new_name:
            self.add_error("new_name", _("Pick a constituent or type a new one, not both."))
        elif not constituent and not new_name and "constituent" not in self.errors:
            self.add_error("constituent", _("Pick a constituent or type a new one's name."))
        elif new_name and "new_mobile" not in self.errors:
            constituent = self._match_typed_constituent(new_name, cleaned.get("new_mobile", "").strip())
        member, day = cleaned.get("member"), cleaned.get("contacted_on")
        if member and day:
            self.group = self.member_group_on(member, day)
            # ConstituentContact.clean (every writer's rule) checks the contact in that group, once.
            self.instance.group = self.group
        if self.matched_constituent is not None:
            cleaned["constituent"] = self.matched_constituent
        return cleaned

    def _match_typed_constituent(self, name: str, mobile: str) -> Constituent | None:
        """The constituent a typed name and mobile designate among those the user
        may pick, if any; a same-name one without the same mobile is a warning
        until confirmed. A typed mobile that matches none of the namesakes is
        audited, and after MOBILE_MISSES_PER_HOUR of them no mobile is matched
        for an hour: the full number of a constituent shown masked cannot be
        guessed by trying the candidates behind 152****1767."""
        namesakes = list(selectors.constituents_named(self.user, name))
        if not namesakes:
            return None
        if mobile and _mobile_misses(self.user) >= MOBILE_MISSES_PER_HOUR:
            self.add_error(
                "new_mobile",
                _(
                    "Too many typed mobile numbers did not match. Pick the constituent in the list above, "
                    "or try again in an hour."
                ),
            )
            return None
        same = next((c for c in namesakes if mobile and c.mobile == mobile), None)
        if same is not None:
            self.matched_constituent = same
            return same
        if mobile and not self.mismatch_recorded:  # once, also when the form is checked again before saving
            self.mismatch_recorded = True
            audit.record(
                action=audit.Action.CONSTITUENT_MISMATCH,
                user=self.user,
                model=Constituent,
                where="contacts",
                detail=name,
            )
        if not self.cleaned_data.get("confirm_new_constituent"):
            known = "、".join(f"{c.name}（{c.description or '—'}，{c.masked_mobile or '—'}）" for c in namesakes)
            self.add_error(
                "new_name",
                _(
                    "%(count)s constituent(s) named %(name)s already recorded%(known)s. If it is the same person, "
                    "pick them in the list above (or type their mobile); if not, tick the box below."
                )
                % {"count": len(namesakes), "name": name, "known": f"：{known}" if known else ""},
            )
            self.add_error("confirm_new_constituent", _("Tick this only if it is another person."))
        return None


MOBILE_MISSES_PER_HOUR = 10


def _mobile_misses(user) -> int:
    """The typed mobiles of this user that matched no namesake in the last hour (audited)."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return AuditEvent.objects.filter(user=user, action=audit.Action.CONSTITUENT_MISMATCH, when__gte=since).count()


class DutyReportForm(RecordForm):
    member = MemberChoiceField(queryset=Member.objects.none(), label=_("member"))

    class Meta:
        model = DutyReport
        fields = ["member", "meeting", "title", "reported_on"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.member_choices(self.user)
        self.fields["meeting"].queryset = selectors.duty_meeting_choices(self.user)
        self.fields["reported_on"].required = False
        self.fields["reported_on"].help_text = _("Leave empty to use the meeting's date.")
        self.group: SectorGroup | None = None

    def clean(self) -> dict:
        cleaned = self.cleaned_data
        member, meeting = cleaned.get("member"), cleaned.get("meeting")
        if not cleaned.get("reported_on") and "reported_on" not in self.errors:
            if meeting:
                cleaned["reported_on"] = meeting.date
            else:
                self.add_error("reported_on", _("Enter the date, or pick the meeting."))
        cleaned = super().clean()
        day = cleaned.get("reported_on")
        if member and day:
            self.group = self.member_group_on(member, day)
            # DutyReport.clean (the rule of every writer) checks the reporter against it,
            # the meeting's kind, status, group and date, and that it is recorded once.
            self.instance.group = self.group
        return cleaned


class WorkstationForm(RecordForm):
    """Its dates, name and host member: Workstation.clean (every writer's rule)."""

    host_member = MemberChoiceField(queryset=Member.objects.none(), required=False, label=_("host member"))

    class Meta:
        model = Workstation
        fields = ["group", "name", "host_kind", "host_member", "address", "established_on", "closed_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"closed_on": _("Leave empty while the station works. Past years keep counting it.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_member"].queryset = selectors.member_choices(self.user)


class GroupDocumentForm(RecordForm):
    """Its year, date and kind: GroupDocument.clean (every writer's rule)."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    class Meta:
        model = GroupDocument
        fields = ["group", "year", "kind", "title", "dated", "file"]
        widgets = {"file": forms.FileInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year
        if self.instance.pk and self.instance.file:
            self.fields["file"].help_text = _("Current file: %(name)s. Upload another to replace it.") % {
                "name": self.instance.original_name
            }
        else:
            self.fields["file"].required = True

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload


class RecordFilterForm(forms.Form):
    """The filter bar of every record list: group, year, one choice field, text."""

    group = forms.ModelChoiceField(
        queryset=SectorGroup.objects.none(),
        required=False,
        label=_("sector group"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    year = forms.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        label=_("year"),
        widget=forms.NumberInput(attrs={"class": "filter-year input-year form-control form-control-sm"}),
    )
    choice = forms.ChoiceField(
        required=False, label=_("status"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("search"),
        widget=forms.SearchInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, user, choice_field=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = selectors.portal_groups(user)
        self.fields["group"].empty_label = _("All groups")
        if is_leader(user):
            del self.fields["group"]
        if choice_field is None:
            del self.fields["choice"]
        else:
            self.fields["choice"].label = choice_field.verbose_name
            self.fields["choice"].choices = [("", _("All"))] + list(choice_field.choices)
        quick_widgets(self)

    def values(self) -> dict:
        """The valid filters (invalid ones are ignored, as if not given)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
