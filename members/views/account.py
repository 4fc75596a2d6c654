"""Activating a member account: the member types their mobile (or member
number), the code from the printed list or SMS, and a password of their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.access import PUBLIC, portal_view

from ..accounts import THROTTLE_WINDOW, ActivationRefused, ActivationThrottled, account_activate
from ..forms import ActivationForm


def refused_message() -> str:
    # One message whatever was wrong: it never tells which part to change.
    return _(
        "This mobile (or member number) and activation code do not open an account: one of them is wrong, "
        "or the code has expired or was already used. Check them, or ask the committee staff for a new code."
    )


@portal_view(PUBLIC)
def member_activate(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_activate(
                identifier=data["identifier"], code=data["code"], password=data["password1"], request=request
            )
        except ActivationThrottled:
            minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
            form.add_error(None, _("Too many wrong attempts. Try again in %(minutes)s minutes.") % {"minutes": minutes})
        except ActivationRefused:
            form.add_error(None, refused_message())
        except ValidationError as weak:
            form.add_error("password1", weak)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Next time sign in with your mobile and this password."))
            return redirect("member_file")
    return render(request, "members/activate.html", {"form": form})
