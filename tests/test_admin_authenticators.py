"""Authenticators (TOTP devices) in Django admin: no administrator reads a
secret key, only superusers manage other users' devices, removals are audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from sectors.models import AuditEvent, User

from .factories import log_in, make_user

DEVICES = "/admin/otp_totp/totpdevice/"


@pytest.fixture
def superuser(db):
    user = User.objects.create_superuser(username="root", password="pw-for-tests-1")
    TOTPDevice.objects.create(user=user, name="root phone", confirmed=True)
    return user


def _client(user) -> Client:
    client = Client()
    log_in(client, user)
    return client


def test_it_never_shows_a_devices_secret_key(users, superuser):
    root = _client(superuser)
    device = TOTPDevice.objects.get(user=superuser)
    page = root.get(f"{DEVICES}{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert root.get(f"{DEVICES}{device.pk}/config/").status_code == 403
    qrcode = root.get(f"{DEVICES}{device.pk}/qrcode/")
    assert qrcode.status_code == 403 and b"<svg" not in qrcode.content


def test_an_administrator_sees_and_removes_only_their_own_device(users, superuser, admin_client_role):
    other_admin = make_user(roles.ADMIN, username="admin2")
    log_in(Client(), other_admin)  # sets up their device
    root_device = TOTPDevice.objects.get(user=superuser)
    other_device = TOTPDevice.objects.get(user=other_admin)
    own_device = TOTPDevice.objects.get(user=users[roles.ADMIN])

    listing = admin_client_role.get(DEVICES).content.decode()
    assert "root phone" not in listing and "admin2" not in listing
    for device in (root_device, other_device):
        assert admin_client_role.get(f"{DEVICES}{device.pk}/change/").status_code in (302, 404)
        assert admin_client_role.post(f"{DEVICES}{device.pk}/delete/", {"post": "yes"}).status_code in (302, 404)
        assert admin_client_role.get(f"{DEVICES}{device.pk}/config/").status_code == 404
    admin_client_role.post(
        DEVICES, {"action": "delete_selected", "_selected_action": [root_device.pk, other_device.pk], "post": "yes"}
    )
    assert TOTPDevice.objects.filter(pk__in=[root_device.pk, other_device.pk]).count() == 2
    assert TOTPDevice.objects.filter(pk=own_device.pk).exists()


def test_a_superuser_removes_anyones_device_and_it_is_audited(users, superuser):
    root = _client(superuser)
    victim = TOTPDevice.objects.create(user=users[roles.STAFF], name="staff phone", confirmed=True)
    response = root.post(f"{DEVICES}{victim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=victim.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_RESET)
    assert event.user == superuser and "staff" in event.detail and event.object_id == str(victim.pk)


def test_an_unknown_device_is_not_found(users, superuser, admin_client_role):
    assert _client(superuser).get(f"{DEVICES}999/config/").status_code == 404
    assert _client(superuser).get(f"{DEVICES}999/qrcode/").status_code == 404
    assert admin_client_role.get(f"{DEVICES}999/config/").status_code == 404
