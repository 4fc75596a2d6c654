"""The audit trail beyond the records' change history.

django-simple-history keeps every change made through a model's save() and
delete(). What bypasses those signals, or is not a change at all, is written
here as an AuditEvent: sign-ins and failures, exports, imports, bulk writes
(`bulk_create`, `update()`), and every showing of full ID-card or mobile
numbers (PIPL). Any app may call `record(...)` or `record_bulk_write(...)`;
sectors is the lowest layer, so every app can.

The client address is the one the reverse proxy saw (`client_address`),
configured with DJANGO_TRUSTED_PROXIES; the same function feeds django-axes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.db.models import F, Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from portal.exports import sees_personal_data
from sectors.models import AuditEvent

Action = AuditEvent.Action


def client_address(request: HttpRequest | None) -> str | None:
    """The browser's address as the reverse proxy in front saw it.

    With `TRUSTED_PROXIES = n` (DJANGO_TRUSTED_PROXIES) the portal sits behind n
    proxies that each append the address they received to X-Forwarded-For, so
    the n-th entry from the right is the client's: entries further left were
    written by the client and can be forged. With 0 (no proxy) REMOTE_ADDR is it.
    """
    if request is None:
        return None
    meta = request.META
    address = meta.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _user_of(request: HttpRequest | None, user):
    if user is None and request is not None:
        user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    model: type[Model] | str = "",
    object_id: object = "",
    count: int | None = None,
    where: str = "",
    detail: str = "",
) -> AuditEvent:
    """Write one audit event. `user` defaults to the request's user, `where`
    to the request's path; `model` is a model class or an "app.model" label."""
    user = _user_of(request, user)
    label = model._meta.label_lower if isinstance(model, type) else model
    return AuditEvent.objects.create(
        user=user,
        username=(user.get_username() if user else username)[:150],
        action=action,
        model=label,
        object_id=str(object_id or "")[:40],
        count=count,
        where=(where or (request.get_full_path() if request is not None else ""))[:300],
        detail=detail,
        address=client_address(request),
    )


def record_repeated(*, action: str, request: HttpRequest, username: str = "") -> None:
    """A failure that may be repeated many times (a wrong two-factor code): the
    same user from the same address within AUDIT_REPEAT_WINDOW adds
    to one row's count instead of writing a row per attempt, so guessing cannot
    flood the trail. `when` is the first attempt; `detail` says when the last was."""
    user = _user_of(request, None)
    now = timezone.now()
    since = now - settings.AUDIT_REPEAT_WINDOW
    earlier = (
        AuditEvent.objects.filter(
            action=action,
            user=user,
            username=(user.get_username() if user else username)[:150],
            address=client_address(request),
            when__gte=since,
        )
        .order_by("-when", "-id")
        .first()
    )
    if earlier is None:
        record(action=action, request=request, username=username, count=1, detail=f"last {now.isoformat()}")
        return
    AuditEvent.objects.filter(pk=earlier.pk).update(count=Coalesce(F("count"), 1) + 1, detail=f"last {now.isoformat()}")


def record_bulk_write(
    *, model: type[Model], count: int, user=None, request: HttpRequest | None = None, detail: str = ""
) -> AuditEvent:
    """For writes that bypass the change history (`bulk_create`, `update()`, raw imports)."""
    return record(action=Action.BULK_WRITE, model=model, count=count, user=user, request=request, detail=detail)


def record_import(
    *, model: type[Model], count: int, user=None, request: HttpRequest | None = None, detail: str = ""
) -> AuditEvent:
    return record(action=Action.IMPORT, model=model, count=count, user=user, request=request, detail=detail)


def record_personal_data(*, request: HttpRequest, people: Iterable[Model], where: str = "") -> AuditEvent | None:
    """Full ID-card or mobile numbers were shown to this user (a page or an
    export): who, whose (the people's ids), when, where. Nothing when no one
    was shown."""
    people = list(people)
    if not people:
        return None
    model = type(people[0])
    ids = sorted({person.pk for person in people})
    return record(
        action=Action.PERSONAL_DATA,
        request=request,
        model=model,
        object_id=ids[0] if len(ids) == 1 else "",
        count=len(ids),
        where=where,
        detail=",".join(str(pk) for pk in ids),
    )


PERSONAL_FIELDS = ("id_card", "mobile")


def audit_personal_data(*, request: HttpRequest, people: QuerySet) -> None:
    """Called once at the entry point of an export that holds full ID-card or mobile
    numbers: recorded as a showing of personal data (whose, how many), as the admin
    export is. Nothing for users who get masked numbers, or when nobody has any."""
    if not sees_personal_data(request.user) or getattr(request, "portal_export_replay", False):
        return  # the worker's replay of a large export (sectors.ops.exports): audited when asked for
    names = {field.name for field in people.model._meta.fields}
    shown = Q()
    for name in PERSONAL_FIELDS:
        if name in names:
            shown |= ~Q(**{name: ""})
    everyone = people.model.objects.filter(pk__in=people.values("pk"))
    record_personal_data(request=request, people=everyone.filter(shown).only("pk"))
