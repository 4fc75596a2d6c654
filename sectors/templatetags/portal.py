"""Template tags of the roster (the generic ones: portal.templatetags.portal_forms)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext, pgettext

from portal import cache as freshness
from sectors.models import SectorGroup

register = template.Library()

# Up to this many groups are named; more are counted, with the names on hover.
NAMED_GROUPS = 3


def _active_group_count(context: template.Context) -> int:
    """How many active groups the committee has: counted once per request."""
    request = context.get("request")
    count = getattr(request, "_portal_active_groups", None)
    if count is None:
        code = settings.PORTAL_COMMITTEE_CODE
        count = freshness.cached(
            "active-groups", (code,), SectorGroup.objects.filter(committee__code=code, is_active=True).count
        )
        if request is not None:
            request._portal_active_groups = count
    return count


@register.simple_tag(takes_context=True)
def group_names(context: template.Context, groups: Iterable[SectorGroup] | str) -> SafeString:
    """The groups of an activity, short: "民盟、医卫"; a joint activity of many groups as
    "全部界别" or "12 个界别", the names on hover (a 29-group title must not squeeze its column)."""
    if isinstance(groups, str):  # already joined by activities.selectors.activity.group_names
        names = [name for name in groups.split("、") if name]
    else:
        names = [group.short_name for group in groups]
    joined = "、".join(names)
    if len(names) <= NAMED_GROUPS:
        return format_html('<span class="group-names">{}</span>', joined or "—")
    if len(names) >= _active_group_count(context):
        label = pgettext("joint activity", "All groups")
    else:
        label = ngettext("%(n)d group", "%(n)d groups", len(names)) % {"n": len(names)}
    return format_html('<span class="group-names group-names-many" title="{}">{}</span>', joined, label)
