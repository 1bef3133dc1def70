"""Values of parsed JSON records: strings, ids, epoch and ISO times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def json_str(value: Any) -> str:
    """The value if it is a string, else ''."""
    return value if isinstance(value, str) else ""


def json_obj(value: Any) -> dict[str, Any]:
    """The value if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def json_list(value: Any) -> list[Any]:
    """The value if it is an array, else an empty one."""
    return value if isinstance(value, list) else []


def first_str(*values: Any) -> str:
    """The first value that is a non-empty string, else ''."""
    for v in values:
        if isinstance(v, str) and v:
            return v
    return ""


def json_id(value: Any) -> str:
    """An id written as a string or an integer, as text; '' for anything else (booleans too)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else ""


# Epoch numbers at or above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
EPOCH_MS_FROM = 100_000_000_000


def epoch_ms(value: Any) -> datetime | None:
    """Aware UTC time of epoch milliseconds: an int, or a finite Decimal (ijson's non-integral
    numbers) cut to one; None for anything else (booleans too) or a time out of range.

    Exact: whole seconds and milliseconds are kept apart, never rounded through a float.
    """
    if isinstance(value, Decimal) and value.is_finite():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value // 1000, UTC).replace(microsecond=value % 1000 * 1000)
    except (OverflowError, OSError, ValueError):
        return None


def epoch_seconds_or_ms(value: int) -> datetime | None:
    """Aware UTC time of an epoch in seconds or, from ``EPOCH_MS_FROM`` up, milliseconds (exact)."""
    return epoch_ms(value if abs(value) >= EPOCH_MS_FROM else value * 1000)


def iso_time(value: Any) -> datetime | None:
    """An ISO 8601 string (surrounding white space allowed) as a datetime, aware when it has a
    zone; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
