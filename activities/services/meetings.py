"""Planned meetings: planning, members' answers and leave, check-in, the
roster's confirmation and the day-before reminders.

Nothing counts before the organiser confirms the roster: until then the
meeting is "planned", which the figures and scorecards leave out. Confirming
writes its attendance from the check-ins and the approved leave, and marks it
held, in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from portal import clock, roles
from sectors.audit import events as audit
from sectors.models import AuditEvent, GroupMembership, Member, SectorGroup, User, membership_covers
from sectors.notifications.services import notification_send

from .. import checkin
from ..models import Activity, Attendance, CheckIn, MeetingAnswer
from . import activity as activity_services

# ---------------------------------------------------------------- reads


def expected_members(activity: Activity) -> QuerySet[Member]:
    """The members expected at the meeting: those of its groups on its date."""
    member_ids = GroupMembership.objects.filter(
        membership_covers(activity.date), group__in=activity.groups.all()
    ).values("member_id")
    return Member.objects.filter(pk__in=member_ids).order_by("name", "id")


def is_expected(activity: Activity, member: Member) -> bool:
    return expected_members(activity).filter(pk=member.pk).exists()


def member_group_on(member: Member, day: datetime.date) -> SectorGroup | None:
    membership = member.memberships.filter(membership_covers(day)).select_related("group").first()
    return membership.group if membership else None


def upcoming_for_member(*, member: Member) -> list[Activity]:
    """Planned meetings from today on whose groups the member belongs to on their date."""
    today = clock.today()
    candidates = (
        Activity.objects.filter(status=Activity.Status.PLANNED, date__gte=today, groups__memberships__member=member)
        .distinct()
        .prefetch_related("groups")
        .order_by("date", "start_time", "id")
    )
    answers = {a.activity_id: a for a in MeetingAnswer.objects.filter(member=member, activity__in=candidates)}
    checked = set(CheckIn.objects.filter(member=member, activity__in=candidates).values_list("activity_id", flat=True))
    meetings = []
    for meeting in candidates:
        if not is_expected(meeting, member):
            continue
        meeting.my_answer = answers.get(meeting.pk)
        meeting.checked_in = meeting.pk in checked
        meetings.append(meeting)
    return meetings


@dataclass
class RosterRow:
    member: Member
    answer: MeetingAnswer | None
    check_in: CheckIn | None

    @property
    def leave_approved(self) -> bool:
        return self.answer is not None and self.answer.leave_status == MeetingAnswer.Leave.APPROVED


@dataclass
class Roster:
    rows: list[RosterRow]

    def count(self, test) -> int:
        return sum(1 for row in self.rows if test(row))

    @property
    def attending(self) -> int:
        return self.count(lambda r: r.answer and r.answer.answer == MeetingAnswer.Answer.ATTEND)

    @property
    def on_leave(self) -> int:
        return self.count(lambda r: r.answer and r.answer.answer == MeetingAnswer.Answer.LEAVE)

    @property
    def unanswered(self) -> int:
        return self.count(lambda r: r.answer is None)

    @property
    def checked_in(self) -> int:
        return self.count(lambda r: r.check_in is not None)


def roster(activity: Activity) -> Roster:
    """Every expected member with their answer and check-in (three queries)."""
    answers = {a.member_id: a for a in activity.answers.all()}
    checks = {c.member_id: c for c in activity.check_ins.all()}
    rows = [RosterRow(m, answers.get(m.pk), checks.get(m.pk)) for m in expected_members(activity)]
    return Roster(rows)


# ---------------------------------------------------------------- who may


def can_organise(user, activity: Activity) -> bool:
    """Staff, administrators, and the leader of the meeting's only group."""
    return activity_services.can_change_activity(user, activity)


def can_decide_leave(user, answer: MeetingAnswer) -> bool:
    role = roles.role_of(user)
    if role in {roles.STAFF, roles.ADMIN}:
        return True
    if role != roles.LEADER:
        return False
    return answer.member.memberships.filter(
        membership_covers(answer.activity.date), group_id=user.sector_group_id
    ).exists()


# ---------------------------------------------------------------- writes


