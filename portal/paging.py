"""Pagination shared by the portal's lists (templates/partials/pagination.html).

Long lists get numbered pages (first, last and two either side of the current
one, "…" between) and a "jump to page" box; the other filters ride along in
every link and in the box's hidden fields. Rows link to their pages through
`url_maker`, which reverses the address once per list, not once per row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from portal.cache import count_of


def paginate(request: HttpRequest, items, per_page: int) -> tuple[Page, str]:
    """The requested page, and the query string of the other filters for its links.
    A query's count is kept until the records change (`portal.cache.count_of`).

    The page also carries `page_links` (numbers, with Paginator.ELLIPSIS for a
    gap) and `other_params` ((name, value) pairs for the jump box's hidden fields).
    """
    paginator = Paginator(items, per_page)
    if isinstance(items, QuerySet):
        paginator.count = count_of(items)  # a cached_property: Paginator does not count again
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    page_obj.page_links = list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
    page_obj.ellipsis = Paginator.ELLIPSIS
    page_obj.other_params = [(name, value) for name, values in params.lists() for value in values]
    encoded = params.urlencode()
    return page_obj, f"{encoded}&" if encoded else ""


def paginate_by_keys(
    request: HttpRequest, items: QuerySet, per_page: int, load: Callable[[list], list] | None = None
) -> tuple[Page, str]:
    """`paginate` for a list of wide or joined rows: the page is cut from the ids alone
    (a deep page's OFFSET then skips index entries, not joined rows with their text),
    and only that page's rows are loaded, in order: by `load(ids)` when given, else
    from `items` with their joins and prefetches."""
    page_obj, querystring = paginate(request, items.prefetch_related(None).values_list("pk", flat=True), per_page)
    ids = list(page_obj.object_list)
    page_obj.object_list = load(ids) if load is not None else in_order(items, ids)
    return page_obj, querystring


def in_order(items: QuerySet, ids: list) -> list:
    """The rows of `items` with these ids, in the ids' order (one query, and its prefetches)."""
    by_id = {row.pk: row for row in items.order_by().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def url_maker(name: str) -> Callable[[int], str]:
    """The page address of a row by id, reversed once (not once per row)."""
    placeholder = 987654321
    template = reverse(name, args=[placeholder])
    return lambda pk: template.replace(str(placeholder), str(pk))
