"""Point tables modelled on those committees have published (履职积分办法).

APPROXIMATIONS: the values follow the shape of the published tables of
上海市闵行区政协 (委员履职积分), 桐城市政协 (2019) and 安庆市政协 (2018) as far as
their public descriptions go (points per meeting attended, deductions for
leave and unexcused absence, first/co-proposer points, adoption ladders,
caps per category, grade bands); the exact numbers of each table are not all
public and differ between revisions. A committee checks them against its own
rules and edits the rows of its year (docs/it.md, "Duty points").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .items import Category, Item


@dataclass(frozen=True)
class Preset:
    code: str
    label: str
    points: dict[str, float]
    caps: dict[str, float]
    grades: tuple[tuple[str, float, str], ...]  # label, from, consequence
    collective_max: int = 5
    co_share: float = 50.0
    highest_only: bool = True
    notes: str = ""
    extra: dict = field(default_factory=dict)


def _attend(study, consultation, research, supervision, service, fellowship, meeting, duty_meeting, other=1.0):
    return {
        Item.ATTEND_STUDY: study,
        Item.ATTEND_TRAINING: study,
        Item.ATTEND_RESEARCH: research,
        Item.ATTEND_INSPECTION: research,
        Item.ATTEND_CONSULTATION: consultation,
        Item.ATTEND_SUPERVISION: supervision,
        Item.ATTEND_SERVICE: service,
        Item.ATTEND_FELLOWSHIP: fellowship,
        Item.ATTEND_CONSTITUENT_CONTACT: meeting,
        Item.ATTEND_DUTY_REPORT: duty_meeting,
        Item.ATTEND_OTHER: other,
    }


TALK = "谈话提醒"

PRESETS: dict[str, Preset] = {
    "minhang": Preset(
        code="minhang",
        label=_("Minhang district (approximate)"),
        points={
            **_attend(2, 3, 3, 3, 2, 1, 2, 2),
            Item.LEAVE: 0,
            Item.ABSENCE: -3,
            Item.PROPOSAL_FIRST: 5,
            Item.PROPOSAL_CO: 2,
            Item.PROPOSAL_GROUP: 3,
            Item.PROPOSAL_ACCEPTED: 3,
            Item.PROPOSAL_KEY: 5,
            Item.PROPOSAL_EXCELLENT: 8,
            Item.OPINION_SUBMITTED: 2,
            Item.ADOPTED_COMMITTEE: 3,
            Item.ADOPTED_CITY: 5,
            Item.ADOPTED_PROVINCE: 10,
            Item.ADOPTED_NATIONAL: 20,
            Item.INSTRUCTION_CITY: 10,
            Item.INSTRUCTION_PROVINCE: 15,
            Item.INSTRUCTION_NATIONAL: 30,
            Item.DUTY_REPORT: 5,
            Item.CONTACT: 1,
        },
        caps={
            Category.ATTENDANCE: 40,
            Category.PROPOSALS: 30,
            Category.OPINION: 30,
            Category.DUTY: 5,
            Category.CONTACTS: 5,
        },
        grades=(("优秀", 90, ""), ("称职", 60, ""), ("基本称职", 40, TALK), ("不称职", 0, TALK + "，通报所在界别")),
        collective_max=5,
        co_share=50,
    ),
    "tongcheng": Preset(
        code="tongcheng",
        label=_("Tongcheng city, 2019 (approximate)"),
        points={
            **_attend(2, 2, 2, 2, 2, 1, 2, 2),
            Item.LEAVE: -1,
            Item.ABSENCE: -3,
            Item.PROPOSAL_FIRST: 6,
            Item.PROPOSAL_CO: 2,
            Item.PROPOSAL_GROUP: 3,
            Item.PROPOSAL_ACCEPTED: 2,
            Item.PROPOSAL_KEY: 5,
            Item.PROPOSAL_EXCELLENT: 5,
            Item.OPINION_SUBMITTED: 2,
            Item.ADOPTED_COMMITTEE: 2,
            Item.ADOPTED_CITY: 4,
            Item.ADOPTED_PROVINCE: 8,
            Item.ADOPTED_NATIONAL: 15,
            Item.INSTRUCTION_CITY: 6,
            Item.INSTRUCTION_PROVINCE: 10,
            Item.INSTRUCTION_NATIONAL: 20,
            Item.DUTY_REPORT: 10,
            Item.CONTACT: 2,
        },
        caps={
            Category.ATTENDANCE: 40,
            Category.PROPOSALS: 25,
            Category.OPINION: 25,
            Category.DUTY: 10,
            Category.CONTACTS: 10,
        },
        grades=(("优秀", 85, ""), ("合格", 60, ""), ("基本合格", 45, TALK), ("不合格", 0, TALK + "，建议不再续任")),
        collective_max=3,
        co_share=50,
    ),
    "anqing": Preset(
        code="anqing",
        label=_("Anqing city, 2018 (approximate)"),
        points={
            **_attend(2, 3, 3, 3, 2, 1, 2, 3),
            Item.LEAVE: -0.5,
            Item.ABSENCE: -2,
            Item.PROPOSAL_FIRST: 5,
            Item.PROPOSAL_CO: 1,
            Item.PROPOSAL_GROUP: 2,
            Item.PROPOSAL_ACCEPTED: 2,
            Item.PROPOSAL_KEY: 4,
            Item.PROPOSAL_EXCELLENT: 6,
            Item.OPINION_SUBMITTED: 1,
            Item.ADOPTED_COMMITTEE: 2,
            Item.ADOPTED_CITY: 4,
            Item.ADOPTED_PROVINCE: 8,
            Item.ADOPTED_NATIONAL: 16,
            Item.INSTRUCTION_CITY: 8,
            Item.INSTRUCTION_PROVINCE: 12,
            Item.INSTRUCTION_NATIONAL: 24,
            Item.DUTY_REPORT: 8,
            Item.CONTACT: 1,
        },
        caps={
            Category.ATTENDANCE: 40,
            Category.PROPOSALS: 30,
            Category.OPINION: 30,
            Category.DUTY: 8,
            Category.CONTACTS: 6,
        },
        grades=(("优秀", 90, ""), ("称职", 60, ""), ("基本称职", 50, TALK), ("不称职", 0, TALK + "，函告工作单位")),
        collective_max=5,
        co_share=40,
        highest_only=False,
    ),
}

DEFAULT_PRESET = "minhang"


def preset_choices() -> list[tuple[str, str]]:
    return [(code, preset.label) for code, preset in PRESETS.items()]
