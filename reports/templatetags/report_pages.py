"""Long lists of a group's and a member's pages, made in Python: a group's year lists
a hundred activities or more, a member's record a line for each of them, and a
template loop with a lookup, a filter and an escape per value cost most of those
pages' time."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sectors.templatetags.portal import group_names_html

register = template.Library()


def _item(activity, joint: str, highlight: str, request) -> str:
    parts = [
        f'<a class="list-group-item list-group-item-action" href="{escape(activity.url)}">\n'
        f'<span class="text-muted me-2">{activity.date.isoformat()}</span>'
        f'<span class="activity-title">{escape(activity.title)}</span>\n'
    ]
    if activity.is_joint:
        partners = group_names_html(activity.group_names, request)
        parts.append(f'<small class="text-muted ms-2">{joint}: {partners}</small>')
    parts.append("\n")
    if activity.is_highlight:
        parts.append(f'<span class="badge text-bg-warning ms-1">{highlight}</span>')
    parts.append("\n</a>\n")
    return "".join(parts)


@register.simple_tag(takes_context=True)
def activity_items(context: template.Context, activities) -> SafeString:
    """One link per activity (labelled by `label_groups`): its date, title, the other groups
    of a joint activity and the highlight mark (every value escaped, hence safe)."""
    joint, highlight = escape(_("Joint")), escape(_("highlight"))
    request = context.get("request")
    return mark_safe("".join(_item(activity, joint, highlight, request) for activity in activities))  # noqa: S308


def _attendance_row(line) -> str:
    return (
        f'<tr data-activity="{line.activity_id}">\n<td class="text-nowrap">{escape(line.date)}</td>\n'
        f"<td>{escape(line.kind)}</td>\n"
        f'<td><a href="{escape(line.url)}">{escape(line.title)}</a></td>\n'
        f"<td>{line.groups}</td>\n<td>{line.mark}</td>\n</tr>\n"
    )


@register.simple_tag
def attendance_rows(lines) -> SafeString:
    """A member's record: one row per activity of their groups (`AttendanceLine`: its
    `groups` and `mark` are markup already, the rest is escaped here)."""
    return mark_safe("".join(_attendance_row(line) for line in lines))  # noqa: S308
