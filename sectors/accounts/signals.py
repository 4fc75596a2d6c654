"""Sign-ins, failed sign-ins, lockouts and sign-outs, written to the audit trail."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from sectors.accounts.security import remember_authenticator, start_session_clock
from sectors.audit import events as audit


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)  # the idle clock and the absolute limit start at sign-in
        remember_authenticator(request, user_has_device(user))
    audit.record(action=audit.Action.LOGIN, request=request, user=user, where=request.path if request else "")


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and not getattr(request, "portal_idle_logout", False):
        audit.record(action=audit.Action.LOGOUT, request=request, user=user, where=request.path if request else "")


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django cleanses the password out of `credentials`; the user name is kept.
    audit.record(
        action=audit.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
        where=request.path if request else "",
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit.record(action=audit.Action.LOCKED_OUT, request=request, username=str(username or ""), where=request.path)


def update_last_login_quietly(sender, user, **kwargs) -> None:
    """Django's update_last_login, without a "changed" row in the user's history at every sign-in."""
    user.skip_history_when_saving = True
    try:
        update_last_login(sender, user, **kwargs)
    finally:
        del user.skip_history_when_saving


def connect() -> None:
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(update_last_login_quietly, dispatch_uid="update_last_login_quietly")
