"""The contract every reader's tests check: shared helpers for the tests/test_reader_*.py modules.

Sniffing refuses the other formats' fixtures, arbitrary (or format-shaped) bytes give only
`Message`/`Skipped` items or a `ReaderError`, and a zipped tree reads like the folder.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import Message, Skipped
from scanner.readers.base import Source


class Reader(Protocol):
    """What these helpers need of a reader."""

    @property
    def name(self) -> str: ...

    def sniff(self, source: Source) -> bool: ...

    def read(self, source: Source) -> Iterable[Message | Skipped]: ...


FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Arbitrary bytes for the "any input gives messages, skips or a ReaderError" fuzz tests.
ARBITRARY_BYTES = st.binary(max_size=2048)


# --- reading --------------------------------------------------------------------------


def read_all(reader: Reader, path: Path) -> list[Message | Skipped]:
    """Everything `reader` yields for the file or folder at `path`."""
    return list(reader.read(Source.open(path)))


def check_items(items: Iterable[object]) -> None:
    """Every item a reader yields is a Message or a Skipped."""
    for item in items:
        assert isinstance(item, Message | Skipped)


def read_any(reader: Reader, path: Path) -> None:
    """Reading `path` gives only messages and skips, or raises ReaderError."""
    try:
        items = read_all(reader, path)
    except ReaderError:
        return
    assert all(isinstance(i, Message | Skipped) for i in items)


def sniff_and_read(reader: Reader, path: Path, *, must_claim: bool = False) -> None:
    """Sniff and read `path`: only messages and skips, or ReaderError. With `must_claim`, it is claimed."""
    try:
        source = Source.open(path)
        claimed = reader.sniff(source)
        if must_claim:
            assert claimed
        check_items(reader.read(source))
    except ReaderError:
        pass


def sniff_and_read_any(reader: Reader, name: str, data: bytes | str, *, must_claim: bool = False) -> None:
    """Write `data` to a fresh file `name` (text as UTF-8), then `sniff_and_read` it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        sniff_and_read(reader, path, must_claim=must_claim)


def json_like(
    keys: Sequence[str],
    *,
    floats: bool = True,
    list_size: int = 3,
    dict_size: int = 6,
    max_leaves: int = 14,
) -> st.SearchStrategy[Any]:
    """JSON-ish values whose objects use a format's field names: for format-shaped fuzzing."""
    leaves: st.SearchStrategy[Any] = st.none() | st.booleans() | st.integers()
    if floats:
        leaves = leaves | st.floats()
    leaves = leaves | st.text(max_size=8)
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=list_size)
            | st.dictionaries(st.sampled_from(list(keys)), children, max_size=dict_size)
        ),
        max_leaves=max_leaves,
    )


# --- sniffing -------------------------------------------------------------------------


def fixture_id(path: Path) -> str:
    """A test id for a fixture path: its path under tests/fixtures."""
    return path.relative_to(FIXTURES).as_posix()


def other_fixture_paths(own_dir: str | Path, *, deep: bool = True) -> list[Path]:
    """The other formats' fixtures, which the reader for `own_dir` must refuse.

    deep: each other format's folder and everything under it (hidden names left out);
    otherwise each folder's children and, for child folders, their children.
    """
    own = Path(own_dir).name
    found: list[Path] = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != own):
        if deep:
            found.append(folder)
            found.extend(sorted(p for p in folder.rglob("*") if not p.name.startswith(".")))
            continue
        for child in sorted(folder.iterdir()):
            found.append(child)
            if child.is_dir():
                found.extend(sorted(child.iterdir()))
    return found


def assert_refuses(reader: Reader, path: Path) -> None:
    """`reader` does not claim `path`."""
    assert not reader.sniff(Source.open(path)), reader.name


def assert_refuses_written(path: Path, text: str, *readers: Reader) -> None:
    """Write `text` (UTF-8) to `path`: none of `readers` claims it."""
    path.write_text(text, encoding="utf-8")
    for reader in readers:
        assert_refuses(reader, path)


def assert_none_claim(readers: Iterable[Reader], paths: Sequence[Path]) -> None:
    """None of `readers` claims any of `paths`."""
    for reader in readers:
        assert [p for p in paths if reader.sniff(Source.open(p))] == [], reader.name


# --- archives -------------------------------------------------------------------------


def zip_tree(src_dir: Path, dest: Path, prefix: str = "") -> Path:
    """Zip every file under `src_dir` into `dest` (sorted), each named `prefix` + its relative path."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(src_dir.rglob("*")):
            if path.is_file():
                zf.write(path, f"{prefix}{path.relative_to(src_dir).as_posix()}")
    return dest
