from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal import roles


def portal(request: HttpRequest) -> dict:
    """The current user's role, for the navigation in base.html."""
    role = roles.role_of(request.user) if hasattr(request, "user") else None
    return {
        "portal_role": role,
        "portal_role_label": roles.ROLE_LABELS.get(role, ""),
        "portal_can_edit": role in roles.EDITORS,
        "portal_is_admin": role == roles.ADMIN,
    }


def notifications(request: HttpRequest) -> dict:
    """The unread count shown on the bell in the header: one small query, made only
    when a page shows it (not for htmx fragments or the Django admin)."""
    from sectors.notifications.services import unread_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"portal_unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
