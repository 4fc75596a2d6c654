"""Pages that summarise work: the sector groups and the members' duty records (履职档案)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from activities.models import Attendance
from portal import clock, roles
from portal.access import portal_view
from portal.exports import Column, list_export, year_period
from portal.paging import paginate
from sectors.audit import events as audit
from sectors.audit.history import member_history
from sectors.roster.selectors import committee_name
from sectors.templatetags.portal import group_names_html

from ..selectors import pages as selectors
from ..selectors.pages import AttendanceRow


def _year(request: HttpRequest) -> int:
    """The ?year= asked for, or this year when missing or not a sensible year."""
    this_year = clock.today().year
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= 2100 else this_year


def _year_choices(chosen: int) -> list[int]:
    years = set(range(clock.FIRST_YEAR, clock.today().year + 1)) | {chosen}
    return sorted(years, reverse=True)


@portal_view(roles.ALL_ROLES)
def group_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    groups = selectors.group_list_for(user=request.user, year=year)
    return render(request, "reports/group_list.html", {"groups": groups, "year": year, "years": _year_choices(year)})


@portal_view(roles.ALL_ROLES)
def group_export(request: HttpRequest) -> HttpResponse:
    """The group list of a year as Excel, in the user's scope."""
    year = _year(request)
    columns = [
        Column(_("Group"), lambda g: g.short_name),
        Column(_("Full name"), lambda g: g.name),
        Column(_("Kind"), lambda g: g.get_kind_display()),
        Column(_("Group leader"), lambda g: "、".join(m.member.name for m in g.current_leaders)),
        Column(_("Members"), lambda g: g.member_count),
        Column(_("Workstations"), lambda g: g.workstation_count),
        Column(_("Activities in %(year)s") % {"year": year}, lambda g: g.activity_count),
    ]
    return list_export(
        request=request,
        committee=committee_name(),
        title=_("Sector groups"),
        filename=_("Sector groups"),
        columns=columns,
        rows=selectors.group_list_for(user=request.user, year=year),
        period=year_period(year),
    )


GROUP_MEMBERS_PER_PAGE = 100


def _group_context(request: HttpRequest, group_id: int) -> dict:
    """The group page; its current members a page at a time (a group of 15,000 took 10 s)."""
    year = _year(request)
    page = selectors.group_page(user=request.user, group_id=group_id, year=year)
    page_obj, querystring = paginate(request, page.memberships, GROUP_MEMBERS_PER_PAGE)
    return {
        "page": page,
        "year": year,
        "years": _year_choices(year),
        "page_obj": page_obj,
        "querystring_without_page": querystring,
        "member_rows": selectors.group_member_rows(page=page, memberships=list(page_obj.object_list)),
    }


@portal_view(roles.ALL_ROLES)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    return render(request, "reports/group_detail.html", _group_context(request, group_id))


@portal_view(roles.ALL_ROLES)
def group_print(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group page on A4: no navigation, the committee and the year in the header."""
    context = _group_context(request, group_id)
    context.update(committee_name=context["page"].group.committee.name, print_date=clock.today())
    return render(request, "reports/group_print.html", context)


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    """One row of a duty record's attendance table, ready to print: a record lists a
    hundred activities a year, so the template looks nothing up per row."""

    activity_id: int
    date: str
    kind: str
    url: str
    title: str
    groups: SafeString
    mark: SafeString


def _attendance_marks() -> dict[tuple[str | None, str], SafeString]:
    """Each (status, absence reason) as its badge, translated once per page."""

    def badge(tone: str, label) -> str:
        return f'<span class="badge {tone}">{escape(str(label))}</span>'

    present, absent = Attendance.Status.PRESENT, Attendance.Status.ABSENT
    marks = {
        (present, ""): badge("text-bg-success", _("Present")),
        (absent, ""): badge("text-bg-danger", _("Absent")),
        (None, ""): badge("text-bg-light border", _("Not recorded")),
    }
    leave = badge("text-bg-warning", _("On leave"))
    for reason, label in Attendance.AbsenceReason.choices:
        marks[(absent, reason)] = f'{leave} <small class="text-muted">{escape(str(label))}</small>'
    return {key: mark_safe(html) for key, html in marks.items()}  # noqa: S308 (escaped above)


def attendance_lines(rows: list[AttendanceRow], request: HttpRequest) -> list[AttendanceLine]:
    marks = _attendance_marks()
    lines = []
    for row in rows:
        activity = row.activity
        mark = marks.get((row.status, row.absence_reason)) or marks[(row.status, "")]
        lines.append(
            AttendanceLine(
                activity_id=activity.pk,
                date=activity.date.isoformat(),
                kind=activity.kind_label,
                url=activity.url,
                title=activity.title,
                groups=group_names_html(activity.group_names, request),
                mark=mark,
            )
        )
    return lines


def _member_context(request: HttpRequest, member_id: int) -> dict:
    year = _year(request)
    record = selectors.member_record(user=request.user, member_id=member_id, year=year)
    context = {
        "record": record,
        "member": record.member,
        "year": year,
        "years": _year_choices(year),
        "show_personal": request.user.has_perm(roles.PERSONAL_DATA_PERM),
        "attendance_lines": attendance_lines(record.attendance, request),
        "history": member_history(
            member=record.member,
            group_id=record.scoped_to_group.pk if record.scoped_to_group else None,
            personal=request.user.has_perm(roles.PERSONAL_DATA_PERM),
        ),
    }
    if context["show_personal"] and (record.member.id_card or record.member.mobile):
        audit.record_personal_data(request=request, people=[record.member])
    return context


@portal_view(roles.ALL_ROLES)
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    return render(request, "reports/member_detail.html", _member_context(request, member_id))


@portal_view(roles.ALL_ROLES)
def member_print(request: HttpRequest, member_id: int) -> HttpResponse:
    """The duty record (履职档案) on A4: no navigation, the committee and the year in the header."""
    context = _member_context(request, member_id)
    context.update(committee_name=context["member"].committee.name, print_date=clock.today())
    return render(request, "reports/member_print.html", context)


urlpatterns = [
    path("groups/", group_list, name="group_list"),
    path("groups/export/", group_export, name="group_export"),
    path("groups/<int:group_id>/", group_detail, name="group_detail"),
    path("groups/<int:group_id>/print/", group_print, name="group_print"),
    path("members/<int:member_id>/", member_detail, name="member_detail"),
    path("members/<int:member_id>/print/", member_print, name="member_print"),
]
