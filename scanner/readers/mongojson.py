"""Values of MongoDB extended JSON as mongoexport and Rocket.Chat write them: dates as
``{"$date": …}``, counts as ``{"$numberInt": …}``, ids as ``{"$oid": …}``, beside plain ones."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from scanner.readers.base import epoch_seconds_or_ms


def mongo_time(value: Any) -> datetime | None:
    """ISO 8601, epoch (s or ms), or MongoDB extended JSON ``{"$date": …}``."""
    if isinstance(value, dict):
        value = value.get("$date")
        if isinstance(value, dict):
            value = value.get("$numberLong")
            if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) <= 20:
                value = int(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if isinstance(value, Decimal) and value.is_finite():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return epoch_seconds_or_ms(value)
    return None


def mongo_count(value: Any) -> int | None:
    """A non-negative count or size, also in extended JSON (``{"$numberInt": "5"}``)."""
    if isinstance(value, dict):
        value = value.get("$numberInt", value.get("$numberLong"))
        if isinstance(value, str) and value.isdigit() and len(value) <= 20:
            value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def mongo_id(value: Any) -> str:
    """Ids are strings; mongoexport may write an ObjectId as ``{"$oid": …}``."""
    if isinstance(value, dict):
        value = value.get("$oid")
    return value if isinstance(value, str) else ""
