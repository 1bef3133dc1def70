"""Error hierarchy. Only the CLI turns these into exit codes; messages never hold values."""

from __future__ import annotations


class ChatsweepError(Exception):
    """Root of chatsweep's errors; ``exit_code`` is what the CLI exits with."""

    exit_code = 70


class UsageError(ChatsweepError):
    """Bad options or configuration (exit 2)."""

    exit_code = 2


class ModelNotFoundError(UsageError):
    """The NER model is not installed; never downloaded."""


class NothingReadError(ChatsweepError):
    """Every input failed (exit 3)."""

    exit_code = 3


class ReaderError(ChatsweepError):
    """A file or record could not be read. Carries the location, never the content."""

    exit_code = 3

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason
