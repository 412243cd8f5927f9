"""UK display conventions: dd/mm/yyyy and 24-hour times, in the zone the record was made in.

Years are always written with four digits by hand: glibc's strftime("%Y") writes year 5
as "5", which the storage form could not be read back from (DESIGN.md, Known traps).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Europe/London"
#: The storage form. Earlier versions wrote years below 1000 without leading zeros
#: ("5-01-01T..."); those are still read.
_UTC_TEXT = re.compile(r"(\d{1,4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def to_utc_text(moment: datetime) -> str:
    """Storage form: ISO 8601 in UTC with a Z, sortable as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    u = moment.astimezone(UTC)
    return (f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:"
            f"{u.second:02d}.{u.microsecond:06d}Z")


def from_utc_text(text: str) -> datetime:
    """The storage form back. fromisoformat reads its Z and is twenty times faster than
    a parse by hand, which matters where every concern of a child is read on each save;
    the unpadded years older versions wrote (`5-06-01T...`) take the slow path."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        found = _UTC_TEXT.fullmatch(text)
        if found is None:
            raise ValueError(f"not a stored time: {text!r}") from None
        year, month, day, hour, minute, second, micro = (int(part) for part in found.groups())
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def file_stamp(moment: datetime) -> str:
    """yyyymmdd-HHMMSS in UTC, for a file or folder name that sorts by time."""
    u = moment.astimezone(UTC)
    return (f"{u.year:04d}{u.month:02d}{u.day:02d}-{u.hour:02d}{u.minute:02d}"
            f"{u.second:02d}")


def local(moment: datetime, tz: str = DEFAULT_TZ) -> datetime:
    """The moment in a zone; in UTC where the zone's offset would leave the calendar
    (a time in year 1, read from an old vault)."""
    try:
        return moment.astimezone(zone(tz))
    except OverflowError:
        return moment.astimezone(UTC)


def local_date(moment: datetime, tz: str = DEFAULT_TZ) -> date:
    return local(moment, tz).date()


def uk_datetime(moment: datetime, tz: str = DEFAULT_TZ) -> str:
    m = local(moment, tz)
    return f"{uk_date(m)} {m.hour:02d}:{m.minute:02d}"


def uk_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_uk_date(text: str) -> date:
    """Accept dd/mm/yyyy (the UK form) or ISO yyyy-mm-dd."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date in dd/mm/yyyy form: {text!r}")
