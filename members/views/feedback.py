"""意见建议: the entry on every member page, sent to the administrators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal import roles
from portal.access import portal_view

from ..feedback import feedback_send
from ..forms import FeedbackForm


def _came_from(request: HttpRequest) -> str:
    page = request.POST.get("page") or request.GET.get("from") or ""
    return page if url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}) else ""


@portal_view({roles.MEMBER}, write=True)
def member_feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    page = _came_from(request)
    if request.method == "POST" and form.is_valid():
        feedback_send(user=request.user, text=form.cleaned_data["text"], page=page)
        messages.success(request, _("Thank you. Your suggestion went to the portal's administrators."))
        return redirect(page or "member_file")
    return render(request, "members/feedback.html", {"form": form, "page": page})
