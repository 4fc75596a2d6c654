"""Attachments are never served from a public URL: every download goes
through this view, which checks that the user may see the activity."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from portal import roles
from portal.access import portal_view

from ..selectors.activity import attachment_get
from ..services.activity import attachment_delete as delete_attachment
from ..services.activity import can_change_activity
from ..uploads import served_type


@portal_view(roles.ALL_ROLES)
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = attachment_get(user=request.user, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404(_("The file of this attachment is missing.")) from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        # Detected from the stored content, never the type the uploading browser claimed.
        content_type=served_type(attachment.file, attachment.original_name),
    )


@portal_view(roles.EDITORS, write=True)
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    # Look the row up first, so that another group's attachment answers 404 to any
    # method, and an attachment of an activity the user may only read 403.
    attachment = attachment_get(user=request.user, attachment_id=attachment_id)
    if not can_change_activity(request.user, attachment.activity):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity_id = attachment.activity_id
    delete_attachment(user=request.user, attachment=attachment)
    messages.success(request, _("The attachment “%(name)s” was deleted.") % {"name": attachment.original_name})
    return redirect("activity_edit", activity_id=activity_id)


urlpatterns = [
    path("attachments/<int:attachment_id>/", attachment_download, name="attachment_download"),
    path("attachments/<int:attachment_id>/delete/", attachment_delete, name="attachment_delete"),
]
