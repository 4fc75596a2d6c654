"""Read-only pages: the sector groups and the members' duty records (履职档案)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sectors import roles, selectors
from sectors.access import is_leader, portal_view, visible_groups
from sectors.history import member_history
from sectors.paging import paginate

MEMBERS_PER_PAGE = 50
FIRST_YEAR = 2019  # the "168" model was launched in April 2019


def _year(request: HttpRequest) -> int:
    """The ?year= asked for, or this year when missing or not a sensible year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= 2100 else this_year


def _year_choices(chosen: int) -> list[int]:
    years = set(range(FIRST_YEAR, timezone.localdate().year + 1)) | {chosen}
    return sorted(years, reverse=True)


@portal_view(roles.ALL_ROLES)
def group_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    groups = selectors.group_list_for(user=request.user, year=year)
    return render(request, "sectors/group_list.html", {"groups": groups, "year": year, "years": _year_choices(year)})


@portal_view(roles.ALL_ROLES)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    year = _year(request)
    page = selectors.group_page(user=request.user, group_id=group_id, year=year)
    return render(request, "sectors/group_detail.html", {"page": page, "year": year, "years": _year_choices(year)})


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
    return render(request, "sectors/member_list.html", context)


@portal_view(roles.ALL_ROLES)
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    year = _year(request)
    record = selectors.member_record(user=request.user, member_id=member_id, year=year)
    context = {
        "record": record,
        "member": record.member,
        "year": year,
        "years": _year_choices(year),
        "show_personal": request.user.has_perm(roles.PERSONAL_DATA_PERM),
        "history": member_history(
            member=record.member, group_id=record.scoped_to_group.pk if record.scoped_to_group else None
        ),
    }
    return render(request, "sectors/member_detail.html", context)


urlpatterns = [
    path("groups/", group_list, name="group_list"),
    path("groups/<int:group_id>/", group_detail, name="group_detail"),
    path("members/", member_list, name="member_list"),
    path("members/<int:member_id>/", member_detail, name="member_detail"),
]
