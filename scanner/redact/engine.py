"""``chatsweep redact``: a sanitised copy of an export, in the same format and layout.

The export is scanned with the same readers, analyzer and context rules as ``scan``; the
pipeline hands over every message part's final detections with their offsets, and the
values at or above the thresholds are replaced in the original bytes (``patch``). A zip
stays a zip (same members, order, dates and compression), a folder a folder, a file a
file; the original is never written to, and the copy appears under its name only once it
is complete (it is written beside it under a temporary name first).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from recognizers.catalogue import info
from scanner.analyzer import Detection
from scanner.errors import UsageError
from scanner.keys import resolve_key
from scanner.model import PART_TEXT, Message, Severity, Skipped
from scanner.pipeline import Scanner, _ScanState, message_parts
from scanner.redact.operators import Operator
from scanner.redact.patch import Edit, Record, patch_file, split_location
from scanner.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Which detections are redacted: at least this severe and confident, of these types."""

    min_severity: Severity = Severity.LOW
    min_confidence: float = 0.0
    entities: frozenset[str] | None = None

    def keeps(self, d: Detection) -> bool:
        if self.entities is not None and d.entity not in self.entities:
            return False
        if d.score < self.min_confidence:
            return False
        return Severity(info(d.entity).severity).at_least(self.min_severity)


@dataclass(slots=True)
class RedactResult:
    """What a redaction did. Locations are masked (identifiers in file names hidden)."""

    output: Path
    messages_scanned: int = 0
    files: int = 0  # files changed
    records: int = 0  # message parts with a value replaced
    values: int = 0
    not_patched: list[Skipped] = field(default_factory=list)
    unread: list[Skipped] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.not_patched and not self.unread


def check_output(source: Path, output: Path) -> None:
    """Refuses an output that is the input, lies inside it, or would replace a folder."""
    src = Path(os.path.abspath(source))
    out = Path(os.path.abspath(output))
    if out == src or src in out.parents:
        raise UsageError(f"the redacted copy {output} must not be the input or inside it")
    if out in src.parents:
        raise UsageError(f"the redacted copy {output} must not hold the input")
    if out.exists() and (out.is_dir() or src.is_dir()):
        raise UsageError(f"{output} already exists; give a new name for the redacted copy")
    if not out.parent.is_dir():
        raise UsageError(f"the folder of {output} does not exist")


class _Collector:
    """The pipeline hook: every record's first line, and the records with something to redact."""

    def __init__(self, thresholds: Thresholds, operator: Operator) -> None:
        self.thresholds = thresholds
        self.operator = operator
        self.records: dict[str, list[Record]] = {}
        self.starts: dict[str, set[int]] = {}

    def __call__(self, message: Message, part: str, location: str, detections: Sequence[Detection]) -> None:
        file, line, _pointer = split_location(location)
        if line is not None:
            self.starts.setdefault(file, set()).add(line)
        kept = sorted((d for d in detections if self.thresholds.keeps(d)), key=lambda d: (d.start, -d.end))
        if not kept:
            return
        text = message.text if part == PART_TEXT else _part_text(message, part, location)
        if text is None:
            return
        edits: list[Edit] = []
        at = 0
        for d in kept:
            if d.start < at or d.end > len(text) or d.end <= d.start:
                continue  # overlaps a longer value already replaced
            edits.append(Edit(d.start, d.end, self.operator(d.entity, text[d.start : d.end])))
            at = d.end
        keep = frozenset(
            s
            for s in (
                message.message_id,
                message.author.id,
                message.author.name,
                message.conversation.id,
                message.conversation.name,
            )
            if s
        )
        markup = message.platform == "slack"  # Slack's text escapes &, < and > as HTML does
        scope = message.location if part != PART_TEXT else None
        self.records.setdefault(file, []).append(Record(location, text, tuple(edits), keep, markup, scope))


def _part_text(message: Message, part: str, location: str) -> str | None:
    """The text of the part the scan analysed: one of the reader's, or the name of an
    attachment the pipeline analyses as a part of its own (located at the message)."""
    for p in message_parts(message):
        if p.name == part and p.location == location:
            return p.text
    return None