def meeting_plan(
    *,
    user,
    groups: Sequence[SectorGroup],
    kind: str,
    title: str,
    date: datetime.date,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    location: str = "",
    summary: str = "",
) -> Activity:
    """Plan a meeting: a planned activity with its hours."""
    if start_time and end_time and end_time <= start_time:
        raise ValidationError({"end_time": _("The meeting must end after it starts.")})
    if date < clock.today():
        raise ValidationError({"date": _("A planned meeting cannot be in the past.")})
    with transaction.atomic():
        meeting = activity_services.activity_create(
            user=user,
            groups=groups,
            kind=kind,
            title=title,
            date=date,
            status=Activity.Status.PLANNED,
            location=location,
            summary=summary,
        )
        meeting.start_time, meeting.end_time = start_time, end_time
        meeting._history_user = user
        meeting.save(update_fields=["start_time", "end_time", "updated_at"])
    return meeting


def _open_for_answers(activity: Activity) -> None:
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_("This meeting's roster is already confirmed."))
    if activity.date < clock.today():
        raise ValidationError(_("This meeting is over; answers are closed."))


def meeting_answer(*, member: Member, activity: Activity, answer: str, reason: str = "") -> MeetingAnswer:
    """A member says they attend or asks for leave (again: the last answer holds).

    A new request for leave waits for approval; changing to "attending" drops it."""
    reason = reason.strip()
    if answer not in MeetingAnswer.Answer.values:
        raise ValidationError({"answer": _("Choose whether you attend or ask for leave.")})
    if answer == MeetingAnswer.Answer.LEAVE and not reason:
        raise ValidationError({"reason": _("Give a reason for your leave.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Keep the reason under 200 characters.")})
    _open_for_answers(activity)
    if not is_expected(activity, member):
        raise ValidationError(_("You are not expected at this meeting."))
    leave = answer == MeetingAnswer.Answer.LEAVE
    values = {
        "answer": answer,
        "reason": reason if leave else "",
        "leave_status": MeetingAnswer.Leave.PENDING if leave else "",
        "decided_by": None,
        "answered_at": timezone.now(),
    }
    with transaction.atomic():
        row, _created = MeetingAnswer.objects.select_for_update().update_or_create(
            activity=activity, member=member, defaults=values
        )
    return row


def leave_decide(*, user, answer: MeetingAnswer, approve: bool) -> MeetingAnswer:
    """The group leader (or staff) approves or refuses a request for leave."""
    if not can_decide_leave(user, answer):
        raise PermissionDenied
    if answer.answer != MeetingAnswer.Answer.LEAVE:
        raise ValidationError(_("This member has not asked for leave."))
    _open_for_answers(answer.activity)
    answer.leave_status = MeetingAnswer.Leave.APPROVED if approve else MeetingAnswer.Leave.REFUSED
    answer.decided_by = user
    answer._history_user = user
    with transaction.atomic():
        _still_planned(answer.activity, _("This meeting's roster is already confirmed."))
        answer.save(update_fields=["leave_status", "decided_by"])
    return answer


def _audit_check_in(*, request, user, activity: Activity, member: Member, detail: str) -> None:
    audit.record(
        action=AuditEvent.Action.CHECK_IN,
        request=request,
        user=user,
        model=CheckIn,
        object_id=f"{activity.pk}:{member.pk}",
        detail=detail,
    )


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    created: bool


def _still_planned(activity: Activity, closed: str) -> None:
    """Inside the transaction that writes a check-in or a leave decision: the meeting's row
    locked and its roster not confirmed since the page read it (confirming locks the row
    too), so nothing is written after the attendance that should have counted it. The lock
    leaves members' answers free (no key update: their rows only refer to the meeting)."""
    planned = Activity.objects.select_for_update(no_key=True).filter(pk=activity.pk, status=Activity.Status.PLANNED)
    if not planned.exists():
        raise ValidationError(closed)


def _check_in_closed() -> str:
    return _("This meeting's roster is already confirmed; check-in is closed.")


def _check_in(*, activity: Activity, member: Member, method: str, slot: int | None, by) -> CheckInResult:
    """One row per member and meeting: the unique constraint decides a race. The row that
    won may be unticked before it is read: then this one is written after all."""
    attempts = 0
    while True:
        try:
            with transaction.atomic():
                _still_planned(activity, _check_in_closed())
                row = CheckIn.objects.create(activity=activity, member=member, method=method, slot=slot, recorded_by=by)
                return CheckInResult(row, created=True)
        except IntegrityError:
            existing = CheckIn.objects.filter(activity=activity, member=member).first()
            if existing is not None:
                return CheckInResult(existing, created=False)
            attempts += 1
            if attempts == 3:
                raise  # not the one-row rule, which leaves a row to read: a real fault


