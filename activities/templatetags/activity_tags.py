"""Template filters for activity pages."""

from __future__ import annotations

from django import template

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
