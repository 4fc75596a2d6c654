"""The whole audit trail as one list: every model's change history (from
django-simple-history's tables) and the audit events (sectors.audit.events), newest
first, filtered by user, model, action and date.

One SQL `UNION ALL` over the historical tables and the events table, so the
list pages and counts in the database however long the history grows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db.models import CharField, F, Model, QuerySet, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sectors.models import AuditEvent

HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_ACTION_LABELS = {"created": _("Created"), "changed": _("Changed"), "deleted": _("Deleted")}
COLUMNS = ("a_when", "a_user", "a_username", "a_action", "a_model", "a_object", "a_label", "a_where", "a_detail")
_LABEL_FIELDS = ("title", "name", "username", "short_name")


def action_choices() -> list[tuple[str, str]]:
    return [*HISTORY_ACTION_LABELS.items(), *AuditEvent.Action.choices]


_ACTION_LABELS = dict(action_choices())  # lazy labels: translated when shown


def action_label(code: str) -> str:
    return str(_ACTION_LABELS.get(code, code))


@cache
def history_models() -> tuple[type[Model], ...]:
    """The historical model of every model with a change history (not the many-to-many ones)."""
    found = [
        model for model in apps.get_models() if hasattr(model, "instance_type") and not hasattr(model, "m2m_history_id")
    ]
    return tuple(sorted(found, key=lambda model: model.instance_type._meta.label_lower))


def model_choices() -> list[tuple[str, str]]:
    labels = {model.instance_type._meta.label_lower: model.instance_type for model in history_models()}
    for label in AuditEvent.objects.exclude(model="").values_list("model", flat=True).distinct():
        if label not in labels:
            try:
                labels[label] = apps.get_model(label)
            except (LookupError, ValueError):
                continue
    return sorted(((label, str(model._meta.verbose_name)) for label, model in labels.items()), key=lambda c: c[1])


def model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@dataclass(frozen=True)
class TrailFilter:
    user_id: int | None = None
    model: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _period(field: str, wanted: TrailFilter) -> dict:
    """The filter's dates as a range of local times, so that the date index serves it
    (a `__date` lookup converts every row's time first)."""
    zone = timezone.get_current_timezone()
    lookups = {}
    # The first and last days a date can hold mean "no bound": their local midnights are
    # outside what a UTC time can hold (0001-01-01 00:00 in Shanghai overflowed into a 500).
    if wanted.date_from and wanted.date_from > datetime.date.min:
        lookups[f"{field}__gte"] = datetime.datetime.combine(wanted.date_from, datetime.time.min, tzinfo=zone)
    if wanted.date_to and wanted.date_to < datetime.date.max:
        next_day = wanted.date_to + datetime.timedelta(days=1)
        lookups[f"{field}__lt"] = datetime.datetime.combine(next_day, datetime.time.min, tzinfo=zone)
    return lookups


def _text(value) -> Cast:
    return Cast(value, output_field=CharField())


def _history_part(history_model: type[Model], wanted: TrailFilter) -> QuerySet | None:
    instance = history_model.instance_type
    names = {f.name for f in history_model._meta.fields}
    if wanted.model and wanted.model != instance._meta.label_lower:
        return None
    if wanted.action and wanted.action not in HISTORY_ACTION_LABELS:
        return None
    rows = history_model.objects.all()
    if wanted.user_id:
        rows = rows.filter(history_user_id=wanted.user_id)
    if wanted.action:
        rows = rows.filter(history_type={v: k for k, v in HISTORY_ACTIONS.items()}[wanted.action])
    rows = rows.filter(**_period("history_date", wanted))
    label_field = next((name for name in _LABEL_FIELDS if name in names), None)
    return (
        rows.annotate(
            a_when=F("history_date"),
            a_user=F("history_user_id"),
            a_username=Coalesce(_text(F("history_user__username")), Value("", output_field=CharField())),
            a_action=_text(F("history_type")),
            a_model=Value(instance._meta.label_lower, output_field=CharField()),
            a_object=_text(F(instance._meta.pk.attname)),
            a_label=_text(F(label_field)) if label_field else Value("", output_field=CharField()),
            a_where=Value("", output_field=CharField()),
            a_detail=Coalesce(_text(F("history_change_reason")), Value("", output_field=CharField())),
        )
        .order_by()
        .values_list(*COLUMNS)
    )


def _events_part(wanted: TrailFilter) -> QuerySet | None:
    if wanted.action in HISTORY_ACTION_LABELS:
        return None
    rows = AuditEvent.objects.all()
    if wanted.user_id:
        rows = rows.filter(user_id=wanted.user_id)
    if wanted.model:
        rows = rows.filter(model=wanted.model)
    if wanted.action:
        rows = rows.filter(action=wanted.action)
    rows = rows.filter(**_period("when", wanted))
    return (
        rows.annotate(
            a_when=F("when"),
            a_user=F("user_id"),
            a_username=_text(F("username")),
            a_action=_text(F("action")),
            a_model=_text(F("model")),
            a_object=_text(F("object_id")),
            a_label=Coalesce(_text(F("address")), Value("", output_field=CharField())),
            a_where=_text(F("where")),
            a_detail=_text(F("detail")),
        )
        .order_by()
        .values_list(*COLUMNS)
    )


def trail(wanted: TrailFilter) -> QuerySet:
    """Rows of (when, user id, user name, action, model, object id, label or address, where, detail), newest first."""
    parts = [part for model in history_models() if (part := _history_part(model, wanted)) is not None]
    events = _events_part(wanted)
    if events is not None:
        parts.append(events)
    if not parts:
        return AuditEvent.objects.none().values_list("when")
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-a_when")


@dataclass
class TrailRow:
    when: datetime.datetime
    username: str
    action: str
    model: str
    object_id: str
    label: str
    where: str
    detail: str


def readable(raw: tuple) -> TrailRow:
    when, _user, username, action, model, object_id, label, where, detail = raw
    return TrailRow(
        when=when,
        username=username or "",
        action=action_label(HISTORY_ACTIONS.get(action, action)),
        model=model_label(model) if model else "",
        object_id=object_id or "",
        # PostgreSQL's inet cast to text carries the prefix length ("10.0.0.1/32").
        label=(label or "").removesuffix("/32").removesuffix("/128"),
        where=where or "",
        detail=detail or "",
    )
