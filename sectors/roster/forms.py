"""Forms for keeping the roster in the browser: a member, and their group.

The forms check what a person can get wrong by typing (number shapes, numbers
another member has, a second group leader, dates) with the services' own checks,
and the model's (an ID card that disagrees with the birth date, Member.clean()),
so every problem shows next to its field at once; the services check again when
saving.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal import clock, roles
from portal.validators import normalize_id_card, validate_id_card, validate_mobile
from sectors.models import GroupMembership, Member, SectorGroup, committee_for_portal
from sectors.roster import services
from sectors.submissions import add_key_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _group_choices() -> forms.ModelChoiceField:
    groups = SectorGroup.objects.filter(committee=committee_for_portal(), is_active=True).order_by("sort_order", "id")
    return forms.ModelChoiceField(queryset=groups, label=_("Sector group"))


def _role_choices(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=GroupMembership.Role.choices,
        initial=GroupMembership.Role.MEMBER,
        label=capfirst(GroupMembership._meta.get_field("role").verbose_name),
        **kwargs,
    )


class MemberForm(forms.ModelForm):
    """A member's own details; a new member also gets a group, role and joining date."""

    class Meta:
        model = Member
        fields = list(services.MEMBER_FIELDS)
        widgets = {"birth_date": DATE_WIDGET}
        help_texts = {"birth_date": _("Left empty, it is taken from the ID-card number.")}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = self.instance.pk is None
        if self.creating:
            add_key_field(self, user)
            self.instance.committee = committee_for_portal()
            self.fields["group"] = _group_choices()
            self.fields["role"] = _role_choices()
            self.fields["joined_on"] = forms.DateField(
                label=capfirst(GroupMembership._meta.get_field("start_date").verbose_name),
                initial=clock.today,
                widget=DATE_WIDGET,
            )
        if not user.has_perm(roles.PERSONAL_DATA_PERM):
            # Only those who may see ID-card and mobile numbers may type them.
            del self.fields["id_card"], self.fields["mobile"]

    def clean_id_card(self) -> str:
        value = normalize_id_card(self.cleaned_data.get("id_card", ""))
        if value:
            validate_id_card(value)
        return value

    def clean_mobile(self) -> str:
        value = (self.cleaned_data.get("mobile") or "").strip()
        if value:
            validate_mobile(value)
        return value

    def clean_member_number(self) -> str:
        return self.cleaned_data["member_number"].strip()

    def clean(self) -> dict:
        # The birth date against the ID card is checked (and an empty one filled)
        # by the model's clean(), which the form runs after this.
        cleaned = super().clean()
        clashes = services.member_clashes(
            committee=self.instance.committee,
            member_number=cleaned.get("member_number") or "",
            id_card=cleaned.get("id_card") or "",
            exclude_pk=self.instance.pk,
        )
        for field, message in clashes.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        if self.creating:
            joined_on = cleaned.get("joined_on")
            if joined_on and (problem := services.change_date_problem(on=joined_on, current=None)):
                self.add_error("joined_on", problem)
            group, role = cleaned.get("group"), cleaned.get("role")
            if group and role and (problem := services.leader_clash(group=group, role=role)):
                self.add_error("role", problem)
        return cleaned

    def member_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.MEMBER_FIELDS if name in self.fields}


class MembershipForm(forms.Form):
    """Move a member to another group, or give them another role, from a date."""

    group = forms.ModelChoiceField(queryset=SectorGroup.objects.none(), label=_("Sector group"))
    role = _role_choices()
    on = forms.DateField(
        label=_("Date of the change"),
        initial=clock.today,
        widget=DATE_WIDGET,
        help_text=_("The current membership ends the day before."),
    )

    def __init__(self, *args, member: Member, **kwargs) -> None:
        self.member = member
        self.current = member.memberships.filter(end_date__isnull=True).select_related("group").first()
        initial = kwargs.setdefault("initial", {})
        if self.current is not None:
            initial.setdefault("group", self.current.group_id)
            initial.setdefault("role", self.current.role)
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _group_choices().queryset

    def clean(self) -> dict:
        cleaned = super().clean()
        group, role, on = cleaned.get("group"), cleaned.get("role"), cleaned.get("on")
        current = self.current
        if group and role and current is not None and current.group_id == group.pk and current.role == role:
            raise ValidationError(_("The member already has this role in this group: nothing to change."))
        if on and (problem := services.change_date_problem(on=on, current=current)):
            self.add_error("on", problem)
        if group and role and (problem := services.leader_clash(group=group, role=role, member=self.member)):
            self.add_error("role", problem)
        return cleaned
