"""What every reader builds on: the input tree (file, folder or zip) and the Reader seam.

An input is a ``Source``: one file, a folder, or a zip archive, seen as a flat list of
``Entry`` objects with POSIX relative names. Readers never touch the file system
directly, so a Slack export reads the same from a folder or a zip, and nothing is
unpacked to disk. Zip members are checked against traversal names and bomb limits.

The parse toolkit lives in small modules beside this one (most re-exported here):
``entries`` (reading each entry with its failures isolated, sniffing folders),
``decoding`` (encodings), ``jsonstream`` (streaming JSON, JSON Lines, path patterns),
``lineblocks`` (header-line text exports), ``html_text`` (HTML to text), ``textparts``
(a message's text parts with their JSON pointers), ``jsliteral``, ``values``,
``csvrows`` and ``limits`` (one set of sniff windows and message caps).
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, ClassVar, Protocol

from scanner.errors import ReaderError
from scanner.model import Message, Skipped
from scanner.readers.csvrows import (
    CSV_FIELD_LIMIT,
    allow_long_csv_fields,
    csv_rows,
)
from scanner.readers.decoding import (
    CHINESE_ENCODINGS,
    MAX_DIGIT_RUN,
    DigitRunTooLong,
    Utf8Stream,
    detect_encoding,
    first_char,
    head_text,
    iter_lines,
    load_json,
    open_utf8,
    read_text,
    strip_eol,
    text_lines,
)
from scanner.readers.entries import (
    TEXT_SNIFF_ENTRIES,
    attachment_at,
    dm_or_group,
    entry_folder,
    entry_label,
    guarded,
    in_folder,
    isolated,
    location_name,
    location_parts,
    read_each,
    sniff_each,
    sniff_text_export,
)
from scanner.readers.entry import ByteMeter, Entry
from scanner.readers.jsonstream import (
    IJSON_ERRORS,
    JSON_LINES_SUFFIXES,
    MAX_JSON_DEPTH,
    MAX_SNIFF_LINE,
    TOO_DEEP,
    JsonHit,
    JsonTooDeep,
    JsonTruncated,
    build_value,
    cut_inside_string,
    first_json_value,
    first_line_object,
    json_lines,
    json_object,
    json_pointer,
    json_prefix,
    json_walk,
    open_json,
    parse_events,
    skip_value,
    sniff_values,
    stream_values,
)
from scanner.readers.limits import (
    HEAD_BYTES,
    MAX_MESSAGE_CHARS,
    SNIFF_ENTRIES,
    SNIFF_JSON_CHARS,
    SNIFF_TEXT_BYTES,
)
from scanner.readers.lineblocks import (
    TextBlock,
    dominant_headers,
    header_blocks,
    split_author,
)
from scanner.readers.oserrors import (
    READ_ERRORS,
    SYMLINK,
    os_detail,
    os_reason,
    special_file_reason,
)
from scanner.readers.ownreports import (
    OWN_REPORT,
    REPORT_HEAD,
    REPORT_SUFFIXES,
    is_own_report,
)
from scanner.readers.values import (
    EPOCH_MS_FROM,
    epoch_ms,
    epoch_seconds_or_ms,
    first_str,
    iso_time,
    json_id,
    json_list,
    json_obj,
    json_str,
)
from scanner.readers.ziparchive import (
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL,
    Archive,
    list_zip,
    member_name,
)

# Zips inside zips (a WhatsApp export zipped into a folder that was zipped …): read in
# memory, never unpacked to disk, up to this depth and size.
MAX_ZIP_DEPTH = 3
MAX_NESTED_ZIP_BYTES = 512 * 1024**2
ZIP_MAGIC = b"PK\x03\x04"


class Source:
    """An input path as a list of entries (file, folder or zip).

    ``skipped`` lists what was found while listing but cannot be read (symbolic links,
    FIFOs and devices, unreadable folders, unsafe zip members): unread data, reported.
    ``reports`` lists chatsweep's own reports met in the tree: not input, not unread.
    An archive is opened once for the source's life; ``close()`` releases it early (a
    later read reopens it), and a finalizer closes it when the source is collected.
    """

    def __init__(
        self,
        path: Path,
        entries: list[Entry],
        kind: str,
        *,
        skipped: Iterable[Skipped] = (),
        archive: Archive | None = None,
        screen: bool = True,
    ) -> None:
        self.path = path
        self.kind = kind  # "file" | "dir" | "zip"
        self.meter = ByteMeter()
        self.skipped: list[Skipped] = list(skipped)
        self.reports: list[Skipped] = []
        if screen and kind != "file":
            kept = []
            for e in entries:
                if is_own_report(e):
                    self.reports.append(Skipped(e.location, OWN_REPORT))
                else:
                    kept.append(e)
            entries = kept
        entries = [replace(e, meter=self.meter) for e in entries]
        self._entries = entries
        self._by_name = {e.name: e for e in entries}
        self._archive = archive
        # Readers note here the text encodings they assumed; the report lists them.
        self.encodings: set[str] = set()
        self.depth = 1 if kind == "zip" else 0  # how many zips enclose the entries

    def close(self) -> None:
        """Release the open archive now (entries still work: a later read reopens it)."""
        if self._archive is not None:
            self._archive.close()

    @property
    def display(self) -> str:
        return str(self.path)

    @property
    def total_bytes(self) -> int:
        return sum(e.size for e in self._entries)

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def get(self, name: str) -> Entry | None:
        return self._by_name.get(name)

    @property
    def is_file(self) -> bool:
        """Whether the input is one file (not a folder or zip): nothing lies beside its entry."""
        return self.kind == "file"

    def member(self, name: str) -> Entry | None:
        """The folder or zip member ``name`` (a file an export refers to: an attachment, a
        media file); None when absent or when the input is a single file."""
        return None if self.kind == "file" else self._by_name.get(name)

    def names(self) -> list[str]:
        return [e.name for e in self._entries]

    def strip_root(self) -> str:
        """The single top-level folder shared by every entry ('' if none): zips often wrap one."""
        tops = {n.split("/", 1)[0] for n in self._by_name if "/" in n}
        loose = [n for n in self._by_name if "/" not in n]
        if len(tops) == 1 and not loose:
            return tops.pop() + "/"
        return ""

    @classmethod
    def open(cls, path: Path, exclude: Collection[Path] = ()) -> Source:
        """Build a source for ``path``; raises ReaderError if it cannot be listed.

        Files and folders in ``exclude`` (absolute paths) are not listed.
        """
        display = str(path)
        try:
            st = path.lstat()
        except OSError as exc:
            raise ReaderError(display, os_reason(exc)) from None
        if stat.S_ISLNK(st.st_mode):
            raise ReaderError(display, SYMLINK)
        if stat.S_ISDIR(st.st_mode):
            skipped: list[Skipped] = []
            entries = list(_walk_dir(path, exclude, skipped))
            return cls(path, entries, "dir", skipped=skipped)
        if not stat.S_ISREG(st.st_mode):
            raise ReaderError(display, special_file_reason(st.st_mode))
        entry = _file_entry(path, "", display, st.st_size)
        if is_own_report(entry):
            raise ReaderError(display, OWN_REPORT)
        if zipfile.is_zipfile(path):
            archive = Archive(str(path))
            entries, skipped = list_zip(archive, display)
            return cls(path, entries, "zip", skipped=skipped, archive=archive)
        if path.suffix.lower() == ".zip":
            raise ReaderError(display, "broken zip archive (no central directory; truncated?)")
        return cls(path, [entry], "file")

    @classmethod
    def nested(cls, entry: Entry, path: Path, parent_depth: int) -> Source:
        """A zip held in an entry (of a folder or another zip), read in memory."""
        depth = parent_depth + 1
        if depth > MAX_ZIP_DEPTH:
            raise ReaderError(entry.location, f"zip nested more than {MAX_ZIP_DEPTH} deep; refused")
        if entry.size > MAX_NESTED_ZIP_BYTES:
            raise ReaderError(entry.location, "nested zip too large to read in memory; unpack it first")
        with entry.open() as fh:
            data = fh.read(MAX_NESTED_ZIP_BYTES + 1)
        if len(data) > MAX_NESTED_ZIP_BYTES:
            raise ReaderError(entry.location, "nested zip too large to read in memory; unpack it first")
        archive = Archive(lambda: io.BytesIO(data))
        entries, skipped = list_zip(archive, entry.location)
        source = cls(path, entries, "zip", skipped=skipped, archive=archive)
        source.depth = depth
        return source

    def is_zip_entry(self, entry: Entry) -> bool:
        return entry.suffix == ".zip" or entry.head(4) == ZIP_MAGIC

    @classmethod
    def single(cls, entry: Entry, path: Path) -> Source:
        """A source holding one entry of another source (used when a folder is split up)."""
        return cls(path, [Entry("", entry.location, entry.size, entry.opener)], "file", screen=False)

    @classmethod
    def subtree(cls, parent: Source, prefix: str, path: Path) -> Source:
        """A source holding the entries of ``parent`` under ``prefix`` (a folder inside it)."""
        entries = [
            Entry(e.name[len(prefix) :], e.location, e.size, e.opener)
            for e in parent.entries()
            if e.name.startswith(prefix)
        ]
        source = cls(path, entries, parent.kind, archive=parent._archive, screen=False)
        source.depth = parent.depth
        return source


def _file_entry(path: Path, name: str, location: str, size: int) -> Entry:
    def opener() -> IO[bytes]:
        return open(path, "rb")

    return Entry(name, location, size, opener)


def _walk_dir(root: Path, exclude: Collection[Path], skipped: list[Skipped]) -> Iterator[Entry]:
    """Regular files below ``root``, sorted. Symbolic links are not followed, and they,
    special files and folders that cannot be listed go to ``skipped`` with the reason.
    Hidden names (``.git``, ``.DS_Store``) are left out: tool metadata, not chat."""
    skip = {Path(os.path.abspath(p)) for p in exclude}
    top = Path(os.path.abspath(root))

    def onerror(exc: OSError) -> None:
        where = Path(os.path.abspath(exc.filename)) if exc.filename else top
        if where == top:
            raise ReaderError(str(root), os_reason(exc))
        skipped.append(
            Skipped(str(exc.filename), f"cannot list folder: {os_detail(exc)}; its files not read")
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        here = Path(os.path.abspath(dirpath))
        keep = []
        for d in sorted(dirnames):
            if d.startswith(".") or here / d in skip:
                continue
            full = Path(dirpath) / d
            if full.is_symlink():
                skipped.append(Skipped(str(full), SYMLINK))
                continue
            keep.append(d)
        dirnames[:] = keep
        for fname in sorted(filenames):
            if fname.startswith(".") or here / fname in skip:
                continue
            full = Path(dirpath) / fname
            try:
                st = full.lstat()
            except OSError as exc:
                skipped.append(Skipped(str(full), os_reason(exc)))
                continue
            if not stat.S_ISREG(st.st_mode):
                skipped.append(Skipped(str(full), special_file_reason(st.st_mode)))
                continue
            rel = full.relative_to(root).as_posix()
            yield _file_entry(full, rel, str(full), st.st_size)


# --- the reader seam ------------------------------------------------------------------


class Reader(Protocol):
    """One export format. ``sniff`` must be cheap and must not confuse formats."""

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]
    detection: ClassVar[str]

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> Iterator[Message | Skipped]: ...


# The toolkit, importable from here as from its own modules.
__all__ = [
    "CHINESE_ENCODINGS",
    "CSV_FIELD_LIMIT",
    "EPOCH_MS_FROM",
    "HEAD_BYTES",
    "IJSON_ERRORS",
    "JSON_LINES_SUFFIXES",
    "MAX_DIGIT_RUN",
    "MAX_JSON_DEPTH",
    "MAX_MESSAGE_CHARS",
    "MAX_NESTED_ZIP_BYTES",
    "MAX_SNIFF_LINE",
    "MAX_ZIP_DEPTH",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_TOTAL",
    "OWN_REPORT",
    "READ_ERRORS",
    "REPORT_HEAD",
    "REPORT_SUFFIXES",
    "SNIFF_ENTRIES",
    "SNIFF_JSON_CHARS",
    "SNIFF_TEXT_BYTES",
    "SYMLINK",
    "TEXT_SNIFF_ENTRIES",
    "TOO_DEEP",
    "ZIP_MAGIC",
    "ByteMeter",
    "DigitRunTooLong",
    "Entry",
    "JsonHit",
    "JsonTooDeep",
    "JsonTruncated",
    "Reader",
    "Source",
    "TextBlock",
    "Utf8Stream",
    "allow_long_csv_fields",
    "attachment_at",
    "build_value",
    "csv_rows",
    "cut_inside_string",
    "detect_encoding",
    "dm_or_group",
    "dominant_headers",
    "entry_folder",
    "entry_label",
    "epoch_ms",
    "epoch_seconds_or_ms",
    "first_char",
    "first_json_value",
    "first_line_object",
    "first_str",
    "guarded",
    "head_text",
    "header_blocks",
    "in_folder",
    "is_own_report",
    "iso_time",
    "isolated",
    "iter_lines",
    "json_id",
    "json_lines",
    "json_list",
    "json_obj",
    "json_object",
    "json_pointer",
    "json_prefix",
    "json_str",
    "json_walk",
    "load_json",
    "location_name",
    "location_parts",
    "member_name",
    "open_json",
    "open_utf8",
    "os_detail",
    "os_reason",
    "parse_events",
    "read_each",
    "read_text",
    "skip_value",
    "sniff_each",
    "sniff_text_export",
    "sniff_values",
    "special_file_reason",
    "split_author",
    "stream_values",
    "strip_eol",
    "text_lines",
]
