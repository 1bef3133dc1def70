"""One file inside an input (a file, a folder member or a zip member), opened on demand."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any, cast

from scanner.errors import ReaderError
from scanner.readers.limits import HEAD_BYTES
from scanner.readers.oserrors import READ_ERRORS, os_reason


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
