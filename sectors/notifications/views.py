"""A user's notifications: the list, and marking them read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from portal import roles
from portal.access import portal_view
from portal.paging import paginate
from sectors.notifications.services import notification_mark_read, notifications_for, unread_count

PER_PAGE = 25


@portal_view(roles.EVERYONE)
def notification_list(request: HttpRequest) -> HttpResponse:
    page_obj, querystring = paginate(request, notifications_for(user=request.user), PER_PAGE)
    context = {
        "page_obj": page_obj,
        "notifications": page_obj.object_list,
        "querystring_without_page": querystring,
        # Counted once for the page and the header's bell (the context processor's is lazy).
        "portal_unread_notifications": unread_count(user=request.user),
    }
    return render(request, "sectors/notification_list.html", context)


# Not a `write` view: it changes only the user's own read marks, never a record,
# so the chairman (who reads everything and changes nothing) may use it too.
@portal_view(roles.EVERYONE)
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (`id`) or all (`all`); with `open`, go to its link."""
    raw_id = request.POST.get("id", "")
    if not raw_id.isdigit() or len(raw_id) > 18:
        notification_mark_read(user=request.user) if "all" in request.POST else None
        return redirect("notification_list")
    notification = notification_mark_read(user=request.user, notification_id=int(raw_id))
    # The link comes from the stored notification, never from the request: no open redirect.
    if notification is not None and notification.link and "open" in request.POST:
        return redirect(notification.link)
    return redirect("notification_list")


urlpatterns = [
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/read/", notification_read, name="notification_read"),
]
