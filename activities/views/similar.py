"""The similar-items fragment shown under the title of a proposal or an
opinion report being typed (htmx, activities.selectors.similar)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from activities.selectors.similar import KINDS, similar_items
from portal import roles
from portal.access import portal_view


@portal_view(roles.ALL_ROLES)
def similar(request: HttpRequest) -> HttpResponse:
    kind, record = request.GET.get("kind", ""), request.GET.get("record", "")
    exclude = (kind, int(record)) if kind in KINDS and record.isdigit() else None
    items = similar_items(
        user=request.user,
        title=request.GET.get("title", ""),
        content=request.GET.get("content", ""),
        exclude=exclude,
    )
    return render(request, "activities/partials/similar_items.html", {"items": items})


urlpatterns = [path("similar-items/", similar, name="similar_items")]
