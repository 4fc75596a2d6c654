"""Writes of activities: the activity, its attendance and its attachments,
validated together and saved in one transaction, so nothing is half-saved.

Who may change what:

- Staff and administrators record, change and delete any activity, also a
  joint one (an activity of several groups).
- A group leader records and changes only activities of their own group
  alone: they cannot add another group (partner bodies are named in the
  "partners" text instead), and a joint activity is read-only for them (no
  edit, delete or attachment delete: PermissionDenied), because changing it
  would change the other groups' records. Their duplicate check looks only at
  their own group.
- The chairman changes nothing.

Attendance is recorded only for a held activity, and only for members of the
chosen groups on the activity's date, on create and on every edit.

Validation errors are raised as one ValidationError keyed by form field
(groups, date, other_participants, workstation, attendance, files,
confirm_duplicate), so the view can show each next to its field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal import cache as freshness
from portal import roles
from sectors.models import SectorGroup, Workstation

from .. import rules
from ..models import Activity, Attachment, Attendance, DutyReport
from ..selectors.activity import activity_duplicates, attendance_options
from ..selectors.records import member_choices
from ..uploads import FALLBACK_TYPE, detected_type, validate_upload
from .m2m_history import snapshot_m2m, without_history_rows

AttendanceInput = dict[int, tuple[str, str]]  # member id -> (status, absence reason)

DUPLICATE_CODE = "duplicate"
OWN_GROUP_ONLY = gettext_lazy(
    "You can record activities of your own group only; name partner bodies under “Partner bodies”."
)
# The activity's own fields, as the services take them (and the form asks for them).
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "date",
    "status",
    "format",
    "location",
    "partners",
    "summary",
    "other_participants",
    "workstation",
)


def can_set_highlight(user) -> bool:
    """Highlights (亮点) are recognised by committee staff, not claimed by the groups."""
    return roles.role_of(user) in {roles.STAFF, roles.ADMIN}


def can_change_activity(user, activity: Activity) -> bool:
    """May this user change or delete the activity (and its attachments)?

    A leader only when the activity belongs to their own group alone: a joint
    activity is read-only for them. Uses the prefetched groups when present.
    """
    role = roles.role_of(user)
    if role not in roles.EDITORS:
        return False
    if role == roles.LEADER:
        return {group.pk for group in activity.groups.all()} == {user.sector_group_id}
    return True


def _check_role(user, activity: Activity | None) -> None:
    if roles.role_of(user) not in roles.EDITORS:
        raise PermissionDenied
    if activity is not None and not can_change_activity(user, activity):
        raise PermissionDenied


def _validate(
    *,
    user,
    activity: Activity | None,
    groups: Sequence[SectorGroup],
    fields: dict,
    attendance: AttendanceInput,
    files: Sequence[UploadedFile],
    allow_duplicate: bool,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    day: datetime.date = fields["date"]
    if roles.role_of(user) == roles.LEADER and {g.pk for g in groups} != {user.sector_group_id}:
        add("groups", OWN_GROUP_ONLY)
    # The activity's own rules, every writer's (activities.rules: the admin and the import run them too).
    record_rules = rules.merged(
        rules.activity_groups_errors(groups, fields["workstation"]),
        rules.held_errors(Activity(status=fields["status"], date=day)),
    )
    for name, messages in record_rules.items():
        for message in messages:
            add(name, message)
    if fields["other_participants"] is None or fields["other_participants"] < 0:
        add("other_participants", _("The number of other participants cannot be negative."))

    if attendance and fields["status"] == Activity.Status.PLANNED:
        add("attendance", _("Record attendance once the activity has been held."))
    for status, reason in attendance.values():
        if status not in Attendance.Status.values or (reason and reason not in Attendance.AbsenceReason.values):
            add("attendance", _("The attendance contains an unknown choice."))
            break
        if status == Attendance.Status.PRESENT and reason:
            add("attendance", _("A member who was present has no reason for absence."))
            break
    if attendance and groups:
        # Every submitted row is checked, also on edit: an attendee recorded
        # earlier no longer qualifies once the date or the groups change.
        options = attendance_options(user=user, groups=groups, day=day, activity=activity)
        strangers = sorted(set(attendance) - options.eligible_ids)
        names = _visible_member_names(user, strangers)
        if names:
            add(
                "attendance",
                _("These attendees are not members of the chosen groups on that date: %(ids)s.")
                % {"ids": "、".join(names)},
            )
        if len(strangers) > len(names):
            # Members the user may not see are not named (nor confirmed to exist).
            add("attendance", _("%(count)s chosen attendee(s) not found.") % {"count": len(strangers) - len(names)})

    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as refused:
            errors.setdefault("files", []).extend(refused.messages)

    if groups and not errors and not allow_duplicate:
        duplicates = activity_duplicates(
            user=user,
            groups=groups,
            kind=fields["kind"],
            date=day,
            title=fields["title"],
            exclude_id=activity.pk if activity else None,
        )
        if duplicates:
            raise ValidationError(
                {
                    "confirm_duplicate": ValidationError(
                        _(
                            "An activity of the same group, type, date and title is already recorded. "
                            "Tick the box to save this one anyway."
                        ),
                        code=DUPLICATE_CODE,
                    )
                }
            )
    if errors:
        raise ValidationError(errors)


def _visible_member_names(user, member_ids: Iterable[int]) -> list[str]:
    """The names of those of these members whom the user may see, in the given order."""
    ids = list(member_ids)
    names = dict(member_choices(user).filter(pk__in=ids).values_list("pk", "name"))
    return [names[member_id] for member_id in ids if member_id in names]


def _set_groups_in_history(activity: Activity, groups: Sequence[SectorGroup]) -> None:
    """Set the groups without a history row of their own (simple-history writes one per
    m2m change); the activity's own history row of this save records them instead."""
    without_history_rows(activity, lambda: activity.groups.set(groups))


