"""A member's own duty points (履职积分) under /me/points/: the items with the
record behind each, an appeal (复核) on any item before the year is closed, and
their annual report (年度履职报告) as .docx and PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from portal import roles
from portal.access import portal_view
from reports.points import documents
from reports.points.selectors import own_points
from reports.points.views import _member_page, _post_year, appeal_post
from reports.views.pages import _year


@portal_view({roles.MEMBER})
def my_points(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    member, points, year_points = own_points(user=request.user, year=year)
    return _member_page(request, member, points, year_points, year, "members/points.html")


@portal_view({roles.MEMBER}, write=True)
def my_points_appeal(request: HttpRequest) -> HttpResponse:
    year = _post_year(request)
    member, points, _year_points = own_points(user=request.user, year=year)
    if request.method == "POST":
        appeal_post(request, member, points, year)
    return redirect(f"{reverse('my_points')}?year={year}")


@portal_view({roles.MEMBER})
def my_points_docx(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    member, points, year_points = own_points(user=request.user, year=year)
    return documents.member_report_response(
        member=member, points=points, year_points=year_points, year=year, kind="docx"
    )


@portal_view({roles.MEMBER})
def my_points_pdf(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    member, points, year_points = own_points(user=request.user, year=year)
    return documents.member_report_response(
        member=member, points=points, year_points=year_points, year=year, kind="pdf"
    )


urlpatterns = [
    path("points/", my_points, name="my_points"),
    path("points/appeal/", my_points_appeal, name="my_points_appeal"),
    path("points/report.docx", my_points_docx, name="my_points_docx"),
    path("points/report.pdf", my_points_pdf, name="my_points_pdf"),
]
