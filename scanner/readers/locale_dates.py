"""Dates as a person's locale writes them (.NET "g" short date and time in many cultures,
12-hour clocks in English, Chinese, Japanese and Korean, month names), and which order a
file's dates use (day-first or month-first), from the dates themselves."""

from __future__ import annotations

import csv
import re
from datetime import datetime

from scanner.readers.base import Entry, iter_lines

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
# .NET "g" (short date + short time) in the cultures people run (DiscordChatExporter CSV): 6/24/2026 7:06 PM,
# 24/06/2026 19:06, 24.06.2026 19:06, 2026/6/24 19:06, 2026-06-24 19:06 …, and the old
# default "dd-MMM-yy hh:mm tt" (24-Jun-26 07:06 PM).
_NUMERIC_DATE = re.compile(
    r"\s*(?P<a>\d{1,4})[./-]\s?(?P<b>\d{1,2})[./-]\s?(?P<c>\d{1,4})\.?,?[\sT]+"
    r"(?P<ampm1>上午|下午|午前|午後|오전|오후)?\s*"
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?|上午|下午|午前|午後|오전|오후)?\s*"
)
_NAMED_DATE = re.compile(
    r"\s*(?P<d>\d{1,2})[- ](?P<mon>[A-Za-z]{3})[A-Za-z]*\.?[- ,]+(?P<y>\d{2,4}),?\s+"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*"
)
_PM_WORDS = ("p", "下午", "午後", "오후")
_AM_WORDS = ("a", "上午", "午前", "오전")
# Rows read to decide day/month order before reading the file for real.
DATE_SURVEY_ROWS = 10_000


def survey_day_first(entry: Entry, column: int) -> bool | None:
    """Day-first (True), month-first (False) or unknown (None), from the dates in ``column``
    of a CSV file (its first row is the header)."""
    lines, _ = iter_lines(entry)
    rows = csv.reader(lines)
    try:
        for n, row in enumerate(rows):
            if n > DATE_SURVEY_ROWS:
                break
            if n == 0 or len(row) <= column:
                continue
            m = _NUMERIC_DATE.fullmatch(row[column])
            if m is None or len(m.group("a")) == 4:
                continue
            a, b = int(m.group("a")), int(m.group("b"))
            if a > 12 >= b:
                return True
            if b > 12 >= a:
                return False
    except csv.Error:
        pass
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()
    return None


def locale_time(value: str, day_first: bool | None) -> datetime | None:
    """A naive local time from a locale-formatted date, or an aware one from ISO 8601."""
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    m = _NUMERIC_DATE.fullmatch(text)
    if m is not None:
        a, b, c = m.group("a"), m.group("b"), m.group("c")
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            first, second = int(a), int(b)
            # Without evidence in the file, month-first (en-US, the most common locale).
            month, day = (second, first) if day_first else (first, second)
            year = int(c)
        ampm = m.group("ampm") or m.group("ampm1")
        return _make(year, month, day, m.group("h"), m.group("mi"), m.group("s"), ampm)
    m = _NAMED_DATE.fullmatch(text)
    named = _MONTHS.get(m.group("mon").lower()) if m is not None else None
    if m is None or named is None:
        return None
    return _make(
        int(m.group("y")),
        named,
        int(m.group("d")),
        m.group("h"),
        m.group("mi"),
        m.group("s"),
        m.group("ampm"),
    )


def _make(
    year: int, month: int, day: int, hour: str, minute: str, second: str | None, ampm: str | None
) -> datetime | None:
    h = int(hour)
    if ampm:
        marker = ampm.lower()
        if marker.startswith(_PM_WORDS) and h < 12:
            h += 12
        elif marker.startswith(_AM_WORDS) and h == 12:
            h = 0
    if year < 100:
        year += 2000
    try:
        return datetime(year, month, day, h, int(minute), int(second or 0))
    except ValueError:
        return None
