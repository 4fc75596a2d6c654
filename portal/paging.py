"""Pagination shared by the portal's lists (templates/partials/pagination.html).

Long lists get numbered pages (first, last and two either side of the current
one, "…" between) and a "jump to page" box; the other filters ride along in
every link and in the box's hidden fields. Rows link to their pages through
`url_maker`, which reverses the address once per list, not once per row.

A page past the middle of a list is read from the other end (`MirroredPaginator`):
the last page of ten years of activities skips none of the rows before it, so
it costs what the first page does, not an OFFSET over 30,000 rows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from portal.cache import count_of


class MirroredPaginator(Paginator):
    """Django's Paginator, reading a page in the list's second half in the reverse order
    (a small OFFSET from the end), then turning its rows round. Only for a queryset
    in a total order (its ordering ends with the primary key), whose reverse is then
    exactly the list read backwards; any other list is read as Django reads it."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        items = self.object_list
        if bottom <= self.count - top or not isinstance(items, QuerySet) or not in_total_order(items):
            return super().page(number)
        rows = list(items.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)


def in_total_order(items: QuerySet) -> bool:
    """Whether the queryset's ordering ends with its primary key (no two rows tie)."""
    query = items.query
    if query.is_sliced or query.combinator or query.extra_order_by or query.distinct_fields:
        return False
    ordering = query.order_by or (items.model._meta.ordering if query.default_ordering else ())
    if not ordering or not isinstance(ordering[-1], str):
        return False
    pk = items.model._meta.pk
    return ordering[-1].lstrip("-") in {"pk", pk.name, pk.attname}


def paginate(request: HttpRequest, items, per_page: int) -> tuple[Page, str]:
    """The requested page, and the query string of the other filters for its links.
    A query's count is kept until the records change (`portal.cache.count_of`).

    The page also carries `page_links` (numbers, with Paginator.ELLIPSIS for a
    gap) and `other_params` ((name, value) pairs for the jump box's hidden fields).
    """
    paginator = MirroredPaginator(items, per_page)
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
