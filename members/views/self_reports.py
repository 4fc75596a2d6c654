"""The member's own reports of work: a constituent contact, a draft
public-opinion report, or an activity outside the portal, for review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities.forms.meetings import SelfReportForm
from activities.models import SelfReport
from activities.services import self_reports as services
from portal import clock, roles
from portal.access import portal_view
from sectors.submissions import show_errors


@portal_view({roles.MEMBER})
def member_self_reports(request: HttpRequest) -> HttpResponse:
    items = SelfReport.objects.filter(member=request.user.member).select_related("group")[:100]
    return render(request, "members/self_reports.html", {"items": items})


@portal_view({roles.MEMBER}, write=True)
def member_self_report_new(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind")
    kind = kind if kind in SelfReport.Kind.values else SelfReport.Kind.CONTACT
    form = SelfReportForm(request.POST or None, initial={"kind": kind, "date": clock.today()}, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_report_submit(member=request.user.member, **form.cleaned_data)
        except ValidationError as invalid:
            show_errors(form, invalid)
        else:
            messages.success(request, _("Sent for review. You will see here when it is accepted or returned."))
            return redirect("member_self_reports")
    context = {"form": form, "kind_label": SelfReport.Kind(kind).label}
    return render(request, "members/self_report_form.html", context)
