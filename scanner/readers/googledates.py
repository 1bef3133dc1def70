"""Google's English dates in Takeout: "Tuesday, January 3, 2023 at 9:01:02 AM UTC".

Weekday and seconds optional, 12- or 24-hour clock, U+202F or NBSP before AM/PM (newer
exports), a zone name with or without an offset. UTC and offsets give aware times; an
unknown zone name leaves the time naive.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Zone names Google writes (the account's zone; Takeout uses UTC) and their offsets in hours.
ZONES = {
    "UTC": 0.0,
    "GMT": 0.0,
    "Z": 0.0,
    "EST": -5.0,
    "EDT": -4.0,
    "CST": -6.0,
    "CDT": -5.0,
    "MST": -7.0,
    "MDT": -6.0,
    "PST": -8.0,
    "PDT": -7.0,
    "CET": 1.0,
    "CEST": 2.0,
    "BST": 1.0,
    "IST": 5.5,
    "JST": 9.0,
}
_SPACE = r"[ \t\u00a0\u202f]"
# "Tuesday, January 3, 2023 at 9:01:02 AM UTC": weekday optional, seconds optional,
# 12- or 24-hour, U+202F or NBSP before AM/PM, zone name with or without an offset.
GOOGLE_DATE = re.compile(
    rf"(?:[A-Za-z]+,{_SPACE}*)?(?P<month>[A-Za-z]+)\.?{_SPACE}+(?P<day>\d{{1,2}}),?{_SPACE}+"
    rf"(?P<year>\d{{4}}),?{_SPACE}+(?:at{_SPACE}+)?(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})"
    rf"(?::(?P<second>\d{{2}})(?:\.(?P<fraction>\d{{1,6}}))?)?"
    rf"(?:{_SPACE}*(?P<ampm>[AaPp])\.?{_SPACE}?[Mm]\.?)?"
    rf"(?:{_SPACE}*(?P<zone>[A-Za-z]{{1,5}})?(?P<offset>[+-]\d{{1,2}}(?::?\d{{2}})?)?)?"
)


def parse_google_date(value: Any) -> datetime | None:
    """A Takeout date string as a datetime: aware for UTC/GMT/known zones/offsets, else naive."""
    if not isinstance(value, str):
        return None
    m = GOOGLE_DATE.fullmatch(value.strip(" \t\u00a0\u202f"))
    if m is None:
        return None
    month = MONTHS.get(m["month"].lower())
    if month is None:
        return None
    hour = int(m["hour"])
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
    zone = (m["zone"] or "").upper()
    tz: timezone | None = None
    if zone or m["offset"]:
        if zone and zone not in ZONES:
            tz = None  # a zone we cannot place: keep the wall time, naive
        else:
            hours = ZONES.get(zone, 0.0)
            tz = timezone(timedelta(hours=hours) + _offset(m["offset"]))
    try:
        return datetime(
            int(m["year"]),
            month,
            int(m["day"]),
            hour,
            int(m["minute"]),
            int(m["second"] or 0),
            int((m["fraction"] or "0").ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _offset(text: str | None) -> timedelta:
    if not text:
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))
