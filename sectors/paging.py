"""Pagination shared by the portal's lists (templates/partials/pagination.html)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items, per_page: int) -> tuple[Page, str]:
    """The requested page, and the query string of the other filters for its links."""
    page_obj = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return page_obj, f"{encoded}&" if encoded else ""
