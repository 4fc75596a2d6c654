"""My file (一人一档): the member's own duty record of any year, what the year's
rules still ask of them, and the same as a print view and a PDF."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal import clock, roles
from portal.access import portal_view
from reports.points.engine import category_label
from reports.points.selectors import own_points
from reports.selectors.pages import member_record
from reports.views.pages import _year, _year_choices

from ..duties import member_duties
from ..notices import notices_of_member
from ..pdf import member_file_pdf


def _file_context(request: HttpRequest) -> dict:
    year = _year(request)
    member_id = request.user.member_id
    # The member's own record, whatever group each row was filed under (member_record
    # scopes by role; a member account sees only its own member: sectors.roster.selectors).
    record = member_record(user=request.user, member_id=member_id, year=year)
    today = clock.today()
    return {
        "record": record,
        "member": record.member,
        "year": year,
        "years": _year_choices(year),
        "duties": member_duties(member=record.member, record=record, year=year, today=today),
        "is_past": year < today.year,
        "today": today,
    }


@portal_view({roles.MEMBER})
def member_file(request: HttpRequest) -> HttpResponse:
    context = _file_context(request)
    context["unread_notices"] = notices_of_member(member_id=request.user.member_id).filter(read_at__isnull=True)[:3]
    context.update(_points_summary(request.user, context["year"]))
    return render(request, "members/file.html", context)


def _points_summary(user, year: int) -> dict:
    """The year's duty points on the file: the total and each category's (reports.points)."""
    _member, points, _year_points = own_points(user=user, year=year)
    categories = [(category_label(key), total.counted) for key, total in (points.categories if points else {}).items()]
    return {"member_points": points, "member_point_categories": categories}


@portal_view({roles.MEMBER})
def member_file_print(request: HttpRequest) -> HttpResponse:
    context = _file_context(request)
    context.update(committee_name=context["member"].committee.name, print_date=clock.today())
    return render(request, "members/file_print.html", context)


@portal_view({roles.MEMBER})
def member_file_download(request: HttpRequest) -> HttpResponse:
    context = _file_context(request)
    data = member_file_pdf(context)
    response = HttpResponse(data, content_type="application/pdf")
    name = _("Duty record %(year)s") % {"year": context["year"]}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.pdf"
    return response
