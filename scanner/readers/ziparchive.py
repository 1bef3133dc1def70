"""Zip archives as lists of entries: safe member names, bomb limits, one open handle."""

from __future__ import annotations

import functools
import re
import stat
import threading
import weakref
import zipfile
from collections.abc import Callable
from typing import IO, Any

from scanner.errors import ReaderError
from scanner.model import Skipped
from scanner.readers.entry import Entry
from scanner.readers.oserrors import SYMLINK

# Zip-bomb limits: a member may expand at most this much relative to its compressed size,
# and one archive at most this much in total. Real chat exports compress text about 5-15x.
MAX_ZIP_RATIO = 200
MAX_ZIP_TOTAL = 16 * 1024**3
MAX_ZIP_MEMBERS = 1_000_000


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


def _hidden(name: str) -> bool:
    """Tool metadata, not chat, left out as in a folder: hidden names (``.DS_Store``) and the
    resource forks macOS's Finder adds to every zip it makes (``__MACOSX/…/._result.json``)."""
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/"))


ArchiveOpener = Callable[[], "str | IO[bytes]"]


class Archive:
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


def list_zip(archive: Archive, display: str) -> tuple[list[Entry], list[Skipped]]:
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
        if _hidden(name):
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
