"""Pages of the duty points (履职积分): a member's points with the record behind
each item, a group's members, the committee's list with grades (and its Excel
download), the chairman's what-if, appeals (复核) and their resolution, and the
annual report documents."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from portal import clock, roles
from portal.access import portal_view
from portal.exports import Column, list_export, year_period
from sectors.models import Member, committee_for_portal
from sectors.submissions import show_errors

from ..views.pages import _year, _year_choices
from . import documents, selectors
from .engine import MemberPoints, PointItem, category_label, item_label
from .forms import AppealForm, ResolveForm, WhatIfForm
from .items import Category
from .models import PointAppeal
from .services import appeal_raise, appeal_resolve, is_frozen

LIST_READERS = frozenset({roles.STAFF, roles.CHAIRMAN, roles.ADMIN})
APPEAL_RAISERS = frozenset({roles.STAFF, roles.LEADER, roles.ADMIN})
APPEAL_RESOLVERS = frozenset({roles.STAFF, roles.ADMIN})


@dataclass(frozen=True)
class ItemRow:
    item: PointItem
    rule: str
    category: str
    url: str
    appeal: PointAppeal | None


def member_points_context(*, member: Member, points: MemberPoints | None, year_points, year: int, user) -> dict:
    """What templates/reports/points/_member_points.html needs (the member's file includes it too)."""
    appeals = selectors.appeals_for(member=member, year=year)
    rows = [
        ItemRow(
            item,
            item_label(item.item),
            category_label(item.category),
            selectors.record_url(item),
            appeals.get(item.key),
        )
        for item in (points.items if points else [])
    ]
    categories = [
        (category_label(key), total)
        for key, total in sorted(
            (points.categories if points else {}).items(), key=lambda pair: list(Category.values).index(pair[0])
        )
    ]
    role = roles.role_of(user)
    own = role == roles.MEMBER
    return {
        "points": points,
        "point_rows": rows,
        "point_categories": categories,
        "year_points": year_points,
        "points_year": year,
        "points_member": member,
        "points_frozen": year_points.frozen_on is not None or is_frozen(committee_id=member.committee_id, year=year),
        "can_appeal": role in APPEAL_RAISERS | {roles.MEMBER},
        "appeal_url": reverse("my_points_appeal") if own else reverse("member_points_appeal", args=[member.pk]),
        "report_docx_url": reverse("my_points_docx") if own else reverse("member_points_docx", args=[member.pk]),
        "report_pdf_url": reverse("my_points_pdf") if own else reverse("member_points_pdf", args=[member.pk]),
        "letter_url": "" if own else reverse("member_points_letter", args=[member.pk]),
        "appeal_form": AppealForm(),
    }


def _member_page(request: HttpRequest, member: Member, points, year_points, year: int, template: str) -> HttpResponse:
    context = member_points_context(member=member, points=points, year_points=year_points, year=year, user=request.user)
    context.update(member=member, year=year, years=_year_choices(year))
    return render(request, template, context)


@portal_view(roles.ALL_ROLES)
def member_points(request: HttpRequest, member_id: int) -> HttpResponse:
    year = _year(request)
    member, points, year_points = selectors.member_points_for(user=request.user, member_id=member_id, year=year)
    return _member_page(request, member, points, year_points, year, "reports/points/member_points.html")


def appeal_post(request: HttpRequest, member: Member, points: MemberPoints | None, year: int) -> HttpResponse | None:
    """Raise an appeal from the posted form; None when it was saved (the caller redirects)."""
    form = AppealForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return None
    item = next((i for i in (points.items if points else []) if i.key == form.cleaned_data["item_key"]), None)
    if item is None:
        messages.error(request, _("This point item does not exist (any more)."))
        return None
    try:
        appeal_raise(user=request.user, member=member, year=year, item=item, reason=form.cleaned_data["reason"])
    except ValidationError as refused:
        for error in refused.messages:
            messages.error(request, error)
        return None
    messages.success(request, _("The item is flagged for review: staff will answer before the year is closed."))
    return None


def _post_year(request: HttpRequest) -> int:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        return clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


@portal_view(APPEAL_RAISERS, write=True)
def member_points_appeal(request: HttpRequest, member_id: int) -> HttpResponse:
    """POST only; a GET goes back to the points (after the scope check, so another group's member is 404)."""
    year = _post_year(request)
    member, points, _year_points = selectors.member_points_for(user=request.user, member_id=member_id, year=year)
    if request.method == "POST":
        appeal_post(request, member, points, year)
    return redirect(f"{reverse('member_points', args=[member.pk])}?year={year}")


@portal_view(roles.ALL_ROLES)
def group_points(request: HttpRequest, group_id: int) -> HttpResponse:
    year = _year(request)
    group, rows, year_points = selectors.group_points_for(user=request.user, group_id=group_id, year=year)
    context = {"group": group, "rows": rows, "year_points": year_points, "year": year, "years": _year_choices(year)}
    return render(request, "reports/points/group_points.html", context)


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "total")
    return sort if sort in selectors.SORTS else "total"


