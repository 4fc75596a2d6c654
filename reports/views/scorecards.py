"""Scorecards: a group's year against the eight haves and six carriers, the
29 groups' list, the Excel download, the A4 print view, and filling a year's
rules for an administrator."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import roles
from portal.access import portal_view
from portal.exports import export_caption
from portal.paging import paginate
from portal.spreadsheets import workbook_response
from sectors.models import committee_for_portal
from sectors.roster.selectors import committee_name

from .. import scorecard_exports
from ..models import ClosedYear
from ..scorecards import official_year_scores, scorecard_for
from ..scoring import hard_counts_label, official_label
from ..setup import assessment_year_fill
from ..snapshots import changes_since_closing, score_history
from .pages import _year, _year_choices

LIST_READERS = frozenset({roles.STAFF, roles.CHAIRMAN, roles.ADMIN})
SORTS = {
    "rank": lambda g: (not g.is_ranked, g.rank),
    "name": lambda g: (g.sort_order, g.group_name),
    "total": lambda g: (g.total, -g.sort_order),
    "hard": lambda g: (not g.fails_hard, not g.is_ranked, g.rank),
}


SCORECARD_MEMBERS_PER_PAGE = 100


def _context(request: HttpRequest, group_id: int) -> dict:
    """The scorecard; its members' table a page at a time (a group of 5,000 rendered 2.8 MB
    in 14 s), every member in the Excel download."""
    year = _year(request)
    card = scorecard_for(user=request.user, group_id=group_id, year=year)
    page_obj, querystring = paginate(request, card.members, SCORECARD_MEMBERS_PER_PAGE)
    return {
        "card": card,
        "member_rows": page_obj.object_list,
        "page_obj": page_obj,
        "querystring_without_page": querystring,
        "score": card.score,
        "group": card.group,
        "year": year,
        "years": _year_choices(year),
        "can_fill_rules": roles.role_of(request.user) == roles.ADMIN,
        # A closed year's official result and the nightly trend (reports.snapshots).
        "history": score_history(group_id=card.group.pk, year=year),
    }


@portal_view(roles.ALL_ROLES)
def scorecard(request: HttpRequest, group_id: int) -> HttpResponse:
    return render(request, "reports/scorecard.html", _context(request, group_id))


@portal_view(roles.ALL_ROLES)
def scorecard_print(request: HttpRequest, group_id: int) -> HttpResponse:
    context = _context(request, group_id) | {"committee": committee_for_portal()}
    return render(request, "reports/scorecard_print.html", context)


@portal_view(roles.ALL_ROLES)
def scorecard_xlsx(request: HttpRequest, group_id: int) -> HttpResponse:
    card = scorecard_for(user=request.user, group_id=group_id, year=_year(request))
    filename = _("Scorecard %(group)s %(year)s") % {"group": card.group.short_name, "year": card.year}
    heading = export_caption(
        request=request,
        committee=committee_name(),
        title=_("Scorecard"),
        period=str(card.year),
        filters=card.group.name,
    )
    return workbook_response(filename, scorecard_exports.scorecard_sheets(card, heading))


def _closed_changes(committee, year: int) -> list:
    closed = ClosedYear.objects.filter(committee=committee, year=year).first()
    return changes_since_closing(closed=closed) if closed else []


@portal_view(LIST_READERS)
def scorecard_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    committee = committee_for_portal()
    scores = official_year_scores(committee_id=committee.pk, year=year)
    sort = request.GET.get("sort", "rank")
    key = SORTS.get(sort, SORTS["rank"])
    descending = sort == "total"
    groups = sorted(scores.groups, key=key, reverse=descending)
    if request.GET.get("format") == "xlsx":
        filename = _("Scorecards %(year)s") % {"year": year}
        return workbook_response(filename, scorecard_exports.list_sheets(scores))
    context = {
        "scores": scores,
        "groups": groups,
        "sort": sort if sort in SORTS else "rank",
        "year": year,
        "years": _year_choices(year),
        "failing": sum(1 for g in scores.groups if g.fails_hard),
        "hard_summary": hard_counts_label(scores.hard_counts),
        "official_text": official_label(scores.closed_on),
        "closed_changes": _closed_changes(committee, year) if scores.closed_on else [],
        "can_fill_rules": roles.role_of(request.user) == roles.ADMIN,
    }
    return render(request, "reports/scorecard_list.html", context)


@portal_view({roles.ADMIN}, write=True)
@require_POST
def scorecard_rules_fill(request: HttpRequest) -> HttpResponse:
    """Give a year without rules last year's rules, else the defaults (one click)."""
    try:
        year = int(request.POST.get("year", ""))
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        messages.error(request, _("Choose a year between 2000 and 2100."))
        return redirect("scorecard_list")
    assessment, source = assessment_year_fill(committee=committee_for_portal(), year=year)
    count = assessment.requirements.count()
    if source == "copied":
        text = _("%(year)s now has %(count)s rules, copied from the last year with rules.")
    else:
        text = _("%(year)s now has %(count)s rules, from the defaults.")
    messages.success(request, text % {"year": year, "count": count})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = f"{reverse('scorecard_list')}?year={year}"
    return redirect(target)


urlpatterns = [
    path("reports/scorecards/", scorecard_list, name="scorecard_list"),
    path("reports/scorecards/rules/fill/", scorecard_rules_fill, name="scorecard_rules_fill"),
    path("reports/scorecards/<int:group_id>/", scorecard, name="scorecard"),
    path("reports/scorecards/<int:group_id>/print/", scorecard_print, name="scorecard_print"),
    path("reports/scorecards/<int:group_id>/xlsx/", scorecard_xlsx, name="scorecard_xlsx"),
]
