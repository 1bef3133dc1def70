"""What every reader builds on: the input tree (file, folder or zip), decoding, the Reader seam.

An input is a ``Source``: one file, a folder, or a zip archive, seen as a flat list of
``Entry`` objects with POSIX relative names. Readers never touch the file system
directly, so a Slack export reads the same from a folder or a zip, and nothing is
unpacked to disk. Zip members are checked against traversal names and bomb limits.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import os
import re
import stat
import sys
import threading
import weakref
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Generator, Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any, ClassVar, Generic, Protocol, TypeVar, cast

import ijson

from scanner.errors import ReaderError
from scanner.model import Attachment, Conversation, ConversationKind, Message, Skipped

# Zip-bomb limits: a member may expand at most this much relative to its compressed size,
# and one archive at most this much in total. Real chat exports compress text about 5-15x.
MAX_ZIP_RATIO = 200
MAX_ZIP_TOTAL = 16 * 1024**3
MAX_ZIP_MEMBERS = 1_000_000
# Zips inside zips (a WhatsApp export zipped into a folder that was zipped …): read in
# memory, never unpacked to disk, up to this depth and size.
MAX_ZIP_DEPTH = 3
MAX_NESTED_ZIP_BYTES = 512 * 1024**2
ZIP_MAGIC = b"PK\x03\x04"
HEAD_BYTES = 64 * 1024


class ByteMeter:
    """Bytes read so far from an input's entries: drives the progress bar's ETA."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


class _Counted(io.RawIOBase):
    def __init__(self, fh: IO[bytes], meter: ByteMeter) -> None:
        self._fh, self._meter = fh, meter

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._fh.read(len(b))
        n = len(data)
        b[:n] = data
        self._meter.n += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()


