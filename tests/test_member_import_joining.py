"""Member import: new members without a joining date join on the import's date (or the
date chosen on the preview), so a group's past scores stay as they were; the preview
lists who joins and leaves and how each group's current score changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from activities.models import ConstituentContact
from reports.scorecards import year_scores
from reports.setup import assessment_year_ensure
from sectors.models import Constituent, GroupMembership, ImportRun, Member

from . import sheets
from .test_import_members import last_run, upload

D = datetime.date
NEWCOMERS = [
    ["姓名", "性别", "界别", "身份证号"],
    ["新甲", "男", "民盟"],
    ["新乙", "女", "民盟"],
    ["新丙", "男", "民盟"],
]


@pytest.fixture
def busy_year(settings, committee, group_a, group_b, leader_member):
    """2025, judged on 20 November: the leader met constituents in 2024 and 2025."""
    settings.PORTAL_TODAY = "2025-11-20"
    for year in (2024, 2025):
        assessment_year_ensure(committee=committee, year=year)
        for n in range(6):
            person = Constituent.objects.create(committee=committee, name=f"群众{year}-{n}")
            ConstituentContact.objects.create(
                group=group_a, member=leader_member, constituent=person, way="phone", contacted_on=D(year, 3, n + 1)
            )


def _total(committee, group, year: int) -> float:
    return year_scores(committee_id=committee.pk, year=year, today=D(2025, 11, 20)).by_group_id[group.pk].total


def test_new_members_without_a_date_join_on_the_imports_date_and_leave_past_scores_alone(
    admin_client_role, committee, group_a, busy_year
):
    past = _total(committee, group_a, 2024)
    upload(admin_client_role, sheets.xlsx(NEWCOMERS))
    run = last_run()
    admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    starts = set(GroupMembership.objects.filter(member__name__startswith="新").values_list("start_date", flat=True))
    assert starts == {D(2025, 11, 20)}
    assert _total(committee, group_a, 2024) == past


def test_the_preview_lists_the_names_and_each_groups_score_change(admin_client_role, committee, group_a, busy_year):
    now = _total(committee, group_a, 2025)
    upload(admin_client_role, sheets.xlsx(NEWCOMERS))
    run = last_run()
    response = admin_client_role.get(reverse("import_run", kwargs={"run_id": run.pk}))
    (effect,) = response.context["score_effects"]
    assert (effect.group_name, effect.members_before, effect.members_after) == ("民盟", 1, 4)
    assert effect.joining == ["新甲", "新乙", "新丙"]
    assert effect.score_before == now and effect.score_after < now
    page = response.content.decode()
    assert "新甲、新乙、新丙" in page and "1 → 4" in page and "3 名新委员" in page
    assert not Member.objects.filter(name__startswith="新").exists()  # the preview wrote nothing


def test_a_date_chosen_on_the_preview_is_shown_and_used(admin_client_role, committee, group_a, busy_year):
    past = _total(committee, group_a, 2024)
    upload(admin_client_role, sheets.xlsx(NEWCOMERS))
    run = last_run()
    url = reverse("import_run", kwargs={"run_id": run.pk})
    page = admin_client_role.get(url, {"joined_on": "2024-01-01"}).content.decode()
    assert 'name="default_joined_on" value="2024-01-01"' in page
    refused = admin_client_role.get(url, {"joined_on": "2026-01-01"})
    assert "该日期晚于今天。" in refused.content.decode() and refused.context["joined_on"] == D(2025, 11, 20)
    admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}), {"default_joined_on": "2024-01-01"})
    starts = set(GroupMembership.objects.filter(member__name__startswith="新").values_list("start_date", flat=True))
    assert starts == {D(2024, 1, 1)}
    assert _total(committee, group_a, 2024) < past  # as the preview's explanation says


def test_the_files_own_joining_date_wins(admin_client_role, group_a, busy_year):
    rows = [["姓名", "性别", "界别", "入组日期"], ["新丁", "男", "民盟", "2023-05-01"]]
    upload(admin_client_role, sheets.xlsx(rows))
    run = last_run()
    admin_client_role.post(reverse("import_confirm", kwargs={"run_id": run.pk}), {"default_joined_on": "2024-01-01"})
    assert GroupMembership.objects.get(member__name="新丁").start_date == D(2023, 5, 1)


def test_the_command_takes_a_joining_date_and_keeps_no_full_numbers(committee, group_a, busy_year, tmp_path):
    from django.core.management import call_command

    from .factories import valid_id_card

    card = valid_id_card(birth="19800509", serial="011")
    path = tmp_path / "名册.xlsx"
    path.write_bytes(sheets.xlsx([*NEWCOMERS, ["错组", "男", "不存在界", card]]))
    with pytest.raises(SystemExit):
        call_command("import_sheet", "members", str(path), "--joined-on", "2019-01-01")
    starts = set(GroupMembership.objects.filter(member__name__startswith="新").values_list("start_date", flat=True))
    assert starts == {D(2019, 1, 1)}
    assert card not in str(ImportRun.objects.get().report)
