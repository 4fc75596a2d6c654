"""End to end in headless Chromium: an administrator downloads the member
template from the menu's import page, fills it in, uploads it, reads the
preview, confirms and finds the new members on their group's page; staff
import a year of activities and find them on the group page and in the list.

Screenshots go to test-artifacts/screenshots/ (import-*.png).
"""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from activities.models import Activity
from sectors.models import Member

from . import sheets
from .factories import make_member
from .test_browser_journey import CHROMIUM, browser, log_in, page, shot  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


def upload_and_preview(tab, path) -> None:
    tab.set_input_files("#id_file", str(path))
    tab.click("#upload-button")
    tab.wait_for_url(re.compile(r"/imports/runs/\d+/$"))


def test_an_admin_imports_members_from_the_filled_in_template(page, users, group_a, group_b, tmp_path, settings):  # noqa: F811
    settings.PORTAL_TODAY = "2025-06-30"
    log_in(page, "admin")
    page.click("nav [data-nav-manage]")
    page.click("nav >> text=导入")
    page.wait_for_url(f"{page.base}{reverse('import_index')}")
    shot(page, "import-01-index")
    page.click(f"a[href='{reverse('import_upload', kwargs={'kind': 'members'})}']")
    with page.expect_download() as download_info:
        page.click("text=下载模板")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=1).value == "示例"  # the example row stays: it is skipped
    for number, (name, group) in enumerate([("郑浩然", "民盟"), ("钱雨桐", "医卫")], start=1):
        values = {"序号": number, "编号": f"T{number:03d}", "姓名": name, "性别": "男", "界别活动组": group}
        values |= {"手机": f"1380000000{number}", "界内职务": "成员"}
        sheet.append([values.get(header) for header in headers])
    book.save(template)

    upload_and_preview(page, template)
    assert page.inner_text("[data-count=created]") == "2"
    assert page.inner_text("[data-count=rejected]") == "0"
    shot(page, "import-02-member-preview")
    assert not Member.objects.filter(name="郑浩然").exists()
    page.click("#confirm-import")
    page.wait_for_selector("text=导入已完成")
    shot(page, "import-03-member-result")
    assert Member.objects.get(name="郑浩然").memberships.get().group == group_a

    page.goto(f"{page.base}{reverse('group_detail', kwargs={'group_id': group_a.pk})}")
    assert "郑浩然" in page.content()
    shot(page, "import-04-group-page")


def test_staff_import_a_year_of_activities(page, users, group_a, group_b, tmp_path, settings):  # noqa: F811
    settings.PORTAL_TODAY = "2025-06-30"
    since = datetime.date(2020, 1, 1)
    for name in ("张三", "李四"):
        make_member(group_a, name, since=since)
    make_member(group_b, "王五", since=since)
    rows = [["界别活动组", "活动类型", "活动名称", "活动日期", "形式", "参加委员", "请假委员"]]
    for month in range(1, 7):
        rows.append(["民盟", "界别学习日", f"{month}月学习日", datetime.date(2025, month, 1), "线下", "张三、李四", ""])
    rows.append(["民盟、医卫", "界别协商会", "联合协商会", "2025/5/9", "线上+线下", "张三 王五", "李四"])
    rows.append(["民盟", "学习", "无名氏参加的学习", "2025-05-20", "", "赵六", ""])
    path = tmp_path / "台账.xlsx"
    path.write_bytes(sheets.xlsx(rows, banner="2025年民盟界别活动台账"))

    log_in(page, "staff")
    page.goto(f"{page.base}{reverse('import_upload', kwargs={'kind': 'activities'})}")
    upload_and_preview(page, path)
    assert page.inner_text("[data-count=created]") == "7"
    assert page.inner_text("[data-count=rejected]") == "1"
    assert "赵六不是" in page.inner_text("#rejections")
    shot(page, "import-05-activity-preview")
    page.click("#confirm-import")
    page.wait_for_selector("text=导入已完成")
    shot(page, "import-06-activity-result")
    with page.expect_download() as download_info:
        page.click("text=下载被拒绝的行")
    errors = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    assert [cell.value for cell in errors[1]][-1] == "错误原因"

    assert Activity.objects.filter(groups=group_a).count() == 7
    page.goto(f"{page.base}{reverse('group_detail', kwargs={'group_id': group_a.pk})}?year=2025")
    assert "联合协商会" in page.content() or "6" in page.inner_text("main")
    shot(page, "import-07-group-page-after-activities")
    page.goto(f"{page.base}{reverse('activity_list')}")
    assert "联合协商会" in page.content()
