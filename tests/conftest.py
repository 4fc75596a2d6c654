"""Fixtures shared by every test file: a committee with two groups, and one
user per role (the leader leads group A, so group B is "another group")."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from portal import roles
from sectors.models import GroupMembership

from .factories import log_in, make_committee, make_group, make_member, make_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached summaries are keyed by the records version (portal.cache); a rolled-back
    # test database can reuse primary keys, so each test starts with an empty cache.
    cache.clear()


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    # Query counts are pinned for sessions read from the database, with or without Redis;
    # tests/test_session_roles.py turns the session-kept roles on where it tests them.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.PORTAL_SESSION_ROLES = False


@pytest.fixture(autouse=True)
def _steady_idle_clock(settings):
    # The idle timeout writes the session at most once a minute: on a slow machine
    # a query-count comparison would see that write on one side only.
    settings.SESSION_IDLE_TOUCH_SECONDS = 24 * 60 * 60


@pytest.fixture(autouse=True, scope="session")
def _summary_reads_checked():
    # A cached summary that reads a bookkeeping table fails the test that computes it.
    with override_settings(PORTAL_CHECK_SUMMARY_READS=True):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # Real hashing costs about a quarter of a second per user: too slow for fixtures.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def eager_worker(settings):
    """Celery runs tasks in the request, as without Redis (bin/run, the SQLite run)."""
    from wenzhou_sectors.celery import app

    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def committee(db):
    return make_committee()


@pytest.fixture
def group_a(committee):
    return make_group(committee, "中国民主同盟界别", "民盟", order=2)


@pytest.fixture
def group_b(committee):
    return make_group(committee, "医药卫生界别", "医卫", order=20)


@pytest.fixture
def leader_member(group_a):
    return make_member(group_a, "王组长", role=GroupMembership.Role.LEADER)


@pytest.fixture
def users(group_a, leader_member):
    return {
        roles.STAFF: make_user(roles.STAFF, username="staff"),
        roles.LEADER: make_user(roles.LEADER, group=group_a, username="leader"),
        roles.CHAIRMAN: make_user(roles.CHAIRMAN, username="chairman"),
        roles.ADMIN: make_user(roles.ADMIN, username="admin"),
    }


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        log_in(client, user)
    return client


@pytest.fixture
def clients(users):
    """A logged-in test client per role, plus "anonymous"."""
    result = {role: _client_for(user) for role, user in users.items()}
    result["anonymous"] = Client()
    return result


@pytest.fixture
def staff_client(clients):
    return clients[roles.STAFF]


@pytest.fixture
def leader_client(clients):
    return clients[roles.LEADER]


@pytest.fixture
def chairman_client(clients):
    return clients[roles.CHAIRMAN]


@pytest.fixture
def admin_client_role(clients):
    return clients[roles.ADMIN]


@pytest.fixture
def member_user(group_a):
    """李委员, a plain member of group A, with a member account (roles.MEMBER).
    Not among `users`: the member it adds to group A would change group A's figures."""
    return make_user(roles.MEMBER, username="member", member=make_member(group_a, "李委员"))


@pytest.fixture
def member_client(member_user):
    return _client_for(member_user)


_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter) -> None:
    """List this run's screenshots of the browser tests, as part of its output."""
    from .test_browser_journey import SHOTS

    shots = sorted(p for p in SHOTS.glob("*.png") if p.stat().st_mtime >= _SESSION_STARTED) if SHOTS.exists() else []
    if shots:
        terminalreporter.section("screenshots")
        for shot in shots:
            terminalreporter.write_line(str(shot.relative_to(SHOTS.parent.parent)))
