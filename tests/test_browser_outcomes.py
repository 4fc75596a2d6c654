# ruff: noqa: F811  (the fixtures `browser` and `page` come from the journey's module)
"""Outcomes in headless Chromium: typing a proposal's title shows similar past
items (htmx under the portal's CSP), and the proposal's handling and a report's
ladder read right (screenshots in test-artifacts/screenshots/)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client

from activities.models import Instruction, OpinionAdoption, OpinionReport, Proposal, ProposalHandling
from portal import roles

from .factories import log_in, make_member
from .test_browser_csp import WATCH_VIOLATIONS
from .test_browser_journey import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

D = datetime.date

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


def _sign_in(page, live_server, user) -> None:
    client = Client()
    log_in(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.context.add_init_script(WATCH_VIOLATIONS)


def test_similar_items_appear_as_the_title_is_typed_and_the_handling_reads_right(
    page, live_server, users, group_a, settings
):
    member = make_member(group_a, "李委员")
    past = Proposal.objects.create(
        committee=group_a.committee,
        group=group_a,
        title="关于加快发展普惠托育服务的建议",
        submitted_on=D(2024, 1, 10),
        status=Proposal.Status.HANDLED,
        first_proposer=member,
        answer_due=D(2024, 6, 1),
        answered_on=D(2024, 5, 1),
        answer_text="市卫健委：已出台托育机构补贴办法",
        satisfaction="satisfied",
        implementation="A",
        implemented_on=D(2024, 9, 1),
        is_key=True,
        key_on=D(2024, 2, 1),
        key_by="cppcc",
        supervising_leader="副主席张三",
    )
    past.proposers.set([member])
    ProposalHandling.objects.create(proposal=past, unit="市卫健委", is_lead=True, assigned_on=D(2024, 3, 1))
    ProposalHandling.objects.create(proposal=past, unit="市教育局", is_lead=False, assigned_on=D(2024, 3, 1))
    report = OpinionReport.objects.create(
        committee=group_a.committee, group=group_a, title="社区托育服务收费偏高", submitted_on=D(2024, 11, 1)
    )
    OpinionAdoption.objects.create(
        report=report, level="city", adopted_by="government", body="市政府办公室", adopted_on=D(2024, 12, 1)
    )
    OpinionAdoption.objects.create(
        report=report, level="province", adopted_by="cppcc", body="省政协", adopted_on=D(2025, 3, 1)
    )
    Instruction.objects.create(
        report=report, level="city", leader_title="市长", dated=D(2025, 1, 5), note="请卫健委研究"
    )
    _sign_in(page, live_server, users[roles.STAFF])

    page.goto(f"{page.base}/proposals/new/")
    page.fill("#id_title", "关于发展社区托育服务的提案")
    page.wait_for_selector("#similar-found")
    assert "普惠托育" in page.inner_text("#similar-items")
    shot(page, "outcomes-similar-items")

    page.goto(f"{page.base}/proposals/{past.pk}/")
    assert "市卫健委" in page.inner_text("#proposal-outcome")
    shot(page, "outcomes-proposal-handling")
    page.goto(f"{page.base}/opinion-reports/{report.pk}/")
    assert "省政协" in page.inner_text("#adoption-ladder")
    shot(page, "outcomes-report-ladder")
    page.goto(f"{page.base}/proposals/{past.pk}/assign/")
    shot(page, "outcomes-assign-form")
    assert page.evaluate("window.__cspViolations") == []
