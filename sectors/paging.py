"""Pagination shared by the portal's lists (templates/partials/pagination.html).

Long lists get numbered pages (first, last and two either side of the current
one, "…" between) and a "jump to page" box; the other filters ride along in
every link and in the box's hidden fields.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items, per_page: int) -> tuple[Page, str]:
    """The requested page, and the query string of the other filters for its links.

    The page also carries `page_links` (numbers, with Paginator.ELLIPSIS for a
    gap) and `other_params` ((name, value) pairs for the jump box's hidden fields).
    """
    paginator = Paginator(items, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    page_obj.page_links = list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
    page_obj.ellipsis = Paginator.ELLIPSIS
    page_obj.other_params = [(name, value) for name, values in params.lists() for value in values]
    encoded = params.urlencode()
    return page_obj, f"{encoded}&" if encoded else ""
