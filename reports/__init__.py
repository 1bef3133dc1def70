"""Renderers: turn a :class:`scanner.model.ScanResult` into a report file's text.

One small module per format (``json_report``, ``html_report``, ``csv_report``,
``sarif_report``, ``markdown_report``), each reading only :mod:`scanner.model`. The
registry below is an explicit tuple so a new renderer is visible in review and a test
fails when a module exists but is not registered. A renderer's module is imported when its
format is first asked for: a scan writing JSON does not load the HTML templates' engine.

Reports hold where personal data and secrets are, so :func:`write_report` creates them
owner-only (DESIGN.md, principle 2: the report must not become the leak).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from scanner.model import ScanResult

__all__ = ["RENDERERS", "REPORT_FILE_MODE", "Renderer", "get_renderer", "write_rendered", "write_report"]

REPORT_FILE_MODE = 0o600


class Renderer(Protocol):
    """A report format: ``name`` as given to ``--format``, ``extension`` without the dot."""

    @property
    def name(self) -> str: ...

    @property
    def extension(self) -> str: ...

    def render(self, result: ScanResult) -> str:
        """The whole report as text; deterministic for a given result."""
        ...


# (format name, module, class), in the order formats are listed.
_ALL: tuple[tuple[str, str, str], ...] = (
    ("json", "reports.json_report", "JsonRenderer"),
    ("html", "reports.html_report", "HtmlRenderer"),
    ("csv", "reports.csv_report", "CsvRenderer"),
    ("sarif", "reports.sarif_report", "SarifRenderer"),
    ("md", "reports.markdown_report", "MarkdownRenderer"),
)


class _Registry(Mapping[str, Renderer]):
    """Renderer by format name; each module imported on first use."""

    def __init__(self, entries: tuple[tuple[str, str, str], ...]) -> None:
        self._entries = {name: (module, cls) for name, module, cls in entries}
        self._loaded: dict[str, Renderer] = {}

    def __getitem__(self, name: str) -> Renderer:
        renderer = self._loaded.get(name)
        if renderer is None:
            module, cls = self._entries[name]
            renderer = self._loaded[name] = getattr(importlib.import_module(module), cls)()
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


RENDERERS: Mapping[str, Renderer] = _Registry(_ALL)


def get_renderer(name: str) -> Renderer:
    """The renderer for a ``--format`` name (case-insensitive); ValueError names the known ones."""
    try:
        return RENDERERS[name.strip().lower()]
    except KeyError:
        known = ", ".join(RENDERERS)
        raise ValueError(f"unknown report format {name!r}; choose from {known}") from None


def write_report(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8) to ``path`` readable and writable by the owner only.

    A regular file is written atomically: a 0o600 temporary file in the same directory,
    flushed, then renamed over ``path``, so a reader never sees half a report and an
    existing file with looser permissions is replaced by a private one. A path that
    exists but is not a regular file (``/dev/stdout``, a FIFO) is written in place and
    its mode is left alone. Whatever stops the write (an OSError such as a full disk,
    Ctrl-C, SIGTERM raised as an exception) leaves no temporary file behind and is re-raised.
    """
    _write(path, lambda out: _write_text(text, out))


def write_rendered(renderer: Renderer, result: ScanResult, path: Path) -> None:
    """``renderer``'s report of ``result`` written to ``path`` as ``write_report`` does.

    A renderer that can write its report in pieces (``write(result, binary_file)``) streams
    it, so a report of a huge scan is never held whole in memory.
    """
    write = getattr(renderer, "write", None)
    if write is None:
        write_report(renderer.render(result), path)
    else:
        _write(path, lambda out: write(result, out))


_CHUNK = 1 << 20  # characters encoded at a time: the text is not copied whole as bytes


def _write_text(text: str, out: BinaryIO) -> None:
    for at in range(0, len(text), _CHUNK):
        out.write(text[at : at + _CHUNK].encode("utf-8"))


def _write(path: Path, emit: Callable[[BinaryIO], None]) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, REPORT_FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            emit(out)
        return

    directory = path.parent if str(path.parent) else Path(".")
    # The temporary name is chosen before the file exists, so an interruption at any point
    # after it is created (Ctrl-C, SIGTERM, a full disk) still finds and removes it: under
    # --show-values it holds the values. 96 random bits: nobody else holds the name.
    tmp = directory / f".{path.name}.{secrets.token_hex(12)}.tmp"
    try:
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), REPORT_FILE_MODE
        )
    except FileExistsError:
        raise  # not ours: never removed
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # created just before the interruption, or absent
        raise
    try:
        with os.fdopen(fd, "wb", buffering=_CHUNK) as out:
            # The umask can only take bits away; this makes the mode exactly owner-only.
            os.fchmod(out.fileno(), REPORT_FILE_MODE)
            emit(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # Already 0o600 from the temporary file; repeated in case a filesystem did not keep it.
    os.chmod(path, REPORT_FILE_MODE)
