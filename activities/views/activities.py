"""Activity pages: list, month calendar, detail, and the entry form with attendance."""

from __future__ import annotations

import copy
import datetime
import itertools
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from portal import clock, roles
from portal.access import portal_view
from portal.exports import EXPORT_CHUNK, Column, choice_labels, filter_description, list_export, year_period
from portal.paging import paginate_by_keys
from sectors.models import SectorGroup
from sectors.roster.selectors import committee_name
from sectors.submissions import save_once

from ..closing import closed_year_warning
from ..forms.activity import (
    KEPT_FIELD,
    ActivityFilterForm,
    ActivityForm,
    CalendarFilterForm,
    kept_attendance_value,
    parse_attendance,
    parse_date,
    parse_kept_attendance,
)
from ..models import Activity, Attendance
from ..selectors import activity as selectors
from ..services import activity as services
from . import attachments

PER_PAGE = 25


def _filtered_activities(request: HttpRequest):
    form = ActivityFilterForm(request.GET or None, user=request.user)
    kwargs = form.selector_kwargs() if form.is_bound else {}
    return form, kwargs, selectors.activity_list(user=request.user, **kwargs)


@portal_view(roles.ALL_ROLES)
def activity_list(request: HttpRequest) -> HttpResponse:
    form, _kwargs, activities = _filtered_activities(request)
    # Numbered pages are cut from the ids alone; only the shown rows are loaded and counted.
    page_obj, querystring = paginate_by_keys(request, activities, PER_PAGE, load=selectors.activity_page)
    context = {
        "filter_form": form,
        "page_obj": page_obj,
        "activities": page_obj.object_list,
        "querystring_without_page": querystring,
    }
    return render(request, "activities/activity_list.html", context)


_EXPORT_FIELDS = (
    "pk", "date", "kind", "title", "status", "format", "location", "partners",
    "workstation__name", "present_count", "participant_times", "is_highlight", "summary",
)  # fmt: skip


def _activity_columns() -> list[Column]:
    # Rows are dicts (`_export_rows`); choice labels looked up once per export.
    kinds, statuses, formats = (choice_labels(Activity._meta.get_field(name)) for name in ("kind", "status", "format"))
    yes = _("Yes")
    return [
        Column(_("Date"), lambda a: a["date"]),
        Column(_("Type"), lambda a: kinds.get(a["kind"], a["kind"])),
        Column(_("Title"), lambda a: a["title"]),
        Column(_("Groups"), lambda a: a["groups"]),
        Column(_("Status"), lambda a: statuses.get(a["status"], a["status"])),
        Column(_("Format"), lambda a: formats.get(a["format"], a["format"])),
        Column(_("Location"), lambda a: a["location"]),
        Column(_("Partner bodies"), lambda a: a["partners"]),
        Column(_("Workstation"), lambda a: a["workstation__name"] or ""),
        Column(_("Members present"), lambda a: a["present_count"]),
        Column(_("Participant-times"), lambda a: a["participant_times"]),
        Column(_("Highlight"), lambda a: yes if a["is_highlight"] else ""),
        Column(_("Summary"), lambda a: a["summary"]),
    ]


def _export_rows(activities) -> Iterator[dict]:
    """The list's rows as dicts, read in chunks with one query for each chunk's group
    names: no model instances or related managers per row (bench/README.md)."""
    rows = activities.prefetch_related(None).values(*_EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(rows, EXPORT_CHUNK)):
        names = selectors.group_names(row["pk"] for row in chunk)
        for row in chunk:
            row["groups"] = names.get(row["pk"], "")
            yield row


@portal_view(roles.ALL_ROLES)
def activity_export(request: HttpRequest) -> HttpResponse:
    """The activity list as Excel, with its filters and the user's scope."""
    form, kwargs, activities = _filtered_activities(request)
    month = kwargs.get("month")
    return list_export(
        request=request,
        committee=committee_name(),
        title=_("Activities"),
        filename=_("Activities"),
        columns=_activity_columns(),
        rows=_export_rows(activities),
        period=month.strftime("%Y-%m") if month else year_period(kwargs.get("year")),
        filters=filter_description(form, skip=("year", "month")),
        count=selectors.page_keys(activities).count(),
    )


def _calendar_group(request: HttpRequest) -> tuple[CalendarFilterForm, SectorGroup | None]:
    form = CalendarFilterForm(request.GET or None, user=request.user)
    return form, form.cleaned_data.get("group") if form.is_bound and form.is_valid() else None


