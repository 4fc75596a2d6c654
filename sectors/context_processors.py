from django.http import HttpRequest

from . import roles


def portal(request: HttpRequest) -> dict:
    """The current user's role, for the navigation in base.html."""
    role = roles.role_of(request.user) if hasattr(request, "user") else None
    return {
        "portal_role": role,
        "portal_role_label": roles.ROLE_LABELS.get(role, ""),
        "portal_can_edit": role in roles.EDITORS,
        "portal_is_admin": role == roles.ADMIN,
    }
