"""The audit trail for administrators: who changed, exported, imported or
viewed what, and who signed in, filtered and exported (sectors.audit.trail)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles
from portal.access import portal_view
from portal.exports import in_background
from portal.paging import paginate
from portal.spreadsheets import Sheet, workbook_response
from portal.widgets import quick_widgets
from sectors.audit import trail as audit_trail
from sectors.models import User

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class TrailFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.order_by("username"),
        required=False,
        empty_label=_("All users"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    model = forms.ChoiceField(label=_("Model"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    action = forms.ChoiceField(label=_("Action"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All models")), *audit_trail.model_choices()]
        self.fields["action"].choices = [("", _("All actions")), *audit_trail.action_choices()]
        quick_widgets(self)

    def wanted(self) -> audit_trail.TrailFilter:
        if not self.is_bound or not self.is_valid():
            return audit_trail.TrailFilter()
        data = self.cleaned_data
        return audit_trail.TrailFilter(
            user_id=data["user"].pk if data["user"] else None,
            model=data["model"],
            action=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


HEADERS = (
    _("When"),
    _("User"),
    _("Action"),
    _("Model"),
    _("Object"),
    _("Name or address"),
    _("Page or export"),
    _("Detail"),
)


@portal_view({roles.ADMIN})
def audit_log(request: HttpRequest) -> HttpResponse:
    form = TrailFilterForm(request.GET or None)
    rows = audit_trail.trail(form.wanted())
    if request.GET.get("format") == "xlsx":
        # A long trail is written by the worker (sectors.ops.exports); the paginator counts it too.
        return in_background(request, min(rows.count(), EXPORT_LIMIT)) or _export(rows)
    page_obj, querystring = paginate(request, rows, PAGE_SIZE)
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": [audit_trail.readable(raw) for raw in page_obj.object_list],
        "querystring_without_page": querystring,
    }
    return render(request, "sectors/audit_log.html", context)


def _export(rows) -> HttpResponse:
    readable = (audit_trail.readable(raw) for raw in rows[:EXPORT_LIMIT])
    sheet = Sheet(
        title=str(_("Audit trail")),
        headers=[str(h) for h in HEADERS],
        rows=(
            (
                timezone.localtime(r.when).strftime("%Y-%m-%d %H:%M:%S"),
                r.username,
                r.action,
                r.model,
                r.object_id,
                r.label,
                r.where,
                r.detail,
            )
            for r in readable
        ),
    )
    return workbook_response(f"{_('Audit trail')}-{timezone.localdate():%Y%m%d}", [sheet])


urlpatterns = [
    path("audit/", audit_log, name="audit_log"),
]
