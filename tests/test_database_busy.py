"""SQLite has one writer: while another connection holds the write lock for longer than
a request waits, the request gets the portal's own "busy, try again" page (503 with
Retry-After), never a 500, and its transaction is rolled back whole."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, connections

from portal.faults import server_error
from sectors.models import Notification
from sectors.notifications.services import notification_send


@pytest.mark.django_db(transaction=True)
def test_it_answers_busy_while_another_connection_holds_the_write_lock(staff_client, users, settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    staff_client.raise_request_exception = False  # as in production: the portal's error page
    notification_send(user=users["staff"], title="导入完成")
    other = connections.create_connection("default")
    other.settings_dict["OPTIONS"] = {**other.settings_dict["OPTIONS"], "timeout": 0.1}
    options = connection.settings_dict["OPTIONS"]
    connection.close()  # the request's own connection waits only briefly too
    connection.settings_dict["OPTIONS"] = {**options, "timeout": 0.1}
    with other.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")  # an import's long write transaction
        cursor.execute("UPDATE sectors_notification SET title = title")
        try:
            response = staff_client.post("/notifications/read/", {"all": "1"})
        finally:
            cursor.execute("ROLLBACK")
    other.close()
    connection.close()
    connection.settings_dict["OPTIONS"] = options
    assert response.status_code == 503
    assert "平台正忙，请稍后重试" in response.content.decode()
    assert response["Retry-After"] == "10"
    assert not Notification.objects.filter(read_at__isnull=False).exists()  # nothing half-written


@pytest.mark.parametrize("message", ["database is locked", "database table is locked"])
def test_the_handler_tells_a_locked_database_from_a_bug(rf, db, message):
    try:
        raise OperationalError(message)
    except OperationalError:
        response = server_error(rf.post("/notifications/read/"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "平台正忙" in response.content.decode()
