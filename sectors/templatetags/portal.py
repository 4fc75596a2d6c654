"""Template tags of the roster (the generic ones: portal.templatetags.portal_forms)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext, pgettext

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
            "active-groups", (code,), lambda: SectorGroup.objects.filter(committee__code=code, is_active=True).count()
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
