"""Similar items (issue 22): a proposal or report being typed shows past ones
with similar titles and content, with what became of them, and not unrelated
ones; within the user's scope; fast."""

from __future__ import annotations

import datetime
import time

import pytest
from django.urls import reverse

from activities.models import OpinionReport, Proposal
from activities.selectors.similar import score, similar_items, words

D = datetime.date


@pytest.fixture
def past(group_a, group_b):
    answered = Proposal.objects.create(
        committee=group_a.committee,
        group=group_a,
        title="关于加快发展普惠托育服务的建议",
        content="社区托育机构不足，建议给予场地和补贴支持",
        submitted_on=D(2023, 1, 10),
        status=Proposal.Status.HANDLED,
        answered_on=D(2023, 5, 1),
        answer_text="市卫健委：已出台托育机构补贴办法",
        implementation="A",
    )
    water = Proposal.objects.create(
        committee=group_a.committee,
        group=group_a,
        title="关于保障农村饮用水安全的提案",
        content="山区水源保护和供水管网改造",
        submitted_on=D(2023, 2, 1),
    )
    report = OpinionReport.objects.create(
        committee=group_b.committee,
        group=group_b,
        title="社区托育服务收费偏高的问题",
        submitted_on=D(2024, 3, 1),
        status=OpinionReport.Status.ADOPTED_CITY,
        adopted_on=D(2024, 4, 1),
        adopted_by="government",
    )
    return {"answered": answered, "water": water, "report": report}


def test_it_cuts_chinese_titles_into_meaningful_words():
    assert words("关于发展社区托育服务的提案") == "发展 托育 服务 社区"


def test_it_finds_a_known_similar_item_with_its_answer_and_not_an_unrelated_one(users, past):
    from portal import roles

    found = similar_items(user=users[roles.STAFF], title="关于发展社区托育服务的提案", content="建议增加托育机构")
    titles = [item.title for item in found]
    assert past["answered"].title in titles and past["report"].title in titles
    assert past["water"].title not in titles
    answered = next(item for item in found if (item.kind, item.pk) == ("proposal", past["answered"].pk))
    assert "已出台托育机构补贴办法" in answered.outcome
    assert score("关于发展社区托育服务的提案", "", "关于保障农村饮用水安全的提案", "") < 40


def test_the_fragment_answers_the_title_field_and_keeps_to_the_leaders_group(staff_client, leader_client, past):
    url = reverse("similar_items") + "?kind=proposal&title=社区托育服务"
    assert past["report"].title in staff_client.get(url).content.decode()
    page = leader_client.get(url).content.decode()
    assert past["answered"].title in page and past["report"].title not in page  # another group's report
    edit = reverse("similar_items") + f"?kind=proposal&record={past['answered'].pk}&title={past['answered'].title}"
    assert past["answered"].title not in staff_client.get(edit).content.decode()  # not itself
    assert staff_client.get(reverse("similar_items") + "?title=").content.decode().strip() == ""


def test_the_proposal_form_asks_for_similar_items_as_the_title_is_typed(staff_client):
    page = staff_client.get(reverse("proposal_create")).content.decode()
    assert 'hx-get="/similar-items/?kind=proposal"' in page and 'id="similar-items"' in page
    page = staff_client.get(reverse("opinionreport_create")).content.decode()
    assert 'hx-get="/similar-items/?kind=opinionreport"' in page


def test_it_stays_fast_over_a_thousand_past_items(users, group_a):
    from portal import roles

    topics = ["托育", "养老", "交通", "教育", "医疗", "住房", "环境", "就业", "文化", "旅游"]
    Proposal.objects.bulk_create(
        Proposal(
            committee=group_a.committee,
            group=group_a,
            title=f"关于{topics[i % 10]}{topics[(i * 7) % 10]}第{i}项工作的提案",
            content=f"{topics[i % 10]}方面的建议" * 5,
            submitted_on=D(2020, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(1000)
    )
    staff = users[roles.STAFF]
    similar_items(user=staff, title="关于托育服务的提案")  # cuts the past titles once
    started = time.process_time()
    for _ in range(5):
        similar_items(user=staff, title="关于养老服务体系的提案", content="居家养老")
    assert (time.process_time() - started) / 5 < 0.5
