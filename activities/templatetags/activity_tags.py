"""Template filters for activity pages."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Activity
from sectors.templatetags.portal import group_names_html

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


def _attendance_block(block, opened: bool, present_label: str, absent_label: str) -> str:
    present = _("%(present_count)s present") % {"present_count": block.present_count}
    lines = [
        f'<details class="attendance-group border-bottom px-3 py-2"{" open" if opened else ""}>'
        f"<summary><strong>{escape(block.name)}</strong> "
        f'<span class="badge text-bg-success ms-1">{escape(present)}</span>'
    ]
    if block.absent_count:
        absent = _("%(absent_count)s absent") % {"absent_count": block.absent_count}
        lines.append(f' <span class="badge text-bg-secondary">{escape(absent)}</span>')
    lines.append("</summary>")
    if block.present:
        lines.append(
            f'<p class="small mb-1 mt-2"><span class="text-success">{escape(present_label)}</span>：'
            f"{escape(block.present)}</p>"
        )
    if block.absent:
        names = "、".join(
            f"{escape(name)}（{escape(reason)}）" if reason else escape(name) for name, reason in block.absent
        )
        lines.append(f'<p class="small mb-0"><span class="text-danger">{escape(absent_label)}</span>：{names}</p>')
    lines.append("</details>")
    return "".join(lines)


@register.simple_tag
def attendance_blocks(groups, present_label: str, absent_label: str) -> SafeString:
    """An activity's attendance by group, each folded in a <details> (open when there is
    only one): written here, not by the template once a group, since a meeting of all 29
    groups draws 29 of them with their translated counts (every value escaped, hence safe)."""
    opened = len(groups) == 1
    return mark_safe(  # noqa: S308
        "".join(_attendance_block(block, opened, present_label, absent_label) for block in groups)
    )


def _list_row(activity, planned: str, highlight: str, request) -> str:
    is_planned = activity.status == Activity.Status.PLANNED
    mark = f' <span class="badge text-bg-light border">{planned}</span>' if is_planned else ""
    star = (
        f' <i class="bi bi-star-fill text-warning" title="{highlight}" data-highlight-mark></i>'
        f'<span class="visually-hidden">{highlight}</span>'
        if activity.is_highlight
        else ""
    )
    return (
        f'<tr>\n<td class="text-nowrap">{activity.date.isoformat()}{mark}</td>\n'
        f'<td><span class="badge badge-kind {kind_badge(activity.kind)}">{escape(activity.kind_label)}</span></td>\n'
        f'<td><a href="{escape(activity.url)}">{escape(activity.title)}</a>{star}</td>\n'
        f"<td>{group_names_html(activity.group_names, request)}</td>\n"
        f'<td class="text-end">{activity.present_count}</td>\n'
        f'<td class="text-end">{activity.participant_times}</td>\n</tr>\n'
    )


@register.simple_tag(takes_context=True)
def activity_rows(context, activities) -> SafeString:
    """The activity list's rows (labelled by `label_groups`, counted by `activity_page`):
    written here rather than by a template loop of ten lookups and tags a row (every
    value escaped, hence safe)."""
    planned, highlight = escape(_("Planned")), escape(_("Highlight"))
    request = context.get("request")
    return mark_safe("".join(_list_row(activity, planned, highlight, request) for activity in activities))  # noqa: S308


def _day_cell(day, today, link: tuple[str, str], labels: dict[str, str]) -> str:
    kind = "other-month" if not day.in_month else "study-day" if day.is_study_day else ""
    lines = [
        f'<td class="{kind}">',
        '<div class="d-flex justify-content-between">',
        f'<span class="fw-semibold{" text-danger" if day.date == today else ""}">{day.date.day}</span>',
    ]
    if day.is_study_day and day.in_month:
        lines.append(f'<span class="badge text-bg-info">{labels["study"]}</span>')
    if day.count:
        counted = ngettext("%(counter)s activity", "%(counter)s activities", day.count) % {"counter": day.count}
        lines.append(f'<span class="badge rounded-pill text-bg-light calendar-count">{escape(counted)}</span>')
    lines.append("</div>")
    entries = f'<div class="calendar-entries">{calendar_entries(day.activities)}'
    if day.more:
        url = escape(f"{link[0]}{day.date.isoformat()}{link[1]}")
        lines.append(entries)
        lines.append(
            f'<a class="small calendar-more" href="{url}" hx-get="{url}" hx-target="closest .calendar-entries" '
            f'hx-swap="innerHTML" title="{labels["more"]}">+{day.more}</a></div>'
        )
    else:
        lines.append(f"{entries}</div>")
    lines.append("</td>")
    return "\n".join(lines)


@register.simple_tag
def calendar_weeks(weeks, today, day_base: str, group_param: str) -> SafeString:
    """The month's table rows (from `activity_month`): each day's number, the study-day mark,
    its count of activities, the first few and "+N" for the rest of the day (htmx). Written
    here, not by a template loop of a dozen tags a day (every value escaped, hence safe)."""
    labels = {"study": escape(_("Sector study day")), "more": escape(_("Show all the activities of the day"))}
    link = (day_base, group_param)
    rows = ("<tr>\n" + "\n".join(_day_cell(day, today, link, labels) for day in week) + "\n</tr>" for week in weeks)
    return mark_safe("\n".join(rows))  # noqa: S308
