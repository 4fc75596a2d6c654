"""QR check-in at a planned meeting (扫码签到): the rotating token and its rules.

The check-in screen shows a QR code of a URL carrying a signed token of the
meeting's id and the current 30-second slot. A token is accepted for its own
meeting only, in its own slot or the one before (a code scanned just before it
rotated still works), and only inside the meeting's time window. A tampered
signature, another meeting's token or an older slot is refused.

A member who is not signed in when they scan is sent to the login page and back;
the scan itself is remembered in their browser's session (`scan_remember`), so a
token valid at the scan is honoured for LOGIN_GRACE after it, in that browser
only: a link forwarded to someone else after its slot has passed is refused.
"""

from __future__ import annotations

import datetime
import enum
import time
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Activity

SLOT_SECONDS = 30
LOGIN_GRACE = datetime.timedelta(minutes=10)
OPENS_BEFORE_START = datetime.timedelta(minutes=60)
_SALT = "activities.checkin"
_SESSION_KEY = "checkin_scans"


class Refusal(enum.Enum):
    FORGED = "forged"
    OTHER_MEETING = "other_meeting"
    EXPIRED = "expired"


def refusal_message(refusal: Refusal) -> str:
    return {
        Refusal.FORGED: _("This check-in code is not valid. Scan the code shown at the meeting again."),
        Refusal.OTHER_MEETING: _("This check-in code belongs to another meeting."),
        Refusal.EXPIRED: _("This check-in code has expired. Scan the code shown at the meeting again."),
    }[refusal]


def current_slot(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // SLOT_SECONDS)


def token_make(*, activity_id: int, slot: int | None = None) -> str:
    """The signed token of one meeting and one 30-second slot."""
    return signing.dumps({"a": activity_id, "s": current_slot() if slot is None else slot}, salt=_SALT, compress=False)


@dataclass(frozen=True)
class Scan:
    activity_id: int
    slot: int


def token_read(token: str) -> Scan | Refusal:
    """The meeting and slot of a token whose signature holds, whatever its age."""
    try:
        data = signing.loads(token, salt=_SALT)
        return Scan(activity_id=int(data["a"]), slot=int(data["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Refusal.FORGED


def token_check(token: str, *, activity_id: int, slot: int | None = None) -> Scan | Refusal:
    """Accept a token of this meeting from the current slot or the previous one."""
    scan = token_read(token)
    if isinstance(scan, Refusal):
        return scan
    if scan.activity_id != activity_id:
        return Refusal.OTHER_MEETING
    now = current_slot() if slot is None else slot
    if scan.slot not in (now, now - 1):
        return Refusal.EXPIRED
    return scan


def scan_remember(session, scan: Scan) -> None:
    """Remember in this browser's session that a valid token was scanned now."""
    scans = session.get(_SESSION_KEY, {})
    scans[str(scan.activity_id)] = {"slot": scan.slot, "at": timezone.now().isoformat()}
    session[_SESSION_KEY] = scans


def scan_remembered(session, scan: Scan) -> bool:
    """Whether this browser scanned this token while it was valid, within LOGIN_GRACE."""
    seen = session.get(_SESSION_KEY, {}).get(str(scan.activity_id))
    if not seen or seen.get("slot") != scan.slot:
        return False
    try:
        at = datetime.datetime.fromisoformat(seen["at"])
    except (KeyError, TypeError, ValueError):
        return False
    return timezone.now() - at <= LOGIN_GRACE


def window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    """When members may check in: from an hour before the start to the end
    (to the day's end without an end time; the whole day without times)."""
    tz = timezone.get_current_timezone()
    day = activity.date
    start = datetime.datetime.combine(day, activity.start_time or datetime.time.min, tzinfo=tz)
    if activity.start_time:
        start -= OPENS_BEFORE_START
    end = datetime.datetime.combine(day, activity.end_time or datetime.time.max, tzinfo=tz)
    return start, end


def window_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    start, end = window(activity)
    return start <= (now or timezone.now()) <= end