def _snapshot_groups(activity: Activity) -> None:
    """Store the current groups in the newest history row (its m2m snapshot was taken
    when the activity row was saved, before the groups were set)."""
    snapshot_m2m(activity, "groups")


def _save_attendance(
    *,
    user,
    activity: Activity,
    groups: Sequence[SectorGroup],
    attendance: AttendanceInput,
    is_new: bool,
    now: datetime.datetime,
) -> None:
    """Write the attendance of the members the user may record; leave other rows alone.

    All rows of one save share the history date of the save (`now`, also the
    activity's own history row), so the history shows one save as one entry.
    """
    if is_new:
        editable = set(attendance)
    else:
        editable = attendance_options(user=user, groups=groups, day=activity.date, activity=activity).member_ids
    existing = {row.member_id: row for row in activity.attendance.filter(member_id__in=editable)}
    to_create, to_update, to_delete = [], [], []
    for member_id in editable:
        wanted = attendance.get(member_id)
        row = existing.get(member_id)
        if wanted is None:
            if row is not None:
                to_delete.append(row)
            continue
        status, reason = wanted
        reason = reason if status == Attendance.Status.ABSENT else ""
        if row is None:
            to_create.append(Attendance(activity=activity, member_id=member_id, status=status, absence_reason=reason))
        elif (row.status, row.absence_reason) != (status, reason):
            row.status, row.absence_reason = status, reason
            to_update.append(row)
    if to_create:
        bulk_create_with_history(to_create, Attendance, default_user=user, default_date=now)
    if to_update:
        bulk_update_with_history(
            to_update, Attendance, ["status", "absence_reason"], default_user=user, default_date=now
        )
    for row in to_delete:
        row._history_user = user
        row._history_date = now
        row.delete()


def _move_duty_reports(*, user, meeting: Activity) -> None:
    """A duty-report meeting moved to another day takes its duty reports with it
    (same transaction), so that they count in the meeting's month and year."""
    reports = list(DutyReport.objects.filter(meeting=meeting).exclude(reported_on=meeting.date))
    for report in reports:
        report.reported_on = meeting.date
    if reports:
        bulk_update_with_history(reports, DutyReport, ["reported_on"], default_user=user, default_date=timezone.now())


def _save_files(*, user, activity: Activity, files: Sequence[UploadedFile], stored: list[str]) -> None:
    for upload in files:
        attachment = Attachment(
            activity=activity,
            original_name=upload.name[-200:],
            size=upload.size,
            # The type the portal found in the content (checked in validate_upload), never the browser's claim.
            content_type=detected_type(upload, upload.name) or FALLBACK_TYPE,
            uploaded_by=user,
        )
        attachment._history_user = user
        attachment.file.save(upload.name, upload, save=False)
        stored.append(attachment.file.name)
        attachment.save()


