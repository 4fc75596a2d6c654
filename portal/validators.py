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