def _month_param(request: HttpRequest) -> tuple[int, int]:
    today = clock.today()
    try:
        year, month = int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month))
    except (TypeError, ValueError):
        return today.year, today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


@portal_view(roles.ALL_ROLES)
def activity_calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month_param(request)
    form, group = _calendar_group(request)
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    context = {
        "filter_form": form,
        "first": first,
        "weeks": selectors.activity_month(user=request.user, year=year, month=month, group=group),
        "previous": previous,
        "following": following,
        "group_param": f"&group={group.pk}" if group else "",
        "day_base": reverse("activity_calendar_day") + "?date=",
        "is_activity_month": month == 12,
        "today": clock.today(),
    }
    return render(request, "activities/activity_calendar.html", context)


@portal_view(roles.ALL_ROLES)
def activity_calendar_day(request: HttpRequest) -> HttpResponse:
    """All of one day's activities: the calendar's "+N" (htmx swaps the list in), or a page."""
    day = parse_date(request.GET.get("date", "")) or clock.today()
    _form, group = _calendar_group(request)
    context = {
        "day": day,
        "activities": selectors.activity_day(user=request.user, day=day, group=group),
        "group_param": f"&group={group.pk}" if group else "",
    }
    if request.headers.get("HX-Request"):
        return render(request, "activities/partials/calendar_entries.html", context)
    return render(request, "activities/activity_calendar_day.html", context)


@portal_view(roles.ALL_ROLES)
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, activity_id=activity_id)
    summary = selectors.activity_attendance(user=request.user, activity=activity)
    context = {
        "activity": activity,
        "can_change": services.can_change_activity(request.user, activity),
        "recorded_by": selectors.recorded_by(user=request.user, activity=activity),
        "attendance_groups": summary.groups,
        "present_label": Attendance.Status.PRESENT.label,
        "absent_label": Attendance.Status.ABSENT.label,
        "attendance_partial": summary.partial,
        "present_count": summary.present_count,
        "absent_count": summary.absent_count,
        "participant_times": summary.participant_times,
        "attachments": selectors.activity_attachments(activity=activity),
        "history": selectors.activity_history(user=request.user, activity=activity),
    }
    return render(request, "activities/activity_detail.html", context)


def _chosen_groups(user, ids: list[str], activity: Activity | None = None) -> list[SectorGroup]:
    """The groups named in a request, among those the form offers (a leader: their own group only)."""
    wanted = {int(value) for value in ids if str(value).isdigit()}
    if roles.role_of(user) == roles.LEADER:
        wanted = {user.sector_group_id}
    current = list(activity.groups.values_list("pk", flat=True)) if activity else []
    return list(selectors.portal_groups(include=current).filter(pk__in=wanted).order_by("sort_order", "id"))


def _form_page(request: HttpRequest, form: ActivityForm, activity: Activity | None) -> HttpResponse:
    if form.is_bound:
        groups = _chosen_groups(request.user, request.POST.getlist("groups"), activity)
        day = parse_date(request.POST.get("date"))
        selected = parse_attendance(request.POST)
    elif activity is not None:
        groups, day, selected = list(activity.groups.all()), activity.date, None
    else:
        groups = _chosen_groups(request.user, [str(pk) for pk in form.initial.get("groups", [])])
        day, selected = form.initial.get("date"), None
    options = selectors.attendance_options(
        user=request.user, groups=groups, day=day, activity=activity, selected=selected
    )
    show_duplicate = "confirm_duplicate" in form.errors or bool(form.data.get("confirm_duplicate"))
    context = {
        "form": form,
        "activity": activity,
        **_options_context(options),
        "show_duplicate": show_duplicate,
        "attachments": selectors.activity_attachments(activity=activity) if activity else [],
    }
    return render(request, "activities/activity_form.html", context)


@portal_view(roles.EDITORS, write=True)
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        activity = save_once(
            request=request,
            form=form,
            # The service checks its rules (duplicates too) inside the transaction.
            save=lambda: services.activity_create(
                user=request.user, attendance=parse_attendance(request.POST), **form.activity_data()
            ),
            recheck=False,
        )
        if activity is not None:
            messages.success(request, _("The activity was saved."))
            _warn_if_closed(request, activity)
            return redirect("activity_detail", activity_id=activity.pk)
    return _form_page(request, form, None)


def _warn_if_closed(request: HttpRequest, activity: Activity) -> None:
    if warning := closed_year_warning(committee_id=activity.committee_id, year=activity.date.year):
        messages.warning(request, warning)


