"""The members' side in the demo: accounts for the leader's group (codes not
activated, but for the demo member's own account) and two notices to the group,
one read by the demo member and one not."""

from __future__ import annotations

from django.utils import timezone

from members.accounts import member_accounts_issue, members_for_accounts
from members.models import NoticeRecipient
from members.notices import notice_send
from sectors.models import SectorGroup, User

from .accounts import LEADER_GROUP

NOTICES = [
    (
        "关于参加本月界别学习日的通知",
        "本月1日上午9时在市政协三楼会议室举行界别学习日，请准时参加。如需请假，请提前告知联络员。",
    ),
    ("学习材料：全国政协关于加强界别工作的意见", "请各位委员认真学习，并在界别学习日交流学习体会。"),
]


def member_side_create(*, committee, staff_user: User, member_user: User | None) -> dict[str, int]:
    group = SectorGroup.objects.get(committee=committee, short_name=LEADER_GROUP)
    issued = member_accounts_issue(members=members_for_accounts(committee=committee, group_id=group.pk))
    for title, body in NOTICES:
        notice_send(by=staff_user, title=title, body=body, group=group)
    if member_user is not None and member_user.member_id:
        first = NoticeRecipient.objects.filter(member_id=member_user.member_id, notice__title=NOTICES[0][0])
        first.update(read_at=timezone.now())
    return {"member_accounts": len(issued), "notices": len(NOTICES)}
