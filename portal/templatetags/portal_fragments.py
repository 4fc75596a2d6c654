"""Fragments rendered once per process for each set of inputs; they know no domain model.

The navigation is the same few kilobytes on every page for a given role, page name
and language, yet its two dozen `{% url %}` and `{% translate %}` tags cost about
as much as a small page's own table. `{% fragment_once "name.html" key=value ... %}`
renders the template with the given keys as its whole context (no request, no user,
no CSRF token) and keeps the HTML for the next request with the same keys,
language and script prefix. A template used this way must depend on nothing else.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString

register = template.Library()


@lru_cache(maxsize=2048)  # a few kilobytes each: a role's pages in two languages, 29 leaders' groups
def _rendered(name: str, language: str | None, prefix: str, keys: tuple) -> SafeString:
    return get_template(name).render(dict(keys))


def render_once(name: str, **keys) -> SafeString:
    """The template rendered with `keys` alone, from this process's memory after the first time."""
    if settings.DEBUG:  # a template being edited shows at once
        return get_template(name).render(keys)
    return _rendered(name, translation.get_language(), get_script_prefix(), tuple(sorted(keys.items())))


@register.simple_tag
def fragment_once(name: str, **keys) -> SafeString:
    return render_once(name, **keys)


def _forget(**kwargs) -> None:
    _rendered.cache_clear()  # URLconf, languages or templates overridden (tests)


setting_changed.connect(_forget, dispatch_uid="portal-fragments-forget")