def _changeable_activity(request: HttpRequest, activity_id: int) -> Activity:
    """The activity, if the user may change it: 404 if they cannot see it, 403 if it is read-only for them."""
    activity = selectors.activity_get(user=request.user, activity_id=activity_id)
    if not services.can_change_activity(request.user, activity):
        raise PermissionDenied
    return activity


@portal_view(roles.EDITORS, write=True)
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _changeable_activity(request, activity_id)
    # The form works on its own copy, so that the page keeps the stored title and
    # date while the typed values are wrong.
    form = ActivityForm(request.POST or None, request.FILES or None, instance=copy.copy(activity), user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_once(
            request=request,
            form=form,
            save=lambda: services.activity_update(
                user=request.user,
                activity=activity,
                attendance=parse_attendance(request.POST),
                **form.activity_data(),
            ),
            recheck=False,
        )
        if saved is not None:
            messages.success(request, _("The activity was saved."))
            _warn_if_closed(request, saved)
            return redirect("activity_detail", activity_id=activity.pk)
    return _form_page(request, form, activity)


@portal_view(roles.EDITORS, write=True)
def activity_delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _changeable_activity(request, activity_id)
    error = ""
    if request.method == "POST":
        try:
            services.activity_delete(user=request.user, activity=activity)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The activity was deleted."))
            return redirect("activity_list")
    return render(request, "activities/activity_confirm_delete.html", {"activity": activity, "error": error})


@portal_view(roles.EDITORS)
def activity_attendance_options(request: HttpRequest) -> HttpResponse:
    """The htmx partial: the member checklist for the chosen groups and date."""
    activity = None
    activity_param = request.GET.get("activity", "")
    if activity_param.isdigit():
        activity = selectors.activity_get(user=request.user, activity_id=int(activity_param))
    has_choices = any(key.startswith("att_") for key in request.GET)
    options = selectors.attendance_options(
        user=request.user,
        groups=_chosen_groups(request.user, request.GET.getlist("groups"), activity),
        day=parse_date(request.GET.get("date")),
        activity=activity,
        selected=parse_attendance(request.GET) if has_choices else None,
    )
    context = {**_options_context(options), "activity": activity}
    return render(request, "activities/partials/activity_attendance_options.html", context)


def _options_context(options: selectors.AttendanceOptions) -> dict:
    """The checklist as the page shows it: at most ATTENDANCE_LIST_LIMIT rows a group."""
    options = options.bounded(settings.ATTENDANCE_LIST_LIMIT)
    return {
        "options": options,
        "kept_field": KEPT_FIELD,
        "kept_value": kept_attendance_value(options.kept),
        "reasons": Attendance.AbsenceReason.choices,
    }


@portal_view(roles.EDITORS)
def activity_attendance_search(request: HttpRequest) -> HttpResponse:
    """The htmx partial: a few members of a large group matching the typed name or number."""
    activity = None
    activity_param = request.GET.get("activity", "")
    if activity_param.isdigit():
        activity = selectors.activity_get(user=request.user, activity_id=int(activity_param))
    group_param = request.GET.get("group", "")
    rows = selectors.attendance_search(
        user=request.user,
        groups=_chosen_groups(request.user, request.GET.getlist("groups"), activity),
        day=parse_date(request.GET.get("date")),
        group_id=int(group_param) if group_param.isdigit() else 0,
        query=request.GET.get("q", "")[:50],
        exclude=_listed_members(request),
        limit=settings.ATTENDANCE_SEARCH_LIMIT,
    )
    context = {"rows": rows, "reasons": Attendance.AbsenceReason.choices, "searched": bool(request.GET.get("q"))}
    return render(request, "activities/partials/attendance_search.html", context)


def _listed_members(request: HttpRequest) -> set[int]:
    """The members the checklist already lists (a row each, or kept): a search leaves them out."""
    listed = {int(key[4:]) for key in request.GET if key.startswith("att_") and key[4:].isdigit()}
    return listed | set(parse_kept_attendance(request.GET.get(KEPT_FIELD, "")))


urlpatterns = [
    path("activities/", activity_list, name="activity_list"),
    path("activities/calendar/", activity_calendar, name="activity_calendar"),
    path("activities/calendar/day/", activity_calendar_day, name="activity_calendar_day"),
    path("activities/export/", activity_export, name="activity_export"),
    path("activities/new/", activity_create, name="activity_create"),
    path("activities/attendance-options/", activity_attendance_options, name="activity_attendance_options"),
    path("activities/attendance-search/", activity_attendance_search, name="activity_attendance_search"),
    path("activities/<int:activity_id>/", activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/delete/", activity_delete, name="activity_delete"),
    *attachments.urlpatterns,
]
