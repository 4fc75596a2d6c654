"""Session and response protections that apply to every page.

- PrivateCacheMiddleware: nothing sent to a signed-in user is kept by a
  browser or proxy cache (`Cache-Control: no-store`): every page may carry
  members' personal data, and a list of names is personal data too.
- IdleTimeoutMiddleware: signed out after SESSION_IDLE_SECONDS without a
  request, and SESSION_COOKIE_AGE after signing in however active the user
  was: the session's expiry is fixed at sign-in (`start_session_clock`), so the
  writes that keep the idle clock do not push it further.
- TwoFactorMiddleware: administrators, Django admin users and everyone who
  set up two-factor sign-in must confirm a one-time code before anything else.
- ExportAuditMiddleware: every spreadsheet download, the portal's and Django
  admin's, is written to the audit trail, whoever wrote the view.
- SizeLimitUploadHandler and UploadLimitMiddleware: an uploaded file stops
  being written (to memory or disk) once it passes the upload limit, and the
  request is answered with a message instead of reaching the view.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_otp import user_has_device

from portal import roles
from sectors.audit import events as audit

_LAST_SEEN = "portal_last_seen"
_SIGNED_IN = "portal_signed_in"
EXPORT_TYPES = ("spreadsheetml", "ms-excel", "text/csv")


def mark_seen(request: HttpRequest) -> None:
    request.session[_LAST_SEEN] = int(time.time())


def start_session_clock(request: HttpRequest) -> None:
    """At sign-in: the idle clock starts, and the session ends SESSION_COOKIE_AGE
    from now. A fixed expiry date (not an age) is what keeps it absolute: Django
    would otherwise set "now + age" again at every write of the session."""
    now = int(time.time())
    request.session[_SIGNED_IN] = now
    request.session.set_expiry(datetime.datetime.fromtimestamp(now + settings.SESSION_COOKIE_AGE, tz=datetime.UTC))
    mark_seen(request)


def requires_two_factor(user) -> bool:
    """Administrators and Django admin users must use two-factor sign-in;
    anyone who set it up for themselves uses it too."""
    if not getattr(user, "is_authenticated", False):
        return False
    return two_factor_mandatory(user) or user_has_device(user)


_HAS_AUTHENTICATOR = "portal_has_authenticator"


def remember_authenticator(request: HttpRequest, present: bool | None = None) -> bool:
    """Whether this user has an authenticator, kept in the session (set at sign-in,
    changed by the set-up and switch-off pages) so that pages do not ask the database."""
    if present is None:
        present = user_has_device(request.user)
    request.session[_HAS_AUTHENTICATOR] = present
    return present


def _needs_code(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if two_factor_mandatory(user):
        return True
    present = request.session.get(_HAS_AUTHENTICATOR)
    return remember_authenticator(request) if present is None else present


def two_factor_mandatory(user) -> bool:
    """Required by role (so it cannot be switched off), not by the user's choice."""
    return user.is_superuser or user.is_staff or roles.role_of(user) == roles.ADMIN


class _Middleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response


class PrivateCacheMiddleware(_Middleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def _sign_out(request: HttpRequest, message: str) -> HttpResponse:
    logout(request)
    messages.info(request, message)
    return HttpResponseRedirect(f"{reverse('login')}?next={quote(request.get_full_path())}")


class IdleTimeoutMiddleware(_Middleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            signed_in = request.session.get(_SIGNED_IN)
            if signed_in is None:  # a session from before the absolute limit was kept: it starts now
                start_session_clock(request)
            elif now - signed_in >= settings.SESSION_COOKIE_AGE:
                return _sign_out(request, _("Your session has reached its time limit. Please sign in again."))
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_SECONDS:
                audit.record(action=audit.Action.IDLE_LOGOUT, request=request)
                request.portal_idle_logout = True  # the sign-out signal records nothing more
                return _sign_out(
                    request, _("You were signed out after a period without activity. Please sign in again.")
                )
            # The session is written at most once a minute for this (SESSION_IDLE_TOUCH_SECONDS).
            if last_seen is None or now - last_seen >= settings.SESSION_IDLE_TOUCH_SECONDS:
                mark_seen(request)
        return self.get_response(request)


def _two_factor_paths() -> tuple[str, ...]:
    return (
        reverse("two_factor_verify"),
        reverse("two_factor_setup"),
        reverse("logout"),
        reverse("set_language"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
    )


class TwoFactorMiddleware(_Middleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if _needs_code(request) and not user.is_verified() and not request.path.startswith(_two_factor_paths()):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return HttpResponseRedirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class ExportAuditMiddleware(_Middleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        content_type = response.get("Content-Type", "")
        if (
            response.status_code == 200
            and disposition.startswith("attachment")
            and any(kind in content_type for kind in EXPORT_TYPES)
        ):
            audit.record(action=audit.Action.EXPORT, request=request, detail=disposition.split("filename", 1)[-1][:200])
        return response


def upload_limit() -> int:
    """The largest file any form accepts: attachments' UPLOAD_MAX_MB or the import pages' own limit."""
    return max(settings.UPLOAD_MAX_BYTES, int(getattr(settings, "IMPORT_MAX_BYTES", 0)))


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts each file's bytes as they arrive and
    stops the upload once one passes `upload_limit()`, before the rest is
    written anywhere. The rest of the body is read and dropped (no connection
    reset, which browsers show as a network error), and UploadLimitMiddleware
    answers with a message."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > upload_limit():
            self.request.portal_upload_too_large = self.file_name or "?"
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file


class UploadLimitMiddleware(_Middleware):
    """After CsrfViewMiddleware (which reads the form): a request whose upload was
    stopped never reaches the view, which would see a form without its file."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.POST  # noqa: B018 (reads the body through the upload handlers)
        name = getattr(request, "portal_upload_too_large", None)
        if name is None:
            return None
        context = {"name": name, "limit": filesizeformat(upload_limit())}
        return render(request, "upload_too_large.html", context, status=413)
