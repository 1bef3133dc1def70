"""chatsweep: find personal data and secrets in exported chat histories."""

from __future__ import annotations

from scanner import offline as _offline  # noqa: F401 - must run before presidio is imported

__version__ = "0.1.0"
