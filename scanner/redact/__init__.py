"""A redacted copy of a chat export, in the same format (see ``engine``)."""

from __future__ import annotations

from scanner.redact.engine import RedactResult, Thresholds, check_output, redact
from scanner.redact.operators import OPERATORS

__all__ = ["OPERATORS", "RedactResult", "Thresholds", "check_output", "redact"]
