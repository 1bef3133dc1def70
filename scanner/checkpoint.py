"""Checkpoints: an interrupted scan continues where it stopped (``chatsweep scan --resume``).

While a scan runs, its state is saved beside the report (``chatsweep-report.checkpoint``)
at the end of an input and every so many messages inside a large one, at most every
``every_seconds``. ``--resume`` loads it, skips the inputs already finished, re-reads the
current one without analysing the messages already counted, and goes on: the report is the
one an uninterrupted scan gives (only the start and end times differ).

What is saved is the scan state the pipeline keeps between messages (findings so far, chat
context, names seen), pickled. That state holds what the report holds and, for the chat
context, the last few messages of each conversation, so the file is treated like the
fingerprint key: written owner-only (0600) through a temporary file and a rename (a crash
never leaves half a checkpoint), authenticated with a key derived from the fingerprint key
(a file someone else wrote or edited is refused, never unpickled), and deleted once the
reports are written. It never holds the fingerprint key itself.

A checkpoint is keyed to the inputs (paths, sizes, modification times of every file read)
and to the options that shape findings; resuming after either changed is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import logging
import os
import pickle  # nosec B403 - only files authenticated with the user's own key are loaded
import stat
import tempfile
import time
from collections.abc import Collection, Iterable, MutableSequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import __version__
from scanner.errors import UsageError
from scanner.model import InputSummary, Skipped

if TYPE_CHECKING:
    from scanner.settings import Settings

log = logging.getLogger(__name__)

SUFFIX = ".checkpoint"
# Bumped whenever what is saved changes shape; a checkpoint of another version is refused.
FORMAT_VERSION = 2
_MAGIC = b"chatsweep-checkpoint\n"
_TAG_BYTES = 32
# Defaults: a checkpoint costs a pickle of the state (megabytes on a large export), so it is
# written at most every half minute, and inside an input only every so many messages.
EVERY_SECONDS = 30.0
EVERY_MESSAGES = 10_000
# Saving takes seconds once the state holds tens of thousands of findings: the next save waits
# at least this many times as long as the last one took, so checkpoints cost at most ~5 %.
COST_FACTOR = 20
# Attributes of the pipeline's scan state that are not saved: the live settings and
# analyzer (rebuilt by the resumed scan), caches that only save time (their absence changes
# nothing but speed), work in flight (drained before a save) and the fingerprint key.
NOT_SAVED = frozenset({"settings", "analyzer", "texts", "analysing", "_key"})
# Options that shape the findings: a resumed scan must run with the same ones. (Report
# formats, --fail-on, workers and cluster may change between the runs.)
_SHAPING = ("lang", "ner", "model", "show_values", "input_format", "entities", "min_confidence", "allow")


class CheckpointError(UsageError):
    """A checkpoint cannot be used (exit 2): another scan's, changed inputs, unreadable."""


@dataclass(slots=True)
class Partial:
    """How far an unfinished input was read: items the reader yielded (messages and skipped
    records) and what the pipeline had counted from them."""

    consumed: int
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Skipped] = field(default_factory=list)
    users: int = 0
    systems: int = 0


def checkpoint_path(targets: Iterable[Path | None]) -> Path | None:
    """Where a scan writing reports to ``targets`` keeps its checkpoint: beside the first
    report, with its stem (``chatsweep-report.checkpoint``). None for stdout or a device."""
    paths = list(targets)
    if not paths or any(p is None or (p.exists() and not p.is_file()) for p in paths):
        return None
    first = paths[0]
    assert first is not None
    return first.with_name(first.stem + SUFFIX)


def inputs_identity(paths: Iterable[Path], exclude: Collection[Path] = ()) -> str:
    """A digest of every file a scan of ``paths`` can read: path, size, modification time.

    Folders are walked (``exclude``, the scan's own outputs, left out), so a file added,
    removed or rewritten anywhere in an export changes the digest.
    """
    skip = {os.path.abspath(p) for p in exclude} | {os.path.realpath(p) for p in exclude}
    h = hashlib.sha256()

    def add(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:
            h.update(f"{path}\0missing\n".encode("utf-8", "surrogateescape"))
            return
        h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))

    for given in paths:
        root = os.path.abspath(given)
        h.update(f"input\0{root}\n".encode("utf-8", "surrogateescape"))
        if not os.path.isdir(root):
            add(root)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if os.path.join(folder, d) not in skip)
            for name in sorted(files):
                path = os.path.join(folder, name)
                if path not in skip and os.path.realpath(path) not in skip:
                    add(path)
    return h.hexdigest()


def options_identity(settings: Settings, key: bytes) -> dict[str, str]:
    """The options that shape findings, each as a short digest (custom terms and the key are
    confidential: only digests are kept)."""
    values: dict[str, Any] = {name: getattr(settings, name) for name in _SHAPING}
    values["custom_terms"] = settings.custom_terms
    values["custom_patterns"] = settings.custom_patterns
    out = {name: hashlib.sha256(repr(value).encode()).hexdigest()[:16] for name, value in values.items()}
    out["fingerprint key"] = hmac.new(key, b"chatsweep checkpoint key id", "sha256").hexdigest()[:16]
    return out


