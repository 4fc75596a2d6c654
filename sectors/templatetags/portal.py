"""Template tags of the roster (the generic ones: portal.templatetags.portal_forms)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from portal import cache as freshness
from sectors.models import SectorGroup

register = template.Library()

# Up to this many groups are named; more are counted, with the names on hover.
NAMED_GROUPS = 3


def active_group_count(request) -> int:
    """How many active groups the committee has: counted once per request."""
    count = getattr(request, "_portal_active_groups", None)
    if count is None:
        code = settings.PORTAL_COMMITTEE_CODE
        count = freshness.cached(
            "active-groups",
            (code,),
            lambda: SectorGroup.objects.filter(committee__code=code, is_active=True).count(),
            years=(),  # recording an activity never writes the groups
        )
        if request is not None:
            request._portal_active_groups = count
    return count


def group_names_html(groups: Iterable[SectorGroup] | str, request=None) -> SafeString:
    """The groups of an activity, short: "民盟、医卫"; a joint activity of many groups as
    "全部界别" or "12 个界别", the names on hover (a 29-group title must not squeeze its column).
    `groups` may be the string joined by activities.selectors.activity.group_names."""
    if isinstance(groups, str):
        names = [name for name in groups.split("、") if name]
    else:
        names = [group.short_name for group in groups]
    joined = "、".join(names)
    if len(names) <= NAMED_GROUPS:  # the common case, many times a page: plain escaping
        return mark_safe(f'<span class="group-names">{escape(joined or "—")}</span>')
    if len(names) >= active_group_count(request):
        label = pgettext("joint activity", "All groups")
    else:
        label = ngettext("%(n)d group", "%(n)d groups", len(names)) % {"n": len(names)}
    return format_html('<span class="group-names group-names-many" title="{}">{}</span>', joined, label)


@register.simple_tag(takes_context=True)
def group_names(context: template.Context, groups: Iterable[SectorGroup] | str) -> SafeString:
    """`{% group_names activity.groups.all %}`: see group_names_html."""
    return group_names_html(groups, context.get("request"))


def _member_row(line, labels: dict[str, str], own_group_only: bool) -> str:
    if line.group:
        place = f"<td>{escape(line.group)}</td>\n<td>{escape(line.role)}</td>"
    elif own_group_only:
        place = f'<td colspan="2"><span class="text-muted">{labels["left"]}</span></td>'
    else:
        place = '<td><span class="text-muted">—</span></td>\n<td><span class="text-muted">—</span></td>'
    state = labels["active"] if line.active else f'<span class="text-muted">{labels["inactive"]}</span>'
    return (
        f"<tr>\n<td>{escape(line.number)}</td>\n"
        f'<td><a href="{escape(line.url)}">{escape(line.name)}</a></td>\n{place}\n'
        f"<td>{escape(line.employer or '—')}</td>\n"
        f'<td class="masked">{escape(line.mobile or "—")}</td>\n<td>{state}</td>\n</tr>\n'
    )


@register.simple_tag
def member_rows(lines, own_group_only: bool) -> SafeString:
    """The member list's rows (`MemberLine`s): a leader's list marks a member who left the
    group, the others a dash (every value escaped, hence safe)."""
    labels = {
        "left": escape(gettext("Left the group")),
        "active": escape(gettext("Active")),
        "inactive": escape(gettext("Inactive")),
    }
    return mark_safe("".join(_member_row(line, labels, own_group_only) for line in lines))  # noqa: S308