def _remove_stored(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _check_highlight(user, is_highlight: bool | None, highlight_note: str | None) -> None:
    if (is_highlight is not None or highlight_note is not None) and not can_set_highlight(user):
        raise PermissionDenied


def _activity_fields(values: dict) -> dict:
    """The activity's own fields out of a service's keyword arguments."""
    fields = {name: values[name] for name in ACTIVITY_FIELDS}
    fields["title"] = fields["title"].strip()
    return fields


@contextmanager
def _all_or_nothing() -> Iterator[list[str]]:
    """One transaction; files stored during it are removed again if it fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        _remove_stored(stored)
        raise


def activity_create(
    *,
    user,
    groups: Sequence[SectorGroup],
    kind: str,
    title: str,
    date: datetime.date,
    status: str = Activity.Status.HELD,
    format: str = Activity.Format.OFFLINE,
    location: str = "",
    partners: str = "",
    summary: str = "",
    other_participants: int = 0,
    workstation: Workstation | None = None,
    is_highlight: bool | None = None,
    highlight_note: str | None = None,
    attendance: AttendanceInput | None = None,
    files: Sequence[UploadedFile] = (),
    allow_duplicate: bool = False,
) -> Activity:
    """Record an activity with its attendance and attachments, all or nothing."""
    groups, attendance = list(groups), dict(attendance or {})
    _check_role(user, None)
    _check_highlight(user, is_highlight, highlight_note)
    fields = _activity_fields(locals())
    # Its rows change its year's summaries only (portal.cache).
    with freshness.confined_to(getattr(date, "year", None)), _all_or_nothing() as stored:
        _validate(
            user=user,
            activity=None,
            groups=groups,
            fields=fields,
            attendance=attendance,
            files=files,
            allow_duplicate=allow_duplicate,
        )
        activity = Activity(
            committee_id=groups[0].committee_id,
            created_by=user,
            is_highlight=bool(is_highlight),
            highlight_note=highlight_note or "",
            **fields,
        )
        # One save, one history entry: the "created" row holds the groups, and the
        # attendance rows share its date (activities.selectors.activity_history joins them).
        now = timezone.now()
        activity._history_user, activity._history_date = user, now
        activity.save()
        _set_groups_in_history(activity, groups)
        _snapshot_groups(activity)
        _save_attendance(user=user, activity=activity, groups=groups, attendance=attendance, is_new=True, now=now)
        _save_files(user=user, activity=activity, files=files, stored=stored)
    return activity


def activity_update(
    *,
    user,
    activity: Activity,
    groups: Sequence[SectorGroup],
    kind: str,
    title: str,
    date: datetime.date,
    status: str = Activity.Status.HELD,
    format: str = Activity.Format.OFFLINE,
    location: str = "",
    partners: str = "",
    summary: str = "",
    other_participants: int = 0,
    workstation: Workstation | None = None,
    is_highlight: bool | None = None,
    highlight_note: str | None = None,
    attendance: AttendanceInput | None = None,
    files: Sequence[UploadedFile] = (),
    allow_duplicate: bool = False,
) -> Activity:
    """Change an activity, its attendance and add attachments, all or nothing.

    Attendance is written only for the members the user may record (see
    selectors.attendance_options); a member left "not recorded" loses their row.
    `is_highlight`/`highlight_note` of None keep the current values.
    """
    groups, attendance = list(groups), dict(attendance or {})
    _check_role(user, activity)
    _check_highlight(user, is_highlight, highlight_note)
    fields = _activity_fields(locals())
    # Its rows change the summaries of the year it was in and of the year it moves to.
    with freshness.confined_to(activity.records_year, getattr(date, "year", None)), _all_or_nothing() as stored:
        _validate(
            user=user,
            activity=activity,
            groups=groups,
            fields=fields,
            attendance=attendance,
            files=files,
            allow_duplicate=allow_duplicate,
        )
        if is_highlight is not None:
            fields["is_highlight"] = is_highlight
        if highlight_note is not None:
            fields["highlight_note"] = highlight_note
        changed = [name for name, value in fields.items() if getattr(activity, name) != value]
        for name in changed:
            setattr(activity, name, fields[name])
        now = timezone.now()
        activity._history_user, activity._history_date = user, now
        groups_changed = {g.pk for g in groups} != set(activity.groups.values_list("pk", flat=True))
        if groups_changed:
            # Set first, so that the one "changed" row saved next records the new groups.
            _set_groups_in_history(activity, groups)
        if changed or groups_changed:
            activity.save(update_fields=[*changed, "updated_at"])
        if "date" in changed:
            _move_duty_reports(user=user, meeting=activity)
        _save_attendance(user=user, activity=activity, groups=groups, attendance=attendance, is_new=False, now=now)
        _save_files(user=user, activity=activity, files=files, stored=stored)
    return activity


def activity_delete(*, user, activity: Activity) -> None:
    """Delete an activity with its attendance and attachments (files go after the commit)."""
    _check_role(user, activity)
    names = [name for name in activity.attachments.values_list("file", flat=True) if name]
    activity._history_user = user
    try:
        with freshness.confined_to(activity.records_year), transaction.atomic():
            activity.delete()
            transaction.on_commit(lambda: _remove_stored(names))
    except ProtectedError as linked:
        raise ValidationError(
            _("This activity cannot be deleted: duty reports refer to it. Change or delete them first.")
        ) from linked


def attachment_delete(*, user, attachment: Attachment) -> None:
    """Delete one attachment; its file goes after the commit."""
    _check_role(user, attachment.activity)
    name = attachment.file.name
    attachment._history_user = user
    with transaction.atomic():
        attachment.delete()
        if name:
            transaction.on_commit(lambda: _remove_stored([name]))
