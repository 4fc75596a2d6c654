"""Keeping the roster in the browser: add a member, correct their details,
move them to another group or give them another role there.

Staff and administrators only: group leaders and the chairman read the
member pages but change nothing here.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from portal import roles
from portal.access import portal_view
from sectors.audit import events as audit
from sectors.models import Member
from sectors.roster import selectors, services
from sectors.roster.forms import MemberForm, MembershipForm
from sectors.submissions import save_once, show_errors


def _member_or_404(user, member_id: int) -> Member:
    return get_object_or_404(selectors.visible_members(user), pk=member_id)


@portal_view(roles.ROSTER_EDITORS, write=True)
def member_create(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The service checks the member's rules (unique numbers) inside the transaction.
        member = save_once(
            request=request,
            form=form,
            save=lambda: services.member_create(
                user=request.user,
                group=data["group"],
                role=data["role"],
                joined_on=data["joined_on"],
                committee=form.instance.committee,
                **form.member_data(),
            ),
            recheck=False,
        )
        if member is not None:
            messages.success(request, _("Saved: %(record)s") % {"record": member})
            return redirect("member_detail", member_id=member.pk)
    return render(request, "sectors/member_form.html", {"form": form, "member": None})


@portal_view(roles.ROSTER_EDITORS, write=True)
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member_or_404(request.user, member_id)
    # The form works on its own copy, so that the page keeps the stored name
    # while the typed values are wrong.
    form = MemberForm(request.POST or None, instance=copy.copy(member), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_update(user=request.user, member=member, **form.member_data())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved: %(record)s") % {"record": member})
            return redirect("member_detail", member_id=member.pk)
    if member.id_card or member.mobile:
        audit.record_personal_data(request=request, people=[member])  # the form shows the full numbers
    return render(request, "sectors/member_form.html", {"form": form, "member": member})


@portal_view(roles.ROSTER_EDITORS, write=True)
def membership_change(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member_or_404(request.user, member_id)
    form = MembershipForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_change(
                member=member, group=data["group"], role=data["role"], on=data["on"], user=request.user
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved: %(record)s") % {"record": member})
            return redirect("member_detail", member_id=member.pk)
    memberships = member.memberships.select_related("group").order_by("-start_date", "-id")
    return render(
        request,
        "sectors/membership_form.html",
        {"form": form, "member": member, "current": form.current, "memberships": memberships},
    )


urlpatterns = [
    path("members/new/", member_create, name="member_create"),
    path("members/<int:member_id>/edit/", member_edit, name="member_edit"),
    path("members/<int:member_id>/group/", membership_change, name="membership_change"),
]
