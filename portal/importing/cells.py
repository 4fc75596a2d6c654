"""One cell at a time: what people type into Excel and WPS, made regular.

Every function takes the raw value python-calamine or csv handed over (str,
int, float, date, datetime, bool or None) and returns a clean value or raises
`CellError` with a Chinese reason that says how to fix the file.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _

from portal.validators import id_card_birth_date, id_card_check_char


class CellError(ValueError):
    """A cell that cannot be used; the message is for the person fixing the file."""


_SPACES = re.compile(r"\s+")


def text(value: object) -> str:
    """A cell as text: full-width letters, digits and punctuation made half-width
    (ＡＢＣ１２３，（） → ABC123,()), surrounding spaces dropped, inner runs of
    spaces made one. Whole numbers Excel stored as floats lose their ".0"."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    normal = str(value)
    if not unicodedata.is_normalized("NFKC", normal):
        normal = unicodedata.normalize("NFKC", normal)  # also turns ideographic and no-break spaces into " "
    normal = normal.strip()
    if "  " in normal or "\n" in normal or "\t" in normal or "\r" in normal:
        normal = _SPACES.sub(" ", normal)
    return normal


def compact(value: object) -> str:
    """Text without any spaces: names padded for alignment (王  明), numbers."""
    return text(value).replace(" ", "")


def header(value: object) -> str:
    """A header cell as a key: no spaces, no required-field stars or line breaks."""
    return compact(value).replace("*", "").replace("＊", "")


# --- dates ---------------------------------------------------------------------------------

_EXCEL_EPOCH_1900 = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year quirk)
_EXCEL_EPOCH_1904 = datetime.date(1904, 1, 1)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s.*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月?$"))


def date(value: object, *, date1904: bool = False, month_only: bool = False) -> datetime.date | None:
    """A date written as an Excel date, a serial number (1900 or 1904 system),
    1980-05-09, 1980/5/9, 1980.5.9, 1980年5月9日 or 19800509; with
    `month_only` (出生年月) also 1980.05 or 1980年5月, read as the 1st."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial_or_digits(value, date1904)
    written = compact(value)
    if not written:
        return None
    if re.fullmatch(r"\d+(\.0)?", written) and len(written.split(".")[0]) == 5:
        return _serial_or_digits(float(written), date1904)
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(written):
            return _real_date(written, *match.groups())
    if month_only:
        for pattern in _MONTH_PATTERNS:
            if match := pattern.match(written):
                return _real_date(written, match.group(1), match.group(2), "1")
    raise CellError(_("“%(value)s” is not a date; write it like 1980-05-09.") % {"value": written})


def _serial_or_digits(value: float, date1904: bool) -> datetime.date:
    if 19000101 <= value <= 21001231 and float(value).is_integer():
        digits = str(int(value))
        return _real_date(digits, digits[:4], digits[4:6], digits[6:])
    if 1 <= value < 80000:
        epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH_1900
        return epoch + datetime.timedelta(days=int(value))
    raise CellError(_("“%(value)s” is not a date; write it like 1980-05-09.") % {"value": value})


def _real_date(written: str, year: str, month: str, day: str) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": written}) from None


# --- numbers Excel may have damaged --------------------------------------------------------


def fix_as_text_hint() -> str:
    return _(
        "Excel has turned it into a number and changed its digits: format the column as text "
        "(Format Cells → Text), type the number again and upload the file again."
    )


def _is_scientific(written: str) -> bool:
    return bool(re.fullmatch(r"[0-9.]+E\+?[0-9]+", written.upper()))


def id_card(value: object) -> str:
    """An 18-character ID-card number, checked; one Excel has damaged is refused."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("The ID-card number is damaged.") + " " + fix_as_text_hint())
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        # Excel keeps 15 significant digits: an 18-digit number has lost its last ones.
        if len(digits) == 18 and id_card_check_char(digits[:17]) == digits[17] and not digits.endswith("000"):
            return digits
        raise CellError(_("The ID-card number is damaged.") + " " + fix_as_text_hint())
    written = compact(value).upper()
    if _is_scientific(written):
        raise CellError(_("The ID-card number is shown as %(value)s.") % {"value": written} + " " + fix_as_text_hint())
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", written):
        raise CellError(_("An ID-card number has 18 characters: 17 digits and a final digit or X."))
    birth = id_card_birth_date(written)
    if birth is None or birth.year < 1900:
        raise CellError(_("The birth date inside this ID-card number is not a real date."))
    if id_card_check_char(written[:17]) != written[17]:
        message = _("The last character of this ID-card number does not match its check digit.")
        if written[-4:-1] == "000" or written.endswith("0000"):
            message += " " + fix_as_text_hint()
        raise CellError(message)
    return written


def mobile(value: object) -> str:
    """An 11-digit mobile number, from text or a number; +86 and separators dropped."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("The mobile number is damaged.") + " " + fix_as_text_hint())
    written = str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else compact(value)
    if _is_scientific(written):
        raise CellError(_("The mobile number is shown as %(value)s.") % {"value": written} + " " + fix_as_text_hint())
    written = re.sub(r"[-()]", "", written)
    if written.startswith("+86"):
        written = written[3:]
    elif written.startswith("86") and len(written) == 13:
        written = written[2:]
    if not re.fullmatch(r"1[3-9]\d{9}", written):
        raise CellError(_("A mobile number has 11 digits and starts with 13 to 19, for example 13812345678."))
    return written


def whole_number(value: object) -> int:
    """A count (其他参与人数): empty is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() and value >= 0:
        return int(value)
    written = compact(value).removesuffix("人")
    if re.fullmatch(r"\d{1,7}", written):
        return int(written)
    raise CellError(_("“%(value)s” is not a whole number.") % {"value": written})


_LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def name_list(value: object, *, spaces_separate: bool = True) -> list[str]:
    """Names separated by 、 , ， ; ； or (when `spaces_separate`) spaces; each kept once."""
    written = text(value)
    pattern = _LIST_SEPARATORS if spaces_separate else re.compile(r"[、,，;；]+")
    names = []
    for part in pattern.split(written):
        part = part.replace(" ", "")
        if part and part not in names:
            names.append(part)
    return names
