"""The role and permissions of a signed-in user, resolved once per session (issue 20):
kept in the session while the roles version holds, resolved again after any change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import roles

from .factories import log_in, make_member, make_user


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.PORTAL_SESSION_ROLES = True  # as with Redis


def _access_queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    sqls = [q["sql"] for q in captured.captured_queries if "auth_group" in q["sql"] or "auth_permission" in q["sql"]]
    return response.status_code, sqls


def test_the_role_and_permissions_are_read_once_per_session(group_a):
    make_member(group_a, "王委员")
    staff = make_user(roles.STAFF)
    client = Client()
    log_in(client, staff)
    url = reverse("member_list")
    assert _access_queries(client, url)[0] == 200  # resolved and kept
    status, sqls = _access_queries(client, url)
    assert status == 200 and sqls == []


def test_a_change_of_role_applies_on_the_next_request(group_a):
    staff = make_user(roles.STAFF)
    client = Client()
    log_in(client, staff)
    url = reverse("member_list")
    assert client.get(url).status_code == 200
    staff.groups.set([Group.objects.get(name=roles.GROUP_NAMES[roles.LEADER])])  # now a leader without a group
    status, sqls = _access_queries(client, url)
    assert status == 403 and sqls


def test_without_a_shared_cache_nothing_is_kept_in_the_session(settings, group_a):
    settings.PORTAL_SESSION_ROLES = False
    staff = make_user(roles.STAFF)
    client = Client()
    log_in(client, staff)
    client.get(reverse("member_list"))
    assert "portal_access" not in client.session
