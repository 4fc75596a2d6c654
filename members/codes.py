"""The activation codes as staff hand them out: a printable list and an
SMS-ready workbook (name, group, mobile, code, the address and the SMS text).
Both hold full mobile numbers: they are audited as personal-data exports."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.spreadsheets import Sheet, workbook_bytes
from sectors.audit import events as audit
from sectors.models import Member

from .accounts import IssuedCode, activation_address


def sms_text(issued: IssuedCode, address: str) -> str:
    return _(
        "%(name)s: your member account for the sector-work portal is ready. Open %(address)s, type your mobile "
        "and the code %(code)s, and choose a password. The code works once, until %(day)s."
    ) % {
        "name": issued.member.name,
        "address": address,
        "code": issued.code,
        "day": timezone.localtime(issued.expires_at).date().isoformat(),
    }


def codes_sheet(issued: Sequence[IssuedCode]) -> Sheet:
    address = activation_address()
    return Sheet(
        title=_("Activation codes"),
        headers=[
            _("Member number"),
            _("Name"),
            _("Sector group"),
            _("Mobile"),
            _("Activation code"),
            _("Valid until"),
            _("Activation address"),
            _("SMS text"),
        ],
        rows=[
            [
                i.member.member_number,
                i.member.name,
                i.group_name,
                i.member.mobile,
                i.code,
                timezone.localtime(i.expires_at).date(),
                address,
                sms_text(i, address),
            ]
            for i in issued
        ],
        text_columns=(0, 3, 4),
    )


def codes_workbook(issued: Sequence[IssuedCode]) -> bytes:
    return workbook_bytes([codes_sheet(issued)])


def audit_codes_shown(*, issued: Sequence[IssuedCode], request=None, where: str = "") -> None:
    """An export of the codes with full mobile numbers: recorded as one."""
    members = [i.member for i in issued if i.member.mobile]
    audit.record(
        action=audit.Action.EXPORT, request=request, model=Member, count=len(issued), where=where, username="manage.py"
    )
    if request is not None:
        audit.record_personal_data(request=request, people=members, where=where)
    elif members:
        audit.record(
            action=audit.Action.PERSONAL_DATA,
            username="manage.py",
            model=Member,
            count=len(members),
            where=where,
            detail=",".join(str(m.pk) for m in members),
        )
