"""Validation and masking of Chinese resident ID-card and mobile numbers.

These numbers are personal information under the PIPL: pages that do not need
them show the masked forms, and neither form ever goes into a URL or a log.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import clock

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_card_check_char(first17: str) -> str:
    """The check character (GB 11643-1999) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def normalize_id_card(value: str) -> str:
    return (value or "").strip().upper()


def id_card_birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def birth_date_by_id_card(
    id_card: str, birth_date: datetime.date | None, *, month_only: bool = False
) -> datetime.date | None:
    """The birth date a member keeps, given their ID-card number: every writer of a
    member (the model's clean(), so the portal's forms, services and the admin, and
    the member import) asks this one rule.

    The number holds the birth date, so an empty date is taken from it, and a date
    that differs is refused. With `month_only` the date may give the month alone
    (a sheet's 出生年月, read as the 1st), and the card gives the day."""
    from_card = id_card_birth_date(normalize_id_card(id_card)) if id_card else None
    if from_card is None:
        return birth_date
    if birth_date is None or birth_date == from_card or (month_only and birth_date == from_card.replace(day=1)):
        return from_card
    raise ValidationError(
        _("The birth date does not match the one in the ID-card number (%(date)s)."),
        code="id_card_birth_mismatch",
        params={"date": from_card.isoformat()},
    )


def validate_id_card(value: str) -> None:
    value = normalize_id_card(value)
    if not _ID_RE.match(value):
        raise ValidationError(
            _("An ID-card number has 18 characters: 17 digits and a final digit or X."), code="id_card_shape"
        )
    birth = id_card_birth_date(value)
    if birth is None or birth.year < 1900 or birth > clock.today():
        raise ValidationError(_("The birth date inside this ID-card number is not a real date."), code="id_card_birth")
    if id_card_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The last character of this ID-card number does not match its check digit; please check the number."),
            code="id_card_check",
        )


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match((value or "").strip()):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13 to 19, for example 13812345678."), code="mobile_shape"
        )


def mask_id_card(value: str) -> str:
    """330302********1234: region and the last four characters only."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def birth_year(value: datetime.date | None) -> str:
    """What users without the personal-data permission see of a birth date.

    The month and day are exactly the digits a masked ID-card number hides
    (330302********1234), so together they would rebuild the number: the year
    alone does not."""
    return str(value.year) if value else ""


def mask_mobile(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)