@portal_view(LIST_READERS)
def committee_points(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    committee = committee_for_portal()
    grade = request.GET.get("grade", "")
    rows, year_points = selectors.committee_list(committee=committee, year=year, sort=_sort(request), grade=grade)
    context = {
        "rows": rows,
        "year_points": year_points,
        "year": year,
        "years": _year_choices(year),
        "sort": _sort(request),
        "grade": grade,
        "grades": year_points.grade_counts,
        "category_keys": [c for c in Category.values if c != Category.ADJUSTMENTS],
        "category_labels": [category_label(c) for c in Category.values if c != Category.ADJUSTMENTS],
    }
    return render(request, "reports/points/committee_points.html", context)


def points_columns() -> list[Column]:
    columns = [
        Column(_("Member number"), lambda p: p.number),
        Column(_("Name"), lambda p: p.name),
        Column(_("Sector group"), lambda p: p.group_name),
    ]
    for key in Category.values:
        columns.append(Column(category_label(key), lambda p, key=key: p.category(key)))
    columns += [Column(_("Points"), lambda p: p.total), Column(_("Grade"), lambda p: p.grade)]
    columns.append(Column(_("Consequence"), lambda p: p.consequence))
    return columns


@portal_view(LIST_READERS)
def committee_points_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    committee = committee_for_portal()
    rows, _year_points = selectors.committee_list(
        committee=committee, year=year, sort=_sort(request), grade=request.GET.get("grade", "")
    )
    return list_export(
        request=request,
        committee=committee.name,
        title=_("Members' duty points"),
        filename=_("Duty points %(year)s") % {"year": year},
        columns=points_columns(),
        rows=rows,
        period=year_period(year),
    )


@portal_view(LIST_READERS)
def what_if(request: HttpRequest) -> HttpResponse:
    """The committee's list recomputed with changed rule values; nothing is saved."""
    year = _year(request)
    committee = committee_for_portal()
    actual = selectors.committee_year_points(committee_id=committee.pk, year=year)
    form = WhatIfForm(request.GET if "recompute" in request.GET else None, rules=actual.rules)
    changed = None
    if form.is_bound and form.is_valid():
        changed = selectors.compute_year_points(committee_id=committee.pk, year=year, rules=form.changed_rules())
    rows = []
    if changed is not None:
        for p in changed.members:
            before = actual.by_member.get(p.member_id)
            rows.append((p, before))
    context = {
        "form": form,
        "year": year,
        "years": _year_choices(year),
        "actual": actual,
        "changed": changed,
        "rows": rows,
        "moved": sum(1 for p, before in rows if before is None or before.grade != p.grade),
    }
    return render(request, "reports/points/what_if.html", context, status=400 if form.errors else 200)


@portal_view(APPEAL_RESOLVERS, write=True)
def appeals(request: HttpRequest) -> HttpResponse:
    committee = committee_for_portal()
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal_resolve(
                user=request.user,
                appeal_id=data["appeal"],
                accept=data["decision"] == "accept",
                adjustment=data["adjustment"],
                comment=data["comment"],
                request=request,
            )
        except ValidationError as refused:
            show_errors(form, refused)
        else:
            messages.success(request, _("The appeal is resolved."))
            return redirect("points_appeals")
    context = {
        "open": selectors.open_appeals(committee=committee),
        "resolved": selectors.recent_resolved(committee=committee),
        "form": form,
    }
    return render(request, "reports/points/appeals.html", context, status=400 if form.errors else 200)


# --- documents ----------------------------------------------------------------------------------


@portal_view(roles.ALL_ROLES)
def member_points_docx(request: HttpRequest, member_id: int) -> HttpResponse:
    year = _year(request)
    member, points, year_points = selectors.member_points_for(user=request.user, member_id=member_id, year=year)
    return documents.member_report_response(
        member=member, points=points, year_points=year_points, year=year, kind="docx"
    )


@portal_view(roles.ALL_ROLES)
def member_points_pdf(request: HttpRequest, member_id: int) -> HttpResponse:
    year = _year(request)
    member, points, year_points = selectors.member_points_for(user=request.user, member_id=member_id, year=year)
    return documents.member_report_response(
        member=member, points=points, year_points=year_points, year=year, kind="pdf"
    )


@portal_view(roles.ALL_ROLES)
def member_points_letter(request: HttpRequest, member_id: int) -> HttpResponse:
    year = _year(request)
    member, points, year_points = selectors.member_points_for(user=request.user, member_id=member_id, year=year)
    return documents.employer_letter_response(member=member, points=points, year=year)


@portal_view(roles.ALL_ROLES)
def group_points_summary(request: HttpRequest, group_id: int) -> HttpResponse:
    year = _year(request)
    group, rows, year_points = selectors.group_points_for(user=request.user, group_id=group_id, year=year)
    return documents.group_summary_response(group=group, rows=rows, year_points=year_points, year=year)


@portal_view(roles.ALL_ROLES)
def group_points_batch(request: HttpRequest, group_id: int) -> HttpResponse:
    year = _year(request)
    group, rows, year_points = selectors.group_points_for(user=request.user, group_id=group_id, year=year)
    return documents.batch_response(rows=rows, year_points=year_points, year=year, name=group.short_name)


@portal_view(LIST_READERS)
def committee_points_batch(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    committee = committee_for_portal()
    rows, year_points = selectors.committee_list(committee=committee, year=year, sort="group")
    group = request.GET.get("group")
    if group and group.isdigit():
        rows = [p for p in rows if p.group_id == int(group)]
    return documents.batch_response(rows=rows, year_points=year_points, year=year, name=committee.short_name)


urlpatterns = [
    path("members/<int:member_id>/points/", member_points, name="member_points"),
    path("members/<int:member_id>/points/appeal/", member_points_appeal, name="member_points_appeal"),
    path("members/<int:member_id>/points/report.docx", member_points_docx, name="member_points_docx"),
    path("members/<int:member_id>/points/report.pdf", member_points_pdf, name="member_points_pdf"),
    path("members/<int:member_id>/points/letter.docx", member_points_letter, name="member_points_letter"),
    path("groups/<int:group_id>/points/", group_points, name="group_points"),
    path("groups/<int:group_id>/points/summary.docx", group_points_summary, name="group_points_summary"),
    path("groups/<int:group_id>/points/reports.zip", group_points_batch, name="group_points_batch"),
    path("points/", committee_points, name="committee_points"),
    path("points/export/", committee_points_export, name="committee_points_export"),
    path("points/reports.zip", committee_points_batch, name="committee_points_batch"),
    path("points/what-if/", what_if, name="points_what_if"),
    path("points/appeals/", appeals, name="points_appeals"),
]
