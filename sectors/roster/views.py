"""The roster's pages: the member list (a member's duty record is in reports)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import clock, roles
from portal.access import portal_view
from portal.exports import Column, choice_labels, filter_description, list_export, sees_personal_data
from portal.paging import paginate, url_maker
from portal.widgets import quick_widgets
from sectors.audit import events as audit
from sectors.audit.events import audit_personal_data
from sectors.models import GroupMembership
from sectors.roster import selectors
from sectors.scope import is_leader, visible_groups

MEMBERS_PER_PAGE = 50


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or member number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Name or member number")}),
    )
    group = forms.ModelChoiceField(
        label=_("Sector group"),
        queryset=None,
        required=False,
        empty_label=_("All groups"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = visible_groups(user).filter(is_active=True).order_by("sort_order", "id")
        quick_widgets(self)


def _filtered_members(request: HttpRequest):
    form = MemberFilterForm(request.GET or None, user=request.user)
    cleaned: dict = {}
    if form.is_bound:
        form.is_valid()  # an invalid field is shown with its error and ignored; the valid ones still filter
        cleaned = form.cleaned_data
    group = cleaned.get("group")
    active = {"yes": True, "no": False}.get(cleaned.get("active") or "")
    members = selectors.member_list_for(
        user=request.user, query=cleaned.get("q") or "", group_id=group.pk if group else None, active=active
    )
    return form, members


@dataclass(frozen=True, slots=True)
class MemberLine:
    """One row of the member list, ready to print (the template looks nothing up per row)."""

    url: str
    number: str
    name: str
    group: str  # "" when the member has no current place in the user's scope
    role: str
    employer: str
    mobile: str
    active: bool


def member_lines(members, *, show_personal: bool) -> list[MemberLine]:
    role_labels = choice_labels(GroupMembership._meta.get_field("role"))
    url = url_maker("member_detail")
    lines = []
    for member in members:
        current = member.current_memberships[0] if member.current_memberships else None
        lines.append(
            MemberLine(
                url=url(member.pk),
                number=member.member_number,
                name=member.name,
                group=current.group.short_name if current else "",
                role=role_labels.get(current.role, current.role) if current else "",
                employer=member.employer,
                mobile=member.mobile if show_personal else member.masked_mobile,
                active=member.is_active,
            )
        )
    return lines


@portal_view(roles.ALL_ROLES)
def member_list(request: HttpRequest) -> HttpResponse:
    form, members = _filtered_members(request)
    page_obj, querystring = paginate(request, members, MEMBERS_PER_PAGE)
    context = {
        "form": form,
        "page_obj": page_obj,
        "members": page_obj.object_list,
        "querystring_without_page": querystring,
        "show_personal": request.user.has_perm(roles.PERSONAL_DATA_PERM),
        # A leader sees memberships of their own group only: no current one there means "left".
        "own_group_only": is_leader(request.user),
    }
    context["member_lines"] = member_lines(page_obj.object_list, show_personal=context["show_personal"])
    if context["show_personal"]:
        audit.record_personal_data(request=request, people=[m for m in page_obj.object_list if m.mobile])
    return render(request, "sectors/member_list.html", context)


def _current(member, attribute: str, none: str = "") -> str:
    """The member's current group or role (`none` when they have none in the user's scope)."""
    current = member.current_memberships[0] if member.current_memberships else None
    if current is None:
        return none
    return current.group.short_name if attribute == "group" else current.get_role_display()


def _member_columns(user) -> list[Column]:
    # Without the personal-data permission the birth date shrinks to the year, as ID numbers are masked.
    full = sees_personal_data(user)
    # A leader's former member shows as "left the group", never with the group they moved to.
    gone = gettext("Left the group") if is_leader(user) else ""
    return [
        Column(gettext("Member number"), lambda m: m.member_number),
        Column(gettext("Name"), lambda m: m.name),
        Column(gettext("Gender"), lambda m: m.get_gender_display()),
        Column(
            gettext("Birth date") if full else gettext("Birth year"),
            lambda m: (m.birth_date if full else m.birth_date.year) if m.birth_date else None,
        ),
        Column(gettext("Party affiliation"), lambda m: m.party),
        Column(gettext("Employer"), lambda m: m.employer),
        Column(gettext("Job title"), lambda m: m.job_title),
        Column(gettext("Sector group"), lambda m: _current(m, "group", gone)),
        Column(gettext("Role in the group"), lambda m: _current(m, "role")),  # 界内职务, as the import reads it
        Column(gettext("Mobile"), lambda m: m.mobile if full else m.masked_mobile),
        Column(gettext("ID-card number"), lambda m: m.id_card if full else m.masked_id_card),
        Column(gettext("Status"), lambda m: gettext("Active") if m.is_active else gettext("Inactive")),
    ]


@portal_view(roles.ALL_ROLES)
def member_export(request: HttpRequest) -> HttpResponse:
    """The member list as Excel: the same search and scope; personal data masked as on the page."""
    form, members = _filtered_members(request)
    audit_personal_data(request=request, people=members)
    return list_export(
        request=request,
        committee=selectors.committee_name(),
        title=gettext("Members"),
        filename=gettext("Members"),
        columns=_member_columns(request.user),
        rows=members,
        period=gettext("members as of %(day)s") % {"day": clock.today().isoformat()},
        filters=filter_description(form),
    )


urlpatterns = [
    path("members/", member_list, name="member_list"),
    path("members/export/", member_export, name="member_export"),
]
