"""Create forms that save once, also when the same submission arrives twice at once.

Every entry form carries a one-time key (a hidden field signed for its user);
a submission without one is keyed by a digest of what was sent. Saving
happens in one transaction that first takes the committee's lock, checks the
form's rules again (two submissions checked side by side would both find no
duplicate), then stores the key, whose unique index refuses the same key a
second time, and only then writes the record. A duplicate, or any unique
constraint the record breaks, becomes an error on the form, never a 500.

On PostgreSQL the lock is a row lock on the committee; on SQLite every
transaction already takes the write lock when it begins (IMMEDIATE mode).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Committee, SubmissionKey, committee_for_portal

FIELD = "submission_key"
_SALT = "sectors.submissions"
KEY_MAX_AGE = datetime.timedelta(days=2)  # a form left open over a weekend is reloaded
# A submission without a key (a script) is refused again only this long: the same values
# entered deliberately later are the rules' business (their "already recorded" checks).
DIGEST_WINDOW = datetime.timedelta(minutes=10)

T = TypeVar("T")

ALREADY_SENT = gettext_lazy("This form was already sent and saved. Open the list to see the record.")


def issue_key(user) -> str:
    return signing.dumps({"u": user.pk, "n": secrets.token_hex(8)}, salt=_SALT, compress=True)


def add_key_field(form: forms.BaseForm, user) -> None:
    """Give an entry form its one-time key (kept when the form comes back with errors)."""
    form.fields[FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
    form.initial.setdefault(FIELD, issue_key(user))


def _submission_key(request: HttpRequest) -> tuple[str, bool]:
    """The key of this submission, and whether it is a one-time key issued with the form."""
    issued = request.POST.get(FIELD, "")
    if issued:
        try:
            payload = signing.loads(issued, salt=_SALT, max_age=KEY_MAX_AGE)
        except signing.BadSignature as stale:
            raise ValidationError(_("This form has expired. Reload the page and enter it again.")) from stale
        if payload.get("u") != request.user.pk:
            raise ValidationError(_("This form has expired. Reload the page and enter it again."))
        return hashlib.sha256(f"key:{payload['n']}".encode()).hexdigest(), True
    digest = hashlib.sha256(f"{request.user.pk}\n{request.path}".encode())
    for name in sorted(request.POST):
        if name != "csrfmiddlewaretoken":
            digest.update(f"\n{name}={request.POST.getlist(name)}".encode())
    for name in sorted(request.FILES):
        digest.update(f"\n{name}={[(f.name, f.size) for f in request.FILES.getlist(name)]}".encode())
    return digest.hexdigest(), False


def _store_key(key: str, issued: bool) -> None:
    now = timezone.now()
    # Keys older than KEY_MAX_AGE can never come back (their signature has expired).
    SubmissionKey.objects.filter(created_at__lt=now - KEY_MAX_AGE).delete()
    if not issued:
        SubmissionKey.objects.filter(key=key, created_at__lt=now - DIGEST_WINDOW).delete()
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(key=key)
    except IntegrityError as again:
        raise ValidationError(ALREADY_SENT) from again


def save_once(*, request: HttpRequest, form: forms.BaseForm, save: Callable[[], T], recheck: bool = True) -> T | None:
    """Save a valid form once: the record `save()` wrote, or None with the reason on the form.

    `recheck`: run the form's validation again under the lock (a form whose
    service checks its rules itself inside the transaction passes False).
    """
    try:
        key, issued = _submission_key(request)
        with transaction.atomic():
            list(Committee.objects.select_for_update().filter(pk=committee_for_portal().pk).values_list("pk"))
            if recheck:
                form.full_clean()
                if form.errors:
                    return None
            _store_key(key, issued)
            return save()
    except ValidationError as invalid:
        show_errors(form, invalid)
    except IntegrityError:
        form.add_error(None, _("This record is already recorded (perhaps sent twice at once)."))
    return None


def show_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's errors next to the form's fields (above the form when not one of them)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
