"""The roster's pages: the member list (a member's duty record is in reports)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from sectors import audit, roles, selectors
from sectors.access import is_leader, portal_view, visible_groups
from sectors.paging import paginate

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


@portal_view(roles.ALL_ROLES)
def member_list(request: HttpRequest) -> HttpResponse:
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
    if context["show_personal"]:
        audit.record_personal_data(request=request, people=[m for m in page_obj.object_list if m.mobile])
    return render(request, "sectors/member_list.html", context)


urlpatterns = [
    path("members/", member_list, name="member_list"),
]
