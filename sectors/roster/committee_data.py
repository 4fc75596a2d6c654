"""The Wenzhou committee's reference data: the committee, its current term and
its 29 sector activity groups (界别活动组).

This is real, public structure, not demo data: `setup_committee` writes it and
`seed_demo` builds fictional people on top of it. The groups follow the usual
CPPCC order: parties first, then people's organisations, then fields of work.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sectors.models import Committee, SectorGroup

COMMITTEE_NAME = "温州市政协"
COMMITTEE_SHORT_NAME = "温州市政协"
COMMITTEE_LEVEL = Committee.Level.CITY
COMMITTEE_REGION_CODE = "330300"  # 温州市, GB/T 2260

CURRENT_TERM_NUMBER = 12  # 第十二届
CURRENT_TERM_START = datetime.date(2022, 1, 1)

PLAN_DEADLINE = (3, 31)  # month, day of the assessment year
SUMMARY_DEADLINE = (12, 31)


@dataclass(frozen=True)
class GroupSpec:
    name: str
    short_name: str
    kind: str


_PARTY = SectorGroup.Kind.PARTY
_ORG = SectorGroup.Kind.ORGANISATION
_FIELD = SectorGroup.Kind.FIELD

# In display order; sort_order is the position (1-based) in this list.
SECTOR_GROUPS: list[GroupSpec] = [
    GroupSpec("中国共产党界别", "中共", _PARTY),
    GroupSpec("中国国民党革命委员会界别", "民革", _PARTY),
    GroupSpec("中国民主同盟界别", "民盟", _PARTY),
    GroupSpec("中国民主建国会界别", "民建", _PARTY),
    GroupSpec("中国民主促进会界别", "民进", _PARTY),
    GroupSpec("中国农工民主党界别", "农工党", _PARTY),
    GroupSpec("中国致公党界别", "致公党", _PARTY),
    GroupSpec("九三学社界别", "九三学社", _PARTY),
    GroupSpec("台湾民主自治同盟界别", "台盟", _PARTY),
    GroupSpec("无党派人士界别", "无党派", _PARTY),
    GroupSpec("共青团和青年联合会界别", "共青团(青联)", _ORG),
    GroupSpec("总工会界别", "总工会", _ORG),
    GroupSpec("妇女联合会界别", "妇联", _ORG),
    GroupSpec("工商业联合会界别", "工商联", _ORG),
    GroupSpec("科学技术协会界别", "科协", _ORG),
    GroupSpec("台湾同胞联谊会界别", "台联", _ORG),
    GroupSpec("归国华侨联合会界别", "侨联", _ORG),
    GroupSpec("文化艺术和新闻出版界别", "文艺新闻", _FIELD),
    GroupSpec("科学技术界别", "科技", _FIELD),
    GroupSpec("社会科学界别", "社科", _FIELD),
    GroupSpec("经济界别", "经济", _FIELD),
    GroupSpec("农业界别", "农业", _FIELD),
    GroupSpec("教育界别", "教育", _FIELD),
    GroupSpec("体育界别", "体育", _FIELD),
    GroupSpec("医药卫生界别", "医卫", _FIELD),
    GroupSpec("对外友好界别", "对外友好", _FIELD),
    GroupSpec("社会福利和社会保障界别", "社福社保", _FIELD),
    GroupSpec("少数民族和宗教界别", "民族宗教", _FIELD),
    GroupSpec("特别邀请人士界别", "特邀", _FIELD),
]
