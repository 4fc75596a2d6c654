"""The four roles exist as Django groups with exactly their permissions."""

import pytest
from django.contrib.auth.models import Group

from portal import roles
from sectors.models import User

from .factories import make_user


@pytest.mark.django_db
def test_it_creates_the_four_role_groups_with_their_permissions():
    for code, expected in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=roles.GROUP_NAMES[code])
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == expected, code


@pytest.mark.django_db
def test_it_gives_the_chairman_only_view_permissions():
    chairman = make_user(roles.CHAIRMAN)
    perms = chairman.get_all_permissions()
    assert perms and all(".view_" in perm for perm in perms)
    assert not chairman.has_perm("sectors.view_member_personal_data")


def test_it_lets_staff_but_not_leaders_see_personal_numbers(users):
    assert users[roles.STAFF].has_perm("sectors.view_member_personal_data")
    assert not users[roles.LEADER].has_perm("sectors.view_member_personal_data")


def test_it_reads_each_users_role(users):
    for code, user in users.items():
        assert roles.role_of(User.objects.get(pk=user.pk)) == code


@pytest.mark.django_db
def test_it_gives_no_role_to_a_leader_account_without_a_group():
    assert roles.role_of(make_user(roles.LEADER, group=None)) is None


@pytest.mark.django_db
def test_it_gives_no_role_to_inactive_or_role_less_users():
    plain = User.objects.create_user(username="plain", password="x-long-password")
    inactive = make_user(roles.STAFF)
    inactive.is_active = False
    assert roles.role_of(plain) is None
    assert roles.role_of(inactive) is None


def test_it_reads_a_user_in_two_role_groups_as_the_narrower_one(users, group_a):
    staff_and_leader = make_user(roles.LEADER, group=group_a)
    staff_and_leader.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))
    assert roles.role_of(User.objects.get(pk=staff_and_leader.pk)) == roles.LEADER


def test_it_refuses_a_write_view_open_to_the_chairman():
    from portal.access import portal_view

    with pytest.raises(ValueError):
        portal_view(roles.ALL_ROLES, write=True)
