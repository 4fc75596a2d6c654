"""The chairman's year-end dashboard, its print view, JSON and Excel workbook.

All four state reports.selectors.dashboard.dashboard_data for the period asked
(?year=YYYY, or ?from=YYYY-MM-DD&to=YYYY-MM-DD) in the user's scope.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal import clock, roles
from portal.access import portal_view
from portal.spreadsheets import workbook_response
from sectors.models import committee_for_portal
from sectors.scope import is_leader

from ..dashboard_tables import dashboard_sheets, export_filename, page_context
from ..figures import Period, period_problem
from ..selectors.dashboard import dashboard_data


class PeriodForm(forms.Form):
    """A calendar year, or a span from one date to another (both included)."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, **kwargs) -> None:
        # The address says ?from=…&to=… (as `year_report --from --to`); Python cannot name a field "from".
        if data is not None:
            data = {"year": data.get("year", ""), "start": data.get("from", ""), "end": data.get("to", "")}
        super().__init__(data, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both dates of the period, from and to."))
        if start and end:
            problem = period_problem(start, end)
            if problem:
                raise forms.ValidationError(problem)
        return cleaned

    def error_text(self) -> str:
        """The errors in one line, each after its field's label (as on the page)."""
        named = [
            f"{self[name].label}：{e}" for name, errors in self.errors.items() if name in self.fields for e in errors
        ]
        return " ".join([*map(str, self.non_field_errors()), *named])

    def period(self) -> Period:
        """The period asked for; this year when nothing (or nothing valid) was asked."""
        this_year = Period.year(clock.today().year)
        if not self.is_bound or not self.is_valid():
            return this_year
        if self.cleaned_data.get("start"):
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        if self.cleaned_data.get("year"):
            return Period.year(self.cleaned_data["year"])
        return this_year


def _period_and_data(request: HttpRequest) -> tuple[PeriodForm, Period, dict]:
    form = PeriodForm(request.GET if request.GET else None)
    period = form.period()
    group = request.user.sector_group if is_leader(request.user) else None
    return form, period, dashboard_data(committee=committee_for_portal(), period=period, group=group)


def _years() -> list[int]:
    return list(range(clock.today().year, clock.FIRST_YEAR - 1, -1))


@portal_view(roles.ALL_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period, data = _period_and_data(request)
    context = page_context(data) | {"form": form, "period": period, "years": _years(), "query": request.GET.urlencode()}
    return render(request, "reports/dashboard.html", context)


def _refused(form: PeriodForm) -> HttpResponse | None:
    """A download or print of a period that cannot be shown: a clear message
    (400), never another period's figures under the asked-for name."""
    if form.is_bound and not form.is_valid():
        text = _("This period cannot be shown: %(errors)s") % {"errors": form.error_text()}
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    return None


@portal_view(roles.ALL_ROLES)
def dashboard_print(request: HttpRequest) -> HttpResponse:
    form, period, data = _period_and_data(request)
    if refused := _refused(form):
        return refused
    context = page_context(data) | {"form": form, "period": period, "print_view": True}
    return render(request, "reports/dashboard_print.html", context)


@portal_view(roles.ALL_ROLES)
def dashboard_json(request: HttpRequest) -> HttpResponse:
    form, _period, data = _period_and_data(request)
    if form.is_bound and not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@portal_view(roles.ALL_ROLES)
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    form, period, data = _period_and_data(request)
    if refused := _refused(form):
        return refused
    return workbook_response(export_filename(data), dashboard_sheets(data))


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/print/", dashboard_print, name="dashboard_print"),
    path("dashboard/data.json", dashboard_json, name="dashboard_json"),
    path("dashboard/export.xlsx", dashboard_xlsx, name="dashboard_xlsx"),
]
