"""Notices: staff (and leaders for their group) send them and see who has read
them; members read theirs (opening one records the receipt)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities.uploads import served_type
from portal import roles
from portal.access import portal_view
from portal.paging import paginate

from .. import notices as service
from ..forms import NoticeForm

PER_PAGE = 25


@portal_view(roles.ALL_ROLES)
def notice_list(request: HttpRequest) -> HttpResponse:
    page_obj, querystring = paginate(request, service.notices_for_staff(user=request.user), PER_PAGE)
    return render(request, "members/notice_list.html", {"page_obj": page_obj, "querystring_without_page": querystring})


@portal_view(roles.EDITORS, write=True)
def notice_create(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = service.notice_send(
                by=request.user,
                title=data["title"],
                body=data["body"],
                group=data["group"],
                attachment=data.get("attachment") or None,
                request=request,
            )
        except PermissionError as refused:
            raise PermissionDenied from refused
        count = notice.recipients.count()
        messages.success(request, _("The notice went to %(count)s members.") % {"count": count})
        return redirect("notice_detail", notice_id=notice.pk)
    return render(request, "members/notice_form.html", {"form": form})


@portal_view(roles.ALL_ROLES)
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = service.notice_for_staff(user=request.user, notice_id=notice_id)
    return render(
        request, "members/notice_detail.html", {"notice": notice, "receipts": service.notice_receipts(notice=notice)}
    )


@portal_view(roles.EVERYONE)
def notice_attachment(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = service.notice_visible_to(user=request.user, notice_id=notice_id)
    if not notice.attachment:
        raise Http404
    try:
        handle = notice.attachment.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    name = notice.attachment_name or notice.attachment.name
    return FileResponse(handle, as_attachment=True, filename=name, content_type=served_type(notice.attachment, name))


@portal_view({roles.MEMBER})
def member_notices(request: HttpRequest) -> HttpResponse:
    rows = service.notices_of_member(member_id=request.user.member_id)
    page_obj, querystring = paginate(request, rows, PER_PAGE)
    return render(request, "members/my_notices.html", {"page_obj": page_obj, "querystring_without_page": querystring})


@portal_view({roles.MEMBER})
def member_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    row = service.notice_open(member_id=request.user.member_id, notice_id=notice_id)
    return render(request, "members/my_notice.html", {"row": row, "notice": row.notice})
