"""Staff's and leaders' side of planned meetings: planning, the expected list
with leave decisions and the hand-ticked fallback, the QR check-in screen,
the roster's confirmation, and the review queue of self-reported work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal import roles
from portal.access import portal_view
from sectors.scope import get_scoped_or_404
from sectors.submissions import show_errors

from .. import checkin
from ..forms.meetings import MeetingPlanForm, ReviewForm
from ..models import Activity, MeetingAnswer, SelfReport
from ..selectors import activity as selectors
from ..services import meetings as services
from ..services import self_reports

ORGANISERS = roles.EDITORS


@portal_view(ORGANISERS, write=True)
def meeting_plan(request: HttpRequest) -> HttpResponse:
    form = MeetingPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(user=request.user, **form.cleaned_data)
        except ValidationError as invalid:
            show_errors(form, invalid)
        else:
            messages.success(request, _("The meeting is planned; its members can now answer."))
            return redirect("meeting_roster", activity_id=meeting.pk)
    return render(request, "activities/meeting_plan.html", {"form": form})


def _meeting(request: HttpRequest, activity_id: int) -> Activity:
    return selectors.activity_get(user=request.user, activity_id=activity_id)


def _organised(request: HttpRequest, activity_id: int) -> Activity:
    activity = _meeting(request, activity_id)
    if not services.can_organise(request.user, activity):
        raise PermissionDenied
    return activity


@portal_view(roles.ALL_ROLES)
def meeting_roster(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Who said yes, who asked for leave, who has not answered, who checked in."""
    activity = _meeting(request, activity_id)
    context = {
        "activity": activity,
        "roster": services.roster(activity),
        "can_organise": services.can_organise(request.user, activity),
        "is_planned": activity.status == Activity.Status.PLANNED,
        "Leave": MeetingAnswer.Leave,
    }
    return render(request, "activities/meeting_roster.html", context)


def _posted_id(request: HttpRequest, name: str) -> int | None:
    """A row id from the form, or None for anything that is not one (too long, not digits)."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _back(activity: Activity) -> HttpResponse:
    return redirect("meeting_roster", activity_id=activity.pk)


@portal_view(ORGANISERS, write=True)
def meeting_leave_decide(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _meeting(request, activity_id)
    if refused := _post_only(request):
        return refused
    answer_id = _posted_id(request, "answer")
    answer = activity.answers.select_related("member", "activity").filter(pk=answer_id).first() if answer_id else None
    if answer is None:
        raise Http404
    try:
        services.leave_decide(user=request.user, answer=answer, approve=request.POST.get("approve") == "1")
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(
            request,
            _("Leave of %(name)s: %(status)s.")
            % {"name": answer.member.name, "status": answer.get_leave_status_display()},
        )
    return _back(activity)


@portal_view(ORGANISERS, write=True)
def meeting_tick(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _organised(request, activity_id)
    if refused := _post_only(request):
        return refused
    member_id = _posted_id(request, "member")
    try:
        if member_id is None:
            raise ValidationError(_("This member is not expected at this meeting."))
        services.check_in_tick(
            request=request,
            user=request.user,
            activity=activity,
            member_id=member_id,
            present=request.POST.get("present") == "1",
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    return _back(activity)


@portal_view(ORGANISERS, write=True)
def meeting_confirm(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _organised(request, activity_id)
    if refused := _post_only(request):
        return refused
    try:
        present = services.roster_confirm(user=request.user, activity=activity)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return _back(activity)
    messages.success(
        request, _("The roster is confirmed: %(count)s present. The attendance now counts.") % {"count": present}
    )
    return redirect("activity_detail", activity_id=activity.pk)


@portal_view(ORGANISERS)
def check_in_screen(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The page shown on the meeting's screen: the rotating QR code."""
    activity = _organised(request, activity_id)
    context = {"activity": activity, "code": _code_context(request, activity), "open": checkin.window(activity)}
    return render(request, "activities/check_in_screen.html", context)


@portal_view(ORGANISERS)
def check_in_code(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The QR code alone, fetched again by the screen every few seconds (htmx)."""
    activity = _organised(request, activity_id)
    return render(request, "activities/partials/check_in_code.html", {"code": _code_context(request, activity)})


def _code_context(request: HttpRequest, activity: Activity) -> dict:
    import segno

    slot = checkin.current_slot()
    url = (
        request.build_absolute_uri(reverse("member_check_in"))
        + "?t="
        + checkin.token_make(activity_id=activity.pk, slot=slot)
    )
    svg = segno.make(url, error="m").svg_inline(scale=6, border=3)
    return {
        "svg": mark_safe(svg),  # noqa: S308  (segno's own markup of our own URL)
        "url": url,
        "slot": slot,
        "planned": activity.status == Activity.Status.PLANNED,
        "checked_in": activity.check_ins.count(),
        "expected": services.expected_members(activity).count(),
    }


@portal_view(ORGANISERS)
def self_report_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", SelfReport.Status.SUBMITTED)
    if status not in SelfReport.Status.values:
        status = SelfReport.Status.SUBMITTED
    items = self_reports.self_reports_for_review(user=request.user, status=status)[:200]
    context = {"items": items, "status": status, "statuses": SelfReport.Status.choices}
    return render(request, "activities/self_report_queue.html", context)


@portal_view(ORGANISERS, write=True)
def self_report_review(request: HttpRequest, selfreport_id: int) -> HttpResponse:
    item = get_scoped_or_404(
        request.user, SelfReport.objects.select_related("member", "group", "reviewed_by"), pk=selfreport_id
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "accept":
                self_reports.self_report_accept(user=request.user, item=item, comment=comment)
                messages.success(request, _("Accepted: the record is created and counts."))
            else:
                self_reports.self_report_return(user=request.user, item=item, comment=comment)
                messages.success(request, _("Returned to the member with your comment."))
        except ValidationError as invalid:
            show_errors(form, invalid)
        else:
            return redirect("self_report_queue")
    history = item.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "activities/self_report_review.html", {"item": item, "form": form, "history": history})


urlpatterns = [
    path("activities/meetings/new/", meeting_plan, name="meeting_plan"),
    path("activities/<int:activity_id>/meeting/", meeting_roster, name="meeting_roster"),
    path("activities/<int:activity_id>/meeting/leave/", meeting_leave_decide, name="meeting_leave_decide"),
    path("activities/<int:activity_id>/meeting/tick/", meeting_tick, name="meeting_tick"),
    path("activities/<int:activity_id>/meeting/confirm/", meeting_confirm, name="meeting_confirm"),
    path("activities/<int:activity_id>/check-in/", check_in_screen, name="check_in_screen"),
    path("activities/<int:activity_id>/check-in/code/", check_in_code, name="check_in_code"),
    path("activities/self-reports/", self_report_queue, name="self_report_queue"),
    path("activities/self-reports/<int:selfreport_id>/", self_report_review, name="self_report_review"),
]
