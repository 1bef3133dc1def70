"""Pullers: fetch chat history from a platform's server API into a layout a reader scans.

These are the only parts of chatsweep that talk to a network, and only when the user runs
``chatsweep pull …`` against an endpoint they name; scanning stays offline.
"""

from __future__ import annotations

from scanner.pull.lanying import (
    LanyingPullError,
    LanyingResponseError,
    LanyingUnreachableError,
    LanyingUsageError,
    PullSummary,
    pull_lanying,
)

__all__ = [
    "LanyingPullError",
    "LanyingResponseError",
    "LanyingUnreachableError",
    "LanyingUsageError",
    "PullSummary",
    "pull_lanying",
]