@dataclass(frozen=True, slots=True)
class Entry:
    """One file inside an input. ``name`` is relative (POSIX), '' for a single-file input."""

    name: str
    location: str
    size: int
    opener: Callable[[], IO[bytes]]
    meter: ByteMeter | None = None

    def open(self) -> IO[bytes]:
        try:
            fh = self.opener()
        except OSError as exc:
            raise ReaderError(self.location, os_reason(exc)) from None
        except zipfile.BadZipFile:
            raise ReaderError(self.location, "cannot read: damaged zip member") from None
        except RuntimeError:
            # zipfile's only RuntimeError on opening a member: it is encrypted.
            raise ReaderError(self.location, "cannot read: encrypted zip member (password needed)") from None
        except NotImplementedError:
            raise ReaderError(self.location, "cannot read: zip compression method not supported") from None
        if self.meter is None:
            return fh
        return cast(IO[bytes], io.BufferedReader(_Counted(fh, self.meter)))

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` bytes, for sniffing; empty on any error."""
        try:
            with self.open() as fh:
                return fh.read(n)
        except ReaderError:
            return b""
        except READ_ERRORS:
            return b""

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name if self.name else ""

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name or self.location).suffix.lower()


def os_reason(exc: OSError) -> str:
    """Why a file could not be read, in words a person can act on (never content)."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return f"cannot read: {os_detail(exc)}"


def os_detail(exc: OSError) -> str:
    """The operating system's reason, lower case: "permission denied", "no such file or folder" …"""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    text = exc.strerror or type(exc).__name__
    return f"{text[:1].lower()}{text[1:]}"


# The reason our own reports carry when they turn up inside an input tree. They are not
# input, so they are not "unread" either: ``Source.reports`` lists them, ``Source.skipped``
# does not, and a scan that only met them still passes its gate.
OWN_REPORT = "a chatsweep report; not read as input"
# Report formats we write, by suffix; the content decides, the suffix only saves reading
# the head of every file.
REPORT_SUFFIXES = frozenset({".json", ".html", ".htm", ".csv", ".sarif", ".md", ".markdown", ".txt"})
REPORT_HEAD = 4096
# Markers in the first REPORT_HEAD bytes of each report format we render. JSON markers
# need the quotes unescaped, which no JSON string value (a chat message) can hold.
_REPORT_MARKERS = (
    re.compile(rb'\A\s*\{.*?"tool"\s*:\s*\{\s*"name"\s*:\s*"chatsweep"', re.S),  # JSON report
    re.compile(rb'\A\s*\{.*?"driver"\s*:\s*\{\s*"name"\s*:\s*"chatsweep"', re.S),  # SARIF
    re.compile(rb'<meta\s+name="generator"\s+content="chatsweep[\s"]', re.I),  # HTML
    re.compile(rb"<title>chatsweep leak report", re.I),  # HTML, should the generator go
    re.compile(rb"\A(?:\xef\xbb\xbf)?finding_id,rule,entity_type,"),  # CSV header
    re.compile(
        rb"\A(?:\xef\xbb\xbf)?platform,input,conversation,conversation_id,message_id,"
    ),  # deletion list
    re.compile(rb"\A(?:\xef\xbb\xbf)?\s*# chatsweep leak report"),  # Markdown
)


def is_own_report(entry: Entry) -> bool:
    """Whether ``entry`` is a report chatsweep wrote (JSON, SARIF, HTML, CSV or Markdown)."""
    if entry.suffix not in REPORT_SUFFIXES or entry.size == 0:
        return False
    head = entry.head(REPORT_HEAD)
    return any(marker.search(head) for marker in _REPORT_MARKERS)


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
        archive: _Archive | None = None,
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
            archive = _Archive(str(path))
            entries, skipped = _list_zip(archive, display)
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
        archive = _Archive(lambda: io.BytesIO(data))
        entries, skipped = _list_zip(archive, entry.location)
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


SYMLINK = "symbolic link; not followed"


def special_file_reason(mode: int) -> str:
    """Why a file system object that is not a regular file is not read."""
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file; not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file; not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file; not read"
    return "not a regular file; not read"


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


_DRIVE = re.compile(r"[A-Za-z]:")


def member_name(raw: str) -> str | None:
    """A zip member's name as a relative POSIX path, or None when it is unsafe.

    The zip spec (APPNOTE 4.4.17) says '/', but Windows tools (.NET's ZipFile before 4.6.1,
    older PowerShell Compress-Archive) write '\\' between folders, and a backslash in a real
    chat file name is rare: so '\\' separates folders too. That also makes ``..\\..\\x`` the
    traversal it is on Windows. Unsafe: '..' as a part, an absolute name, a drive letter.
    A colon elsewhere (``meeting 12:30.jsonl``) is harmless: nothing is written to disk.
    """
    name = raw.replace("\\", "/")
    if not name or name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


ArchiveOpener = Callable[[], "str | IO[bytes]"]


class _Archive:
    """One zip archive, its central directory parsed once and kept open for the source's life.

    Reopening the archive for each member parsed the whole central directory every time:
    quadratic in the number of members (hours for a 50,000-member export). zipfile lets
    several members be open at once on one ``ZipFile`` (it seeks under a lock per read).
    """

    def __init__(self, archive: str | ArchiveOpener) -> None:
        self._open: ArchiveOpener = (lambda: archive) if isinstance(archive, str) else archive
        self._zf: zipfile.ZipFile | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._lock = threading.Lock()

    def handle(self) -> zipfile.ZipFile:
        with self._lock:
            if self._zf is None:
                zf = zipfile.ZipFile(self._open())
                self._zf = zf
                self._finalizer = weakref.finalize(self, zf.close)
            return self._zf

    def open_member(self, info: zipfile.ZipInfo) -> IO[bytes]:
        return self.handle().open(info)

    def close(self) -> None:
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()  # closes the ZipFile once; open member streams keep working
            self._zf = self._finalizer = None


def _list_zip(archive: _Archive, display: str) -> tuple[list[Entry], list[Skipped]]:
    """The members of a zip, bomb-checked, and the members not read (unsafe names, links)."""
    try:
        infos = archive.handle().infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReaderError(display, f"broken zip archive: {type(exc).__name__}") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ReaderError(display, f"zip has more than {MAX_ZIP_MEMBERS} members; refused")
    total = 0
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir():
            continue
        location = f"{display}!{info.filename}"
        name = member_name(info.filename)
        if name is None:
            skipped.append(Skipped(location, "unsafe member name (absolute, drive letter or '..'); not read"))
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            skipped.append(Skipped(location, SYMLINK))
            continue
        total += info.file_size
        if total > MAX_ZIP_TOTAL:
            raise ReaderError(display, "zip expands beyond the size limit; refused as a zip bomb")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ReaderError(location, "compression ratio beyond the limit; refused as a zip bomb")
        entries.append(Entry(name, location, info.file_size, functools.partial(archive.open_member, info)))
    entries.sort(key=lambda e: e.name)
    return entries, skipped


# --- decoding -------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes, prefer: tuple[str, ...] = ()) -> str:
    """Guess the encoding of a text file from its first bytes: BOM, UTF-8, then charset-normalizer.

    ``prefer`` names the encodings the exporting application is known to write, most likely
    first (``CHINESE_ENCODINGS`` for a Chinese application). charset-normalizer often takes
    short text in them for something else (short GB18030 for Korean cp949 or a Latin code
    page), so when its guess is neither Unicode nor one of ``prefer``, the first of ``prefer``
    that decodes the bytes (a character cut by the end of ``head`` allowed) wins.
    """
    guess = _detect(head)
    return _preferred(head, guess, prefer) if prefer else guess


# The encodings of Chinese applications' exports (QQ, WeChat): GB18030 first, as it covers
# GBK and GB2312 and decodes whatever bytes the others decode.
CHINESE_ENCODINGS = ("gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp936")


def _preferred(head: bytes, guess: str, prefer: tuple[str, ...]) -> str:
    try:
        norm = codecs.lookup(guess).name
    except LookupError:
        return guess
    if norm.startswith("utf") or norm in {codecs.lookup(p).name for p in prefer}:
        return guess
    for enc in prefer:
        for cut in range(4):  # the head may end inside a character
            try:
                head[: len(head) - cut].decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    return guess


def _detect(head: bytes) -> str:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    if not head:
        return "utf-8"
    # UTF-16 without a BOM: many NULs in alternating positions.
    if head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the head boundary
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        return "utf-8"
    # Single-byte Latin code pages are hard to tell apart on short samples; Windows-1252 is
    # by far the most common in chat exports, so it wins whenever it decodes the bytes.
    if best.encoding in _LATIN_SINGLE_BYTE:
        try:
            head.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding


_LATIN_SINGLE_BYTE = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_9", "iso8859_15", "mac_latin2"}
)


def read_text(entry: Entry) -> tuple[str, str]:
    """Decode a whole (text) entry; returns (text, encoding). Undecodable bytes become U+FFFD."""
    with entry.open() as fh:
        data = fh.read()
    enc = detect_encoding(data[:HEAD_BYTES])
    return data.decode(enc, errors="replace"), enc


def iter_lines(entry: Entry) -> tuple[Iterator[str], str]:
    """Stream decoded lines (newline kept) of an entry, and the encoding assumed."""
    enc = detect_encoding(entry.head())
    fh = entry.open()

    def gen() -> Iterator[str]:
        with io.TextIOWrapper(fh, encoding=enc, errors="replace", newline="") as text:
            yield from text

    return gen(), enc


def load_json(entry: Entry) -> Any:
    """Parse a (small) JSON entry; raises ReaderError with the location on bad JSON."""
    text, _ = read_text(entry)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderError(entry.location, f"invalid JSON at line {exc.lineno} column {exc.colno}") from None


# ijson's C backend (yajl2_c) crashes the interpreter (SIGSEGV) when int() refuses a number
# longer than Python's int-string limit (4,300 digits by default). So the limit is raised to a
# size that still converts in milliseconds, and every stream fed to ijson refuses a longer run
# of digits before the parser sees it (a message holding 100,000 digits in a row is no chat).
MAX_DIGIT_RUN = 100_000
if 0 < sys.get_int_max_str_digits() < MAX_DIGIT_RUN + 1:
    sys.set_int_max_str_digits(MAX_DIGIT_RUN + 1)
_ASCII_DIGITS = "0123456789"
# A run longer than the limit, tried only where a run starts (the look-behind), so a run
# just under the limit is scanned once, not once per digit.
_LONG_DIGIT_RUN = re.compile(rf"(?<![0-9])[0-9]{{{MAX_DIGIT_RUN + 1}}}")


class DigitRunTooLong(ValueError):
    """A run of digits longer than MAX_DIGIT_RUN: refused before ijson parses it."""


class Utf8Stream(io.RawIOBase):
    """Bytes of ``fh`` decoded from ``encoding`` and re-encoded as UTF-8, for ijson.

    Undecodable bytes become U+FFFD, as in ``read_text``; a BOM is dropped. A run of more
    than MAX_DIGIT_RUN digits raises DigitRunTooLong (a ValueError, so IJSON_ERRORS covers it).
    """

    def __init__(self, fh: IO[bytes], encoding: str, limit: int | None = None) -> None:
        self._text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        self._pending = b""
        self._first = True
        self._left = limit  # characters still to read, for sniffing
        self._run = 0  # digits at the end of what was read so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = len(buffer)
        while len(self._pending) < want:
            size = max(want // 4, 1)
            if self._left is not None:
                size = min(size, self._left)
                if size <= 0:
                    break
                self._left -= size
            chunk = self._text.read(size)
            if not chunk:
                break
            if self._first:
                chunk, self._first = chunk.removeprefix("\ufeff"), False
            self._check_digits(chunk)
            self._pending += chunk.encode("utf-8", errors="replace")
        out, self._pending = self._pending[:want], self._pending[want:]
        buffer[: len(out)] = out
        return len(out)

    def _check_digits(self, chunk: str) -> None:
        # Runs are found by the regex engine, not one match object per run in Python: chat
        # text is full of short numbers, and that loop was most of the time spent reading.
        lead = len(chunk) - len(chunk.lstrip(_ASCII_DIGITS))
        if self._run + lead > MAX_DIGIT_RUN or _LONG_DIGIT_RUN.search(chunk):
            raise DigitRunTooLong(f"a number longer than {MAX_DIGIT_RUN} digits")
        tail = len(chunk) - len(chunk.rstrip(_ASCII_DIGITS))
        self._run = tail + (self._run if tail == len(chunk) else 0)

    def close(self) -> None:
        if not self.closed:
            self._text.close()
        super().close()


def open_utf8(entry: Entry, limit: int | None = None) -> tuple[IO[bytes], str]:
    """A UTF-8 byte stream of ``entry`` whatever its encoding (for ijson), and the encoding assumed.

    ``limit`` caps the characters read (for sniffing).
    """
    enc = detect_encoding(entry.head(HEAD_BYTES))
    return io.BufferedReader(Utf8Stream(entry.open(), enc, limit)), enc


def head_text(entry: Entry, n: int = HEAD_BYTES, prefer: tuple[str, ...] = ()) -> str:
    """The first ``n`` bytes of an entry, decoded (for sniffing); see ``detect_encoding``."""
    head = entry.head(n)
    return head.decode(detect_encoding(head, prefer), errors="replace")


def first_char(entry: Entry) -> str:
    """The first character that is not white space or a BOM, in the file's own encoding."""
    return head_text(entry, 256).lstrip("\ufeff \t\r\n")[:1]


def text_lines(entry: Entry, encoding: str) -> Iterator[str]:
    """Decoded lines of an entry without their line ends, a leading BOM dropped.

    With ``newline=""`` a line ends in exactly one of ``\\n``, ``\\r\\n``, ``\\r``, so stripping
    both characters is exact.
    """
    fh = entry.open()
    with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
        for n, raw in enumerate(text):
            yield raw.rstrip("\r\n").lstrip("\ufeff") if n == 0 else raw.rstrip("\r\n")


def strip_eol(line: str) -> str:
    """A line without its line end (one of ``\\r\\n``, ``\\n``, ``\\r``)."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


# --- reading entries ------------------------------------------------------------------

# What a stream read mid-file raises when the file or the archive is damaged (zip CRC errors).
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


def guarded(location: str, items: Iterator[Message | Skipped]) -> Iterator[Message | Skipped]:
    """``items``, with a read failure part-way (I/O error, damaged zip member) turned into a
    ``ReaderError`` at ``location``, so the caller skips the file and goes on with the rest."""
    try:
        yield from items
    except READ_ERRORS as exc:
        raise ReaderError(location, f"read failed: {type(exc).__name__}") from None


def entry_label(source: Source, entry: Entry) -> str:
    """The entry's path inside the input (a zip's wrapping folder left out), or the file's own
    name for a single-file input: what ``<file>#<index>`` ids name, the same for a folder and
    its zip."""
    label = entry.name.removeprefix(source.strip_root()) if entry.name else ""
    return label or PurePosixPath(source.path.as_posix().rpartition("!")[2]).name


def location_parts(location: str) -> list[str]:
    """The non-empty parts of a location: folders, zips, zip members and the file itself
    (``/``, ``\\\\`` and ``!`` all separate)."""
    return [p for p in re.split(r"[/\\!]", location) if p]


def location_name(location: str) -> str:
    """The file name a location ends in ('' for an empty location)."""
    parts = location_parts(location)
    return parts[-1] if parts else ""


def entry_folder(entry: Entry) -> str:
    """The entry's folder inside the input with a trailing slash, '' at the top."""
    folder = entry.name.rpartition("/")[0]
    return f"{folder}/" if folder else ""


def in_folder(name: str, folders: Collection[str]) -> bool:
    """Whether one of the folders ``name`` lies in (not the file itself) is named in ``folders``."""
    return any(part in folders for part in name.split("/")[:-1])


def attachment_at(source: Source, member: str | None, name: str, mime: str | None = None) -> Attachment:
    """An attachment named ``name``, with the size and path of ``member`` when the input (a
    folder or zip, not a single file) holds that file."""
    found = source.get(member) if member is not None and source.kind != "file" else None
    if found is None:
        return Attachment(name=name, mime=mime)
    return Attachment(name=name, size=found.size, mime=mime, path=member)


def dm_or_group(
    cid: str, name: str, group: bool, members: Collection[str] = (), group_size: int | None = None
) -> Conversation:
    """A chat that is either a DM of two or a group (of ``group_size`` members; None: the export
    does not say). ``members`` are the names seen, listed sorted."""
    return Conversation(
        id=cid,
        name=name,
        kind=ConversationKind.GROUP if group else ConversationKind.DM,
        member_count=group_size if group else 2,
        members=tuple(sorted(members)),
    )


# --- values of parsed JSON --------------------------------------------------------------


def json_str(value: Any) -> str:
    """The value if it is a string, else ''."""
    return value if isinstance(value, str) else ""


def json_obj(value: Any) -> dict[str, Any]:
    """The value if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


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


# --- streaming JSON (ijson) -------------------------------------------------------------
#
# Exports reach gigabytes, so JSON is streamed: only the values a reader wants are built,
# one at a time. Two tools, both capped at MAX_JSON_DEPTH levels so hostile nesting cannot
# grow memory or the stack: ``stream_values`` picks values by their ijson prefix, and
# ``build_value``/``skip_value`` build or pass over the value at the cursor of a
# ``basic_parse`` event stream, for readers that walk the structure themselves (ijson's
# ``items`` keeps a prefix string per level: quadratic in the depth of hostile input).

# Real exports nest fewer than 10 levels.
MAX_JSON_DEPTH = 256
# What ijson raises on bad input; yajl2_c reports an integer too long for int() as
# SystemError (wrapping the ValueError). ijson's messages quote the input: a reason built
# from them would leak content, so readers say where the break is, never what it read.
IJSON_ERRORS = (ijson.JSONError, ValueError, SystemError)
# What ``build_value`` returns for a value nested deeper than its cap.
TOO_DEEP: Any = object()


class JsonTooDeep(Exception):
    """The document nests deeper than MAX_JSON_DEPTH (hostile input; never recursed into)."""


class JsonTruncated(ValueError):
    """The events ended inside a value (ijson normally raises first; this is the fallback).

    A ValueError, so ``IJSON_ERRORS`` covers it.
    """


def open_json(source: Source, entry: Entry) -> Generator[Skipped, None, IO[bytes] | None]:
    """The entry as a UTF-8 stream for ijson, its encoding noted on the source.

    When it cannot be opened, yields the Skipped and returns None; use it as
    ``stream = yield from open_json(source, entry)`` in a reader's generator.
    """
    try:
        stream, encoding = open_utf8(entry)
    except ReaderError as exc:
        yield Skipped(exc.location, exc.reason)
        return None
    source.encodings.add(encoding)
    return stream


def parse_events(stream: IO[bytes]) -> Iterator[tuple[str, str, Any]]:
    """``ijson.parse``'s ``(prefix, event, value)`` events, in time and memory linear in the input.

    ijson's own ``parse`` joins the whole path into every event's prefix, and its C backend
    makes the events of a whole read buffer before the first is seen: 100 KB of ``[`` cost
    minutes and gigabytes before a depth check could stop them. Here each level's prefix is
    made once, and nesting beyond MAX_JSON_DEPTH raises JsonTooDeep. ijson errors propagate.
    """
    prefixes = [""]  # prefixes[-1]: the prefix of the values at the current level
    for event, value in ijson.basic_parse(stream):
        if event == "map_key":
            parent = prefixes[-2]
            yield parent, event, value
            prefixes[-1] = f"{parent}.{value}" if len(prefixes) > 2 else value
        elif event == "start_map" or event == "start_array":
            if len(prefixes) > MAX_JSON_DEPTH:
                raise JsonTooDeep
            here = prefixes[-1]
            yield here, event, value
            if event == "start_map":
                prefixes.append(here)  # replaced by the first key's prefix
            else:
                prefixes.append(f"{here}.item" if here else "item")
        elif event == "end_map" or event == "end_array":
            prefixes.pop()
            yield prefixes[-1], event, value
        else:
            yield prefixes[-1], event, value


def stream_values(stream: IO[bytes], wanted: frozenset[str]) -> Iterator[tuple[str, tuple[int, ...], Any]]:
    """Yield ``(prefix, indices, value)`` for every value whose ijson prefix is in ``wanted``.

    ``indices`` are the positions of the value in each enclosing array, outermost first (for
    JSON pointers); a prefix ending in ``item`` matches only an array element (not a key
    named "item"). Only wanted values are built, one at a time, so memory holds one record,
    not the file. ijson errors propagate; nesting beyond MAX_JSON_DEPTH raises JsonTooDeep.
    """
    is_array: list[bool] = []
    index: list[int] = []
    builder: Any = None
    built_prefix = ""
    built_at: tuple[int, ...] = ()
    built_depth = 0
    for prefix, event, value in parse_events(stream):
        if event == "end_map" or event == "end_array":
            is_array.pop()
            index.pop()
            if builder is not None:
                builder.event(event, value)
                if len(is_array) == built_depth:
                    yield built_prefix, built_at, builder.value
                    builder = None
            continue
        if event == "map_key":
            if builder is not None:
                builder.event(event, value)
            continue
        if is_array and is_array[-1]:
            index[-1] += 1
        starts = event == "start_map" or event == "start_array"
        if builder is not None:
            builder.event(event, value)
        elif prefix in wanted and (not prefix.endswith("item") or (is_array and is_array[-1])):
            at = tuple(i for a, i in zip(is_array, index, strict=True) if a)
            if starts:
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                built_prefix, built_at, built_depth = prefix, at, len(is_array)
            else:
                yield prefix, at, value
        if starts:
            if len(is_array) >= MAX_JSON_DEPTH:
                raise JsonTooDeep
            is_array.append(event == "start_array")
            index.append(-1)


def build_value(event: str, value: Any, events: Iterator[tuple[str, Any]], max_depth: int) -> Any:
    """The value that ``event`` (a ``basic_parse`` event) starts, built from the following
    events; a scalar as it is. ``TOO_DEEP`` when it nests more than ``max_depth`` levels (the
    events are then left inside it); raises JsonTruncated when the events end inside it.

    ijson's ObjectBuilder, inlined: this loop is where reading a large export spends its time.
    """
    if event != "start_map" and event != "start_array":
        return value
    top: dict[str, Any] | list[Any] = {} if event == "start_map" else []
    stack: list[dict[str, Any] | list[Any]] = [top]
    key = ""
    for ev, val in events:
        if ev == "map_key":
            key = val
            continue
        if ev == "end_map" or ev == "end_array":
            stack.pop()
            if not stack:
                return top
            continue
        parent = stack[-1]
        item: Any = val
        if ev == "start_map" or ev == "start_array":
            if len(stack) >= max_depth:
                return TOO_DEEP
            item = {} if ev == "start_map" else []
            stack.append(item)
        if isinstance(parent, dict):
            parent[key] = item
        else:
            parent.append(item)
    raise JsonTruncated


def skip_value(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Consume the value that ``event`` starts without building it; JsonTruncated when the
    events end inside it."""
    if event != "start_map" and event != "start_array":
        return
    depth = 1
    for ev, _ in events:
        if ev == "start_map" or ev == "start_array":
            depth += 1
        elif ev == "end_map" or ev == "end_array":
            depth -= 1
            if depth == 0:
                return
    raise JsonTruncated


def first_json_value(entry: Entry, limit: int) -> Any:
    """The first top-level JSON value among the entry's first ``limit`` characters, for
    sniffing: a value cut by the limit (or broken) as far as it was read; None when the entry
    cannot be read or the value nests deeper than MAX_JSON_DEPTH."""
    try:
        stream, _ = open_utf8(entry, limit)
    except ReaderError:
        return None
    builder = ijson.ObjectBuilder()
    depth = 0
    with stream:
        try:
            for event, value in ijson.basic_parse(stream, multiple_values=True):
                depth += event in ("start_map", "start_array")
                depth -= event in ("end_map", "end_array")
                if depth > MAX_JSON_DEPTH:
                    return None
                builder.event(event, value)
                if depth == 0:
                    break  # the first top-level value is enough
        except IJSON_ERRORS:
            pass  # cut by the limit: judge what was read
    return getattr(builder, "value", None)


# --- JSON Lines and CSV -----------------------------------------------------------------


def json_object(line: str | None) -> dict[str, Any] | None:
    """A line parsed as a JSON object (sniffing JSON Lines); None when it is not one."""
    if line is None or not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def json_lines(entry: Entry, lines: Iterable[str]) -> Iterator[tuple[int, str, Any] | Skipped]:
    """``(line number, location, value)`` for each non-blank line of a JSON Lines file, or a
    Skipped for a line that is not JSON (saying the column, never the content). ``lines`` are
    the entry's decoded lines (``iter_lines``); a BOM on the first is dropped."""
    for n, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff") if n == 1 else raw
        if not line.strip():
            continue
        location = f"{entry.location}:{n}"
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            col = getattr(exc, "colno", None)
            yield Skipped(location, f"invalid JSON at column {col}" if col else "invalid JSON")
            continue
        yield n, location, value


# A CSV field may hold a long message (a pasted log), and a long message is text to scan,
# not hostile structure: the csv module's default limit (128 KiB) would refuse it as a
# malformed row. The largest value a C long holds on every platform: in effect no limit.
CSV_FIELD_LIMIT = 2**31 - 1


def allow_long_csv_fields() -> None:
    """Raise the csv module's field size limit to CSV_FIELD_LIMIT (it is process-wide)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(
    entry: Entry, lines: Iterable[str], delimiter: str = ","
) -> Iterator[tuple[int, list[str]] | Skipped]:
    """``(start line, row)`` for each non-blank row of a CSV file (a row may span lines), or a
    Skipped for a malformed one. ``lines`` are decoded lines with their line ends."""
    allow_long_csv_fields()
    rows = csv.reader(lines, delimiter=delimiter)
    end = 0  # the physical line the previous row ended on
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error:
            end = rows.line_num
            yield Skipped(f"{entry.location}:{start}", "malformed CSV row")
            continue
        end = rows.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield start, row


# --- line-oriented text exports (a header line starts each message) --------------------


class _Shaped(Protocol):
    @property
    def shape(self) -> Hashable: ...


_H = TypeVar("_H", bound=_Shaped)
_T = TypeVar("_T")


def dominant_headers(lines: Iterable[str], parse: Callable[[str], _H | None], window: int) -> Iterator[_H]:
    """The header lines of the file's dominant shape, in file order.

    ``parse`` reads a line (without its line end) as a header, or None. A pasted line from
    another chat, or a date at the start of a body line, also parses as a header; exports
    are uniform, so the shape most common among the first ``window`` headers (ties: the one
    seen first) is the file's, and only headers of that shape are yielded.
    """
    decided = False
    dominant: Hashable = None
    pending: list[_H] = []  # the first headers, until the shape is decided
    for raw in lines:
        h = parse(strip_eol(raw))
        if h is None:
            continue
        if decided:
            if h.shape == dominant:
                yield h
            continue
        pending.append(h)
        if len(pending) < window:
            continue
        dominant, decided = _most_common(p.shape for p in pending), True
        yield from (p for p in pending if p.shape == dominant)
        pending.clear()
    if not decided and pending:
        dominant = _most_common(p.shape for p in pending)
        yield from (p for p in pending if p.shape == dominant)


def _most_common(shapes: Iterable[Hashable]) -> Hashable:
    """The most common shape; ties go to the one seen first (Counter keeps insertion order)."""
    counts = Counter(shapes)
    best = max(counts.values())
    return next(shape for shape, n in counts.items() if n == best)


@dataclass(slots=True)
class TextBlock(Generic[_T]):
    """One message of a line-oriented export: its header, where it starts, its text lines."""

    header: _T
    line: int  # 1-based line the message (or this part of a long one) starts on
    parts: list[str]
    size: int  # characters in ``parts``, line breaks counted


def header_blocks(
    entry: Entry,
    lines: Iterable[str],
    start: Callable[[str], _T | None],
    body: Callable[[_T], str],
    max_chars: int,
) -> Iterator[TextBlock[_T] | Skipped]:
    """The messages of a line-oriented export, in order: a line for which ``start`` gives a
    header starts one (``body`` gives the text on that line), every other line continues it.

    Non-empty lines before the first header are reported as one Skipped. A message longer
    than ``max_chars`` is cut at a line boundary, so one header followed by gigabytes of lines
    cannot exhaust memory: each part keeps the header and starts at its own line.
    """
    current: TextBlock[_T] | None = None
    preamble = 0
    for n, raw in enumerate(lines, start=1):
        line = strip_eol(raw)
        h = start(line)
        if h is not None:
            if current is not None:
                yield current
            elif preamble:
                yield Skipped(f"{entry.location}:1", f"{preamble} non-empty line(s) before the first header")
            text = body(h)
            current = TextBlock(h, n, [text], len(text))
        elif current is None:
            preamble += bool(line.strip())
        elif current.size + len(line) > max_chars:
            yield current
            current = TextBlock(current.header, n, [line], len(line))
        else:
            current.parts.append(line)
            current.size += len(line) + 1
    if current is not None:
        yield current


def split_author(rest: str) -> tuple[str | None, str]:
    """``Name: text`` → (name, text); a line without ``Name: `` → (None, rest), a notice.

    The name ends at the first ": " (a body may hold more colons). ``Name:`` at the end of
    the line, its only colon, is a message whose body starts on the next line.
    """
    i = rest.find(": ")
    if i > 0:
        return rest[:i], rest[i + 2 :]
    if len(rest) > 1 and rest.endswith(":") and rest.find(":") == len(rest) - 1:
        return rest[:-1], ""
    return None, rest


# --- the reader seam ------------------------------------------------------------------


class Reader(Protocol):
    """One export format. ``sniff`` must be cheap and must not confuse formats."""

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]
    detection: ClassVar[str]

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> Iterator[Message | Skipped]: ...


TEXT_SNIFF_ENTRIES = 20


def sniff_text_export(source: Source, looks_like: Callable[[Entry], bool]) -> bool:
    """Sniff for one-file-per-chat text formats: the file itself, or a folder/zip of nothing
    but ``.txt`` files whose first ``TEXT_SNIFF_ENTRIES`` all look like that format."""
    entries = source.entries()
    if source.kind == "file":
        return len(entries) == 1 and looks_like(entries[0])
    if not entries or any(e.suffix != ".txt" for e in entries):
        return False
    return all(looks_like(e) for e in entries[:TEXT_SNIFF_ENTRIES])


# --- the first record of a JSON Lines file ----------------------------------------------


# A JSON string (possessive: an unterminated one fails at once), a bracket, or a lone quote:
# the start of a string that runs past the end of the text.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]|"')


def cut_inside_string(text: str, max_depth: int) -> bool:
    """Whether JSON ``text`` (a head cut from a longer document) ends inside a string nested
    at most ``max_depth`` levels deep: a long field of a record, like a pasted log, rather
    than a large structure. Sniffers read on past their window only then."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok == '"':
            return 0 < depth <= max_depth
        if tok in "{[":
            depth += 1
        elif tok in "}]":
            depth -= 1
    return False


# Names that say "one JSON value a line": the first line of such a file is read on past the
# head whatever it holds (a record with 200,000 members or attachments is still one record).
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
# The longest first line read to sniff a JSON Lines file (characters): a first record is read
# whole up to here, never a whole minified document into memory.
MAX_SNIFF_LINE = 64 * 1024 * 1024


def first_line_object(entry: Entry) -> dict[str, Any] | None:
    """The first non-blank line of a JSON Lines entry, parsed, if it is one JSON object.

    A first line longer than HEAD_BYTES is read whole (up to MAX_SNIFF_LINE characters; memory
    holds that line only) when the entry is named as JSON Lines (``.jsonl``, ``.ndjson``), or
    when the head ends inside a string field of the object (a 10 MB pasted log in ``text``).
    Otherwise a head that ends inside nested structure is a large JSON document, not JSON
    Lines, and is never read whole to find out. (Not ijson: its C lexer rescans a token that
    spans its read buffer, so one long string costs time quadratic in its length.) None when
    the line is not a JSON object or cannot be read.
    """
    head = entry.head()
    encoding = detect_encoding(head)
    start = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if not start.startswith("{"):
        return None
    named_lines = entry.suffix in JSON_LINES_SUFFIXES
    if "\n" not in start and len(head) >= HEAD_BYTES and not named_lines and not cut_inside_string(start, 2):
        return None
    try:
        fh = entry.open()
    except ReaderError:
        return None
    try:
        with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
            while True:
                raw = text.readline(MAX_SNIFF_LINE + 1)
                if not raw:
                    return None
                if len(raw) > MAX_SNIFF_LINE:
                    return None  # longer than any record we sniff: not read on
                line = raw.strip().lstrip("\ufeff")
                if line:
                    return json_object(line)
    except READ_ERRORS:
        return None
