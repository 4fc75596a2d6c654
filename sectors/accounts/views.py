"""The signed-in user's own account: password and two-factor sign-in.

These pages serve every signed-in user, with or without a role (an account
waiting for its role still changes its password and sets up its
authenticator), so they check the sign-in themselves instead of a role.
"""

from __future__ import annotations

import base64

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordChangeView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.access import PUBLIC, portal_view
from sectors.accounts.security import remember_authenticator, two_factor_mandatory
from sectors.audit import events as audit

DEVICE_NAME = "authenticator"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("The code has six digits.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "class": "form-control"}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("home")


def _signed_in(view):
    return portal_view(PUBLIC)(login_required(view))


@_signed_in
def account_security(request: HttpRequest) -> HttpResponse:
    context = {
        "has_device": user_has_device(request.user),
        "mandatory": two_factor_mandatory(request.user),
    }
    return render(request, "registration/account_security.html", context)


class PortalPasswordChangeView(PasswordChangeView):
    """Django's own page (its password validators apply), recorded in the audit trail.

    A wrong current password counts as a failed sign-in for django-axes (same
    user name and address): guessing it here locks out as guessing it at the
    sign-in page does, the lockout is audited by the same signal, and a locked-out
    pair can change nothing until the lock ends."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account_security")

    def _credentials(self) -> dict[str, str]:
        return {settings.AXES_USERNAME_FORM_FIELD: self.request.user.get_username()}

    def post(self, request, *args, **kwargs):
        if not AxesProxyHandler.is_allowed(request, self._credentials()):
            return locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            user_login_failed.send(sender=type(self), credentials=self._credentials(), request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(action=audit.Action.PASSWORD_CHANGED, request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = _signed_in(PortalPasswordChangeView.as_view())


def _qr_svg(device: TOTPDevice) -> str:
    # An <svg> element in the page: no image URL carries the secret anywhere.
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))  # noqa: S308


@_signed_in
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user_has_device(user):
        # A second authenticator only after the first one's code: a stolen
        # password alone must not be enough to add one.
        if not user.is_verified():
            return redirect(f"{reverse('two_factor_verify')}?next={_next_url(request)}")
        return redirect("account_security")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            remember_authenticator(request, True)
            audit.record(action=audit.Action.TWO_FACTOR_ENROLLED, request=request)
            messages.success(request, _("Two-factor sign-in is set up."))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("This code is not right. Check the time on your phone and try the newest code."))
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
        "mandatory": two_factor_mandatory(user),
    }
    return render(request, "registration/two_factor_setup.html", context)


@_signed_in
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit.record(action=audit.Action.TWO_FACTOR, request=request)
            return HttpResponseRedirect(_next_url(request))
        audit.record_repeated(action=audit.Action.TWO_FACTOR_FAILED, request=request)
        if allowed:
            form.add_error("token", _("This code is not right. Try the newest code."))
        else:
            form.add_error("token", _("Too many wrong codes. Wait a minute before trying again."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@_signed_in
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Switch off an optional authenticator; administrators cannot."""
    user = request.user
    if two_factor_mandatory(user):
        messages.error(request, _("Two-factor sign-in is required for your account and cannot be switched off."))
    elif user_has_device(user) and user.is_verified():
        TOTPDevice.objects.filter(user=user).delete()
        remember_authenticator(request, False)
        audit.record(action=audit.Action.TWO_FACTOR_RESET, request=request, detail="self")
        messages.success(request, _("Two-factor sign-in is switched off."))
    return redirect("account_security")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE), in the portal's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


urlpatterns = [
    path("accounts/", account_security, name="account_security"),
    path("accounts/password/", password_change, name="password_change"),
    path("accounts/two-factor/", two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/disable/", two_factor_disable, name="two_factor_disable"),
]
