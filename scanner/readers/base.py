"""What every reader builds on: the input tree (file, folder or zip), decoding, the Reader seam.

An input is a ``Source``: one file, a folder, or a zip archive, seen as a flat list of
``Entry`` objects with POSIX relative names. Readers never touch the file system
directly, so a Slack export reads the same from a folder or a zip, and nothing is
unpacked to disk. Zip members are checked against traversal names and bomb limits.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO, Any, ClassVar, Protocol, cast

from scanner.errors import ReaderError
from scanner.model import Message, Skipped

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
        except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
            raise ReaderError(self.location, f"cannot open: {type(exc).__name__}") from None
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

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name if self.name else ""

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name or self.location).suffix.lower()


class Source:
    """An input path as a list of entries (file, folder or zip)."""

    def __init__(self, path: Path, entries: list[Entry], kind: str) -> None:
        self.path = path
        self.kind = kind  # "file" | "dir" | "zip"
        self.meter = ByteMeter()
        entries = [replace(e, meter=self.meter) for e in entries]
        self._entries = entries
        self._by_name = {e.name: e for e in entries}
        # Readers note here the text encodings they assumed; the report lists them.
        self.encodings: set[str] = set()
        self.depth = 1 if kind == "zip" else 0  # how many zips enclose the entries

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
    def open(cls, path: Path) -> Source:
        """Build a source for ``path``; raises ReaderError if it cannot be listed."""
        display = str(path)
        try:
            st = path.lstat()
        except OSError as exc:
            raise ReaderError(display, f"cannot read: {exc.strerror or type(exc).__name__}") from None
        if stat.S_ISLNK(st.st_mode):
            raise ReaderError(display, "is a symbolic link; not followed")
        if stat.S_ISDIR(st.st_mode):
            return cls(path, list(_walk_dir(path)), "dir")
        if not stat.S_ISREG(st.st_mode):
            raise ReaderError(display, "not a regular file")
        if zipfile.is_zipfile(path):
            return cls(path, _list_zip(str(path), display), "zip")
        if path.suffix.lower() == ".zip":
            raise ReaderError(display, "broken zip archive (no central directory; truncated?)")
        return cls(path, [_file_entry(path, "", display)], "file")

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
        source = cls(path, _list_zip(lambda: io.BytesIO(data), entry.location), "zip")
        source.depth = depth
        return source

    def is_zip_entry(self, entry: Entry) -> bool:
        return entry.suffix == ".zip" or entry.head(4) == ZIP_MAGIC

    @classmethod
    def single(cls, entry: Entry, path: Path) -> Source:
        """A source holding one entry of another source (used when a folder is split up)."""
        return cls(path, [Entry("", entry.location, entry.size, entry.opener)], "file")

    @classmethod
    def subtree(cls, parent: Source, prefix: str, path: Path) -> Source:
        """A source holding the entries of ``parent`` under ``prefix`` (a folder inside it)."""
        entries = [
            Entry(e.name[len(prefix) :], e.location, e.size, e.opener)
            for e in parent.entries()
            if e.name.startswith(prefix)
        ]
        source = cls(path, entries, parent.kind)
        source.depth = parent.depth
        return source


def _file_entry(path: Path, name: str, location: str) -> Entry:
    def opener() -> IO[bytes]:
        return open(path, "rb")

    return Entry(name, location, path.stat().st_size, opener)


def _walk_dir(root: Path) -> Iterator[Entry]:
    """Regular files below ``root``, sorted, symlinks neither followed nor listed."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            if fname.startswith("."):
                continue
            full = Path(dirpath) / fname
            try:
                st = full.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            rel = full.relative_to(root).as_posix()
            yield _file_entry(full, rel, str(full))


def _safe_member_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/", 1)[0]:
        return False
    return all(part not in ("..", "") for part in name.rstrip("/").split("/"))


ArchiveOpener = Callable[[], "str | IO[bytes]"]


def _list_zip(archive: str | ArchiveOpener, display: str) -> list[Entry]:
    """The members of a zip (a path, or an opener of an in-memory archive), bomb-checked."""
    open_archive: ArchiveOpener = (lambda: archive) if isinstance(archive, str) else archive
    try:
        zf = zipfile.ZipFile(open_archive())
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReaderError(display, f"broken zip archive: {type(exc).__name__}") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ReaderError(display, f"zip has more than {MAX_ZIP_MEMBERS} members; refused")
    total = 0
    entries: list[Entry] = []
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = info.filename
        location = f"{display}!{name}"
        if not _safe_member_name(name):
            raise ReaderError(location, "unsafe member name (absolute or '..'); archive refused")
        if stat.S_ISLNK(info.external_attr >> 16):
            continue  # symlink members are never followed
        total += info.file_size
        if total > MAX_ZIP_TOTAL:
            raise ReaderError(display, "zip expands beyond the size limit; refused as a zip bomb")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ReaderError(location, "compression ratio beyond the limit; refused as a zip bomb")
        entries.append(Entry(name, location, info.file_size, _zip_opener(open_archive, name)))
    zf.close()
    return entries


def _zip_opener(open_archive: ArchiveOpener, member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        zf = zipfile.ZipFile(open_archive())
        try:
            return cast(IO[bytes], io.BufferedReader(_ZipMemberStream(zf, zf.open(member))))
        except BaseException:
            zf.close()
            raise

    return opener


class _ZipMemberStream(io.RawIOBase):
    """A member stream that also closes its archive."""

    def __init__(self, zf: zipfile.ZipFile, fh: IO[bytes]) -> None:
        self._zf, self._fh = zf, fh

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._fh.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        return self._fh.read(-1 if size is None else size)

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
            self._zf.close()
        super().close()


# --- decoding -------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    """Guess the encoding of a text file from its first bytes: BOM, UTF-8, then charset-normalizer."""
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


class Utf8Stream(io.RawIOBase):
    """Bytes of ``fh`` decoded from ``encoding`` and re-encoded as UTF-8, for ijson.

    Undecodable bytes become U+FFFD, as in ``read_text``; a BOM is dropped.
    """

    def __init__(self, fh: IO[bytes], encoding: str, limit: int | None = None) -> None:
        self._text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        self._pending = b""
        self._first = True
        self._left = limit  # characters still to read, for sniffing

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
            self._pending += chunk.encode("utf-8", errors="replace")
        out, self._pending = self._pending[:want], self._pending[want:]
        buffer[: len(out)] = out
        return len(out)

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


def head_text(entry: Entry, n: int = HEAD_BYTES) -> str:
    head = entry.head(n)
    return head.decode(detect_encoding(head), errors="replace")


# --- the reader seam ------------------------------------------------------------------


class Reader(Protocol):
    """One export format. ``sniff`` must be cheap and must not confuse formats."""

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]
    detection: ClassVar[str]

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> Iterator[Message | Skipped]: ...
