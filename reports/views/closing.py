"""Closing an assessment year: staff fix its scores as the official result."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import clock, roles
from portal.access import portal_view
from sectors.models import committee_for_portal

from ..models import AssessmentYear, ClosedYear
from ..snapshots import closed_years, closing_opens_on, year_close


class YearCloseForm(forms.Form):
    # An integer checked against the rows (not a choice field), so that a year already
    # closed or without rules gets its own message rather than "not a valid choice".
    year = forms.IntegerField(
        label=gettext_lazy("Assessment year"),
        min_value=2000,
        max_value=2100,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the scores become the official result and stay fixed."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args, committee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        closed = ClosedYear.objects.filter(committee=committee).values_list("year", flat=True)
        years = AssessmentYear.objects.filter(committee=committee).exclude(year__in=closed).order_by("-year")
        self.open_years = list(years.values_list("year", flat=True))
        self.fields["year"].widget.choices = [(y, y) for y in self.open_years]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if ClosedYear.objects.filter(committee=self.committee, year=year).exists():
            raise ValidationError(_("%(year)s is already closed.") % {"year": year})
        return year


@portal_view({roles.STAFF, roles.ADMIN}, write=True)
def year_close_view(request: HttpRequest) -> HttpResponse:
    committee = committee_for_portal()
    form = YearCloseForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            year_close(committee=committee, year=year, user=request.user, today=clock.today())
        except ValidationError as refused:
            form.add_error("year", refused)
        else:
            messages.success(request, _("%(year)s is closed: its scores are now the official result.") % {"year": year})
            return redirect("year_close")
    years = [(year, closing_opens_on(committee=committee, year=year)) for year in form.open_years]
    context = {"form": form, "closed": closed_years(committee=committee), "open_years": years, "today": clock.today()}
    return render(request, "reports/year_close.html", context, status=400 if form.errors else 200)


urlpatterns = [path("years/close/", year_close_view, name="year_close")]