def redact(
    source: Path,
    output: Path,
    settings: Settings,
    operator: str = "mask",
    thresholds: Thresholds | None = None,
    scanner: Scanner | None = None,
) -> RedactResult:
    """Writes the redacted copy of ``source`` to ``output``; raises ``UsageError`` before any
    work when the output is not acceptable, ``NothingReadError`` when nothing could be read."""
    check_output(source, output)
    collector = _Collector(thresholds or Thresholds(), Operator(operator, resolve_key(settings)))
    scanner = scanner or Scanner(settings)
    previous = scanner.on_detections
    scanner.on_detections = collector
    try:
        scan = scanner.scan([source])
    finally:
        scanner.on_detections = previous
    state = _ScanState(settings, scanner.analyzer)
    result = RedactResult(output, scan.messages_scanned)
    result.unread = [s for i in scan.inputs for s in i.skipped]
    patched: dict[str, bytes] = {}
    layout = _Layout(source)
    for file, records in collector.records.items():
        member = layout.member(file)
        if member is None:
            for r in records:
                result.not_patched.append(
                    Skipped(state.mask_location(r.location), "inside a nested archive; not patched")
                )
            continue
        data = layout.read(member)
        done = patch_file(data, records, collector.starts.get(file, ()))
        for location, reason in done.failed:
            result.not_patched.append(Skipped(state.mask_location(location), reason))
        if done.data is not None and done.data != data:
            patched[member] = done.data
            result.files += 1
            result.values += done.values
            failed = {location for location, _ in done.failed}
            result.records += sum(1 for r in records if r.location not in failed)
    layout.write(output, patched)
    log.info("redacted %d values in %d records of %d files", result.values, result.records, result.files)
    return result


class _Layout:
    """The input as a file, a folder or a zip: reads members, writes the copy atomically."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.display = str(source)
        self.kind = "dir" if source.is_dir() else "zip" if zipfile.is_zipfile(source) else "file"

    def member(self, file: str) -> str | None:
        """The member a record's file part names ('' for a single file), None when unknown."""
        if self.kind == "file":
            return "" if file == self.display else None
        if self.kind == "zip":
            prefix = self.display + "!"
            if not file.startswith(prefix) or "!" in file[len(prefix) :]:
                return None
            return file[len(prefix) :]
        root = self.display.rstrip("/\\")
        for sep in ("/", os.sep):
            if file.startswith(root + sep):
                return file[len(root) + 1 :]
        return None

    def read(self, member: str) -> bytes:
        if self.kind == "file":
            return self.source.read_bytes()
        if self.kind == "zip":
            with zipfile.ZipFile(self.source) as zf:
                return zf.read(member)
        return (self.source / member).read_bytes()

    def write(self, output: Path, patched: dict[str, bytes]) -> None:
        parent = output.parent
        if self.kind == "dir":
            tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=parent))
            try:
                shutil.copytree(self.source, tmp, symlinks=True, dirs_exist_ok=True)
                for member, data in patched.items():
                    _overwrite(tmp / member, data)
                os.rename(tmp, output)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            return
        fd, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=parent)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as fh:
                if self.kind == "file":
                    fh.write(patched.get("", b"") or self.source.read_bytes())
                else:
                    _copy_zip(self.source, fh, patched)
            shutil.copymode(self.source, tmp)
            os.replace(tmp, output)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _overwrite(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode
    path.write_bytes(data)
    os.chmod(path, mode)


def _copy_zip(source: Path, fh: IO[bytes], patched: dict[str, bytes]) -> None:
    """Every member in the original order, with its name, date, attributes and compression."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(fh, "w") as zout:
        zout.comment = zin.comment
        for zinfo in zin.infolist():
            data = patched.get(zinfo.filename)
            if data is None:
                data = zin.read(zinfo) if not zinfo.is_dir() else b""
            zout.writestr(zinfo, data, compress_type=zinfo.compress_type)