def check_in_by_scan(*, request, user, activity: Activity, slot: int) -> CheckInResult:
    """A member checks in with a token already checked (activities.checkin)."""
    member = user.member
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_check_in_closed())
    if not checkin.window_open(activity):
        start, end = checkin.window(activity)
        raise ValidationError(
            _("Check-in for this meeting is open from %(start)s to %(end)s.")
            % {"start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"), "end": f"{timezone.localtime(end):%H:%M}"}
        )
    if not is_expected(activity, member):
        raise ValidationError(_("You are not expected at this meeting: it is for other groups' members."))
    result = _check_in(activity=activity, member=member, method=CheckIn.Method.QR, slot=slot, by=user)
    if result.created:
        _audit_check_in(request=request, user=user, activity=activity, member=member, detail=f"qr slot {slot}")
    return result


def check_in_tick(*, request, user, activity: Activity, member_id: int, present: bool) -> None:
    """Staff (or the leader) tick or untick a member by hand, the fallback."""
    if not can_organise(user, activity):
        raise PermissionDenied
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_("This meeting's roster is already confirmed."))
    member = expected_members(activity).filter(pk=member_id).first()
    if member is None:
        raise ValidationError(_("This member is not expected at this meeting."))
    if present:
        result = _check_in(activity=activity, member=member, method=CheckIn.Method.MANUAL, slot=None, by=user)
        if result.created:
            _audit_check_in(request=request, user=user, activity=activity, member=member, detail="ticked by staff")
        return
    with transaction.atomic():
        _still_planned(activity, _check_in_closed())
        deleted, _rows = CheckIn.objects.filter(activity=activity, member=member).delete()
    if deleted:
        _audit_check_in(request=request, user=user, activity=activity, member=member, detail="unticked by staff")


def roster_confirm(*, user, activity: Activity) -> int:
    """Confirm the roster: write attendance (present if checked in or ticked,
    absent "asked for leave" with approved leave, absent otherwise) and mark
    the meeting held. Returns the number present."""
    if not can_organise(user, activity):
        raise PermissionDenied
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_("This meeting's roster is already confirmed."))
    if activity.date > clock.today():
        raise ValidationError(_("Confirm the roster on or after the meeting's day."))
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != Activity.Status.PLANNED:
            raise ValidationError(_("This meeting's roster is already confirmed."))
        now = timezone.now()
        rows = []
        for row in roster(activity).rows:
            if row.check_in is not None:
                status, reason = Attendance.Status.PRESENT, ""
            elif row.leave_approved:
                status, reason = Attendance.Status.ABSENT, Attendance.AbsenceReason.LEAVE
            else:
                status, reason = Attendance.Status.ABSENT, ""
            rows.append(Attendance(activity=activity, member=row.member, status=status, absence_reason=reason))
        activity.attendance.all().delete()
        bulk_create_with_history(rows, Attendance, default_user=user, default_date=now)
        activity.status = Activity.Status.HELD
        activity._history_user, activity._history_date = user, now
        activity.save(update_fields=["status", "updated_at"])
    return sum(1 for row in rows if row.status == Attendance.Status.PRESENT)


def meeting_reminders_send(*, today: datetime.date) -> int:
    """Remind, the day before, every member who said they attend (once per
    member and meeting: the notification key makes a rerun send nothing)."""
    tomorrow = today + datetime.timedelta(days=1)
    answers = MeetingAnswer.objects.filter(
        activity__status=Activity.Status.PLANNED, activity__date=tomorrow, answer=MeetingAnswer.Answer.ATTEND
    ).select_related("activity")
    users = {u.member_id: u for u in User.objects.filter(member_id__in=answers.values("member_id"), is_active=True)}
    sent = 0
    for answer in answers:
        user = users.get(answer.member_id)
        if user is None:
            continue
        meeting = answer.activity
        when = f"{meeting.date:%Y-%m-%d}" + (f" {meeting.start_time:%H:%M}" if meeting.start_time else "")
        notification = notification_send(
            user=user,
            title=_("Tomorrow: %(title)s") % {"title": meeting.title},
            body=_("%(when)s, %(place)s. Scan the code at the meeting to check in.")
            % {"when": when, "place": meeting.location or "—"},
            link=reverse("member_meetings"),
            key=f"meeting-reminder-{meeting.pk}",
        )
        sent += notification is not None
    return sent
