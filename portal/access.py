"""Who may reach which view.

Every portal view is wrapped in `portal_view(...)`, which declares the roles it
serves. The URL walk test (tests/test_access_walk.py) fails for any view
without such a declaration, so a view added later cannot forget its rule.
Which rows a user may see is the domain's business (sectors.scope).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from portal import roles

PUBLIC = "public"


def portal_view(
    allowed: Iterable[str] | str, *, write: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Declare the roles that may use a view; refuse everyone else.

    `write=True` marks views that change data; the walk test checks that the
    chairman (read-only) is never among their roles.
    """
    allowed_roles = frozenset() if allowed == PUBLIC else frozenset(allowed)
    if write and roles.CHAIRMAN in allowed_roles:
        raise ValueError("The chairman reads everything and changes nothing.")

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        if allowed == PUBLIC:
            wrapped = view
        else:

            @wraps(view)
            def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if roles.role_of(request.user) not in allowed_roles:
                    raise PermissionDenied
                return view(request, *args, **kwargs)

        wrapped.access_roles = PUBLIC if allowed == PUBLIC else allowed_roles
        wrapped.access_write = write
        return wrapped

    return decorate
