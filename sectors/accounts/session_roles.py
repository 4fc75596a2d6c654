"""A signed-in user's role and permissions, resolved once per session.

Every page asks the user's role (`roles.role_of`: the user's Django groups) and
many ask permissions (`user.has_perm`: two more queries). Both are kept in the
session with the *roles version*, a token in the shared cache that any change
to a user, to group memberships or to a group's permissions replaces: the next
request of every session then resolves them again from the database. Without
the token (the cache emptied, Redis unreachable) nothing is trusted and they
are resolved as before. Only with a shared cache (`PORTAL_SESSION_ROLES`, on with
Redis): each process's own memory cache would hold a token of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from portal import roles

SESSION_KEY = "portal_access"
VERSION_KEY = "roles-version"


def roles_version() -> str | None:
    token = cache.get(VERSION_KEY)
    if token is None and cache.add(VERSION_KEY, uuid.uuid4().hex, None):
        token = cache.get(VERSION_KEY)
    return token


def roles_changed(**kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def restore(request: HttpRequest) -> None:
    """Give `request.user` the role and permissions its session holds for the current
    roles version, or resolve them (two queries, once) and keep them in the session."""
    user = request.user
    if not settings.PORTAL_SESSION_ROLES or not user.is_authenticated or not user.is_active:
        return
    token = roles_version()
    saved = request.session.get(SESSION_KEY)
    if token is not None and saved and saved[0] == token and saved[1] == user.pk:
        user._portal_role = saved[2]
        user._perm_cache = set(saved[3])  # django.contrib.auth.backends.ModelBackend's cache
        return
    role = roles.role_of(user)
    permissions = sorted(user.get_all_permissions())
    if token is not None:
        request.session[SESSION_KEY] = [token, user.pk, role, permissions]


class SessionRolesMiddleware:
    """After authentication: the role and permissions from the session (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        restore(request)
        return self.get_response(request)


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or not set(update_fields) <= {"last_login"}:  # a sign-in changes no role
        roles_changed()


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="roles-user-saved")
    post_delete.connect(roles_changed, sender=user_model, dispatch_uid="roles-user-deleted")
    m2m_changed.connect(roles_changed, sender=user_model.groups.through, dispatch_uid="roles-user-groups")
    m2m_changed.connect(roles_changed, sender=user_model.user_permissions.through, dispatch_uid="roles-user-perms")
    m2m_changed.connect(roles_changed, sender=Group.permissions.through, dispatch_uid="roles-group-perms")
    post_delete.connect(roles_changed, sender=Group, dispatch_uid="roles-group-deleted")
