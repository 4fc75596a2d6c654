"""Template filters for activity pages."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from activities.models import Activity

register = template.Library()

# Study sessions (the study day) and consultations stand out; see activity_kind_badge.html.
_KIND_BADGES = {
    "study": "text-bg-primary",
    "training": "text-bg-primary",
    "consultation": "text-bg-danger",
    "service": "text-bg-success",
    "duty_report": "text-bg-warning",
}


@register.filter
def kind_badge(kind: str) -> str:
    """The Bootstrap badge class of an activity type."""
    return _KIND_BADGES.get(kind, "text-bg-secondary")


_PLANNED = ' class="fst-italic"'  # not yet held
_HIGHLIGHT = ' <i class="bi bi-star-fill text-warning"></i>'


def _entry(activity) -> str:
    groups, title = escape(activity.group_names), escape(activity.title)
    return (
        f'<div class="mt-1 text-truncate" title="{groups}：{title}">'
        f'<span class="badge badge-kind {kind_badge(activity.kind)}">{escape(activity.kind_label)}</span> '
        f'<a href="{escape(activity.url)}"{_PLANNED if activity.status == Activity.Status.PLANNED else ""}>'
        f"<strong>{groups}</strong> {title}</a>{_HIGHLIGHT if activity.is_highlight else ''}</div>"
    )


@register.simple_tag
def calendar_entries(activities) -> SafeString:
    """A calendar day's activities, one line each (type, groups, title, link to its page),
    from activities labelled by `label_groups`: written here, not in a template
    included once a day, since a December month draws 35 days of them (every value
    escaped, hence safe)."""
    return mark_safe("".join(_entry(activity) for activity in activities))  # noqa: S308