class Checkpoint:
    """The checkpoint of one scan: saves its state, and restores it when resuming."""

    def __init__(
        self,
        path: Path,
        inputs: str,
        options: dict[str, str],
        key: bytes,
        every_seconds: float = EVERY_SECONDS,
        every_messages: int = EVERY_MESSAGES,
    ) -> None:
        self.path = path
        self.inputs = inputs
        self.options = options
        self.every_seconds = every_seconds
        self.every_messages = every_messages
        self.saved = 0  # checkpoints written by this scan
        self.resumed_messages = 0  # messages counted before the interruption, when resuming
        self._key = hmac.new(key, b"chatsweep checkpoint", "sha256").digest()
        self._loaded: dict[str, Any] | None = None
        self._last_time = time.monotonic()
        self._last_messages = 0
        self._last_cost = 0.0  # seconds the last save took

    # --- resuming -------------------------------------------------------------------------

    def load(self) -> bool:
        """Read the checkpoint for resuming; False when there is none. Refused (exit 2) when
        it cannot be trusted or belongs to another scan."""
        try:
            data = self._read()
        except FileNotFoundError:
            return False
        body = data[len(_MAGIC) + _TAG_BYTES :]
        tag = data[len(_MAGIC) : len(_MAGIC) + _TAG_BYTES]
        if not data.startswith(_MAGIC) or not hmac.compare_digest(tag, self._sign(body)):
            raise CheckpointError(
                f"the checkpoint {self.path} was not written by a scan under this fingerprint key "
                "(or is damaged); delete it or scan again without --resume"
            )
        saved = pickle.loads(body)  # noqa: S301  # nosec B301 - authenticated above
        if saved.get("version") != (FORMAT_VERSION, __version__):
            raise CheckpointError(
                f"the checkpoint {self.path} was written by another chatsweep version; "
                "scan again without --resume"
            )
        if saved["inputs"] != self.inputs:
            raise CheckpointError(
                f"the inputs changed since the checkpoint {self.path} was written (files added, "
                "removed or modified); scan again without --resume"
            )
        changed = [name for name, value in self.options.items() if saved["options"].get(name) != value]
        if changed:
            raise CheckpointError(
                f"options differ from the interrupted scan's ({', '.join(changed)}); "
                "resume with the same options, or scan again without --resume"
            )
        self._loaded = saved
        self.resumed_messages = int(saved["state"].get("messages", 0))
        return True

    def restore(self, state: Any, inputs: MutableSequence[InputSummary]) -> int:
        """Put the saved scan state into ``state`` and ``inputs``; the index of the first entry
        not finished (0 when not resuming)."""
        if self._loaded is None:
            return 0
        for name, value in self._loaded["state"].items():
            setattr(state, name, value)
        inputs[:] = self._loaded["summaries"]
        self._last_messages = int(self._loaded["state"].get("messages", 0))
        return int(self._loaded["entry"])

    def partial(self, entry: int) -> Partial | None:
        """How far entry ``entry`` had been read when the checkpoint was saved, if it had begun."""
        if self._loaded is None or self._loaded["entry"] != entry:
            return None
        part: Partial | None = self._loaded["partial"]
        return part

    # --- saving ---------------------------------------------------------------------------

    def due(self, messages: int, within_entry: bool = True) -> bool:
        """Whether to save now, ``messages`` being the scan's count so far."""
        if time.monotonic() - self._last_time < max(self.every_seconds, COST_FACTOR * self._last_cost):
            return False
        return not within_entry or messages - self._last_messages >= self.every_messages

    def save(
        self,
        state: Any,
        inputs: Iterable[InputSummary],
        entry: int,
        partial: Partial | None = None,
    ) -> None:
        """Write the state after ``entry`` entries (and ``partial`` of the next) atomically."""
        saved = {
            "version": (FORMAT_VERSION, __version__),
            "inputs": self.inputs,
            "options": self.options,
            "entry": entry,
            "partial": partial,
            "summaries": list(inputs),
            "state": {k: v for k, v in vars(state).items() if k not in NOT_SAVED},
        }
        started = time.perf_counter()
        buf = io.BytesIO()
        pickle.dump(saved, buf, protocol=pickle.HIGHEST_PROTOCOL)
        body = buf.getvalue()
        self._last_time = time.monotonic()
        self._last_messages = int(getattr(state, "messages", 0))
        try:
            self._write(_MAGIC + self._sign(body) + body)
        except OSError as exc:
            # A full disk must not end the scan it was meant to protect; the next save retries.
            log.warning("cannot write the checkpoint %s: %s", self.path, exc.strerror or type(exc).__name__)
            return
        self.saved += 1
        self._last_cost = time.perf_counter() - started
        self._last_time = time.monotonic()
        log.info(
            "checkpoint saved after %d messages (%d KB, %.2fs)",
            self._last_messages,
            len(body) // 1024,
            time.perf_counter() - started,
        )

    def remove(self) -> None:
        """Delete the checkpoint (the scan finished and its reports are written)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    # --- the file -------------------------------------------------------------------------

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, "sha256").digest()

    def _read(self) -> bytes:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise CheckpointError(f"cannot read the checkpoint {self.path}: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise CheckpointError(f"the checkpoint {self.path} is not a regular file")
            if os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & 0o077):
                raise CheckpointError(
                    f"the checkpoint {self.path} is not private to you (owner or mode changed); "
                    "delete it or scan again without --resume"
                )
            return fh.read()

    def _write(self, data: bytes) -> None:
        folder = self.path.parent
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)  # 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
