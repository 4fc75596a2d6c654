"""The member's planned meetings: answer 参加 / 请假, and check in by QR code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import checkin
from activities.forms.meetings import AnswerForm
from activities.models import Activity, MeetingAnswer
from activities.services import meetings as services
from portal import roles
from portal.access import PUBLIC, portal_view


@portal_view({roles.MEMBER})
def member_meetings(request: HttpRequest) -> HttpResponse:
    context = {"meetings": services.upcoming_for_member(member=request.user.member), "Answer": MeetingAnswer.Answer}
    return render(request, "members/meetings.html", context)


@portal_view({roles.MEMBER}, write=True)
def member_meeting_answer(request: HttpRequest, activity_id: int) -> HttpResponse:
    if request.method != "POST":  # the same answer for every id: it reveals no meeting
        return HttpResponseNotAllowed(["POST"])
    member = request.user.member
    activity = Activity.objects.filter(pk=activity_id, status=Activity.Status.PLANNED).first()
    if activity is None or not services.is_expected(activity, member):
        raise Http404
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.meeting_answer(member=member, activity=activity, **form.cleaned_data)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("member_meetings")


def _result(request: HttpRequest, *, ok: bool, message: str, activity: Activity | None = None, status: int = 200):
    context = {"ok": ok, "message": message, "activity": activity}
    return render(request, "members/check_in.html", context, status=status)


@portal_view(PUBLIC)
def member_check_in(request: HttpRequest) -> HttpResponse:
    """The URL in the meeting's QR code. Anyone may open it; only a signed-in
    member with a token valid at the scan is checked in (activities.checkin)."""
    token = request.GET.get("t", "")
    if not token:
        return _result(request, ok=False, message=_("Scan the code shown at the meeting to check in."))
    scan = checkin.token_read(token)
    if isinstance(scan, checkin.Refusal):
        return _result(request, ok=False, message=checkin.refusal_message(scan), status=400)
    checked = checkin.token_check(token, activity_id=scan.activity_id)
    if isinstance(checked, checkin.Refusal) and not checkin.scan_remembered(request.session, scan):
        return _result(request, ok=False, message=checkin.refusal_message(checked), status=400)
    if not isinstance(checked, checkin.Refusal):
        checkin.scan_remember(request.session, scan)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if roles.role_of(request.user) != roles.MEMBER:
        return _result(request, ok=False, message=_("Only a member's account can check in."), status=403)
    activity = Activity.objects.filter(pk=scan.activity_id).first()
    if activity is None:
        return _result(request, ok=False, message=checkin.refusal_message(checkin.Refusal.FORGED), status=400)
    try:
        result = services.check_in_by_scan(request=request, user=request.user, activity=activity, slot=scan.slot)
    except ValidationError as refused:
        return _result(request, ok=False, message=" ".join(refused.messages), activity=activity, status=400)
    when = f"{timezone.localtime(result.check_in.checked_in_at):%H:%M}"
    message = (
        _("Checked in at %(time)s. Welcome!") if result.created else _("You already checked in at %(time)s.")
    ) % {"time": when}
    return _result(request, ok=True, message=message, activity=activity)
