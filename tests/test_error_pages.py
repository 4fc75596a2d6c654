"""Refusals and missing pages are explained in Chinese, inside the portal's layout."""

from portal import roles


def test_it_explains_a_refusal_in_chinese(clients):
    response = clients[roles.CHAIRMAN].get("/activities/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权" in page or "不允许" in page
    assert "界别工作平台" in page  # the portal's navigation is still there


def test_it_explains_a_missing_page_in_chinese(staff_client):
    response = staff_client.get("/activities/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
