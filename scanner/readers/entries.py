"""Reading the entries of an input: error isolation, labels, folders, attachments found beside."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from scanner.errors import ReaderError
from scanner.model import Attachment, Conversation, ConversationKind, Message, Skipped
from scanner.readers.limits import HEAD_BYTES, SNIFF_ENTRIES
from scanner.readers.oserrors import READ_ERRORS

if TYPE_CHECKING:
    from scanner.readers.base import Entry, Source


def guarded(location: str, items: Iterator[Message | Skipped]) -> Iterator[Message | Skipped]:
    """``items``, with a read failure part-way (I/O error, damaged zip member) turned into a
    ``ReaderError`` at ``location``, so the caller skips the file and goes on with the rest."""
    try:
        yield from items
    except READ_ERRORS as exc:
        raise ReaderError(location, f"read failed: {type(exc).__name__}") from None


Items = Iterator[Message | Skipped]


def isolated(entry: Entry, read: Callable[[Entry], Items]) -> Items:
    """What ``read`` gives for ``entry``; when the entry turns out broken (it cannot be opened,
    its data is damaged, a read fails part-way) what was read stays and one Skipped says where
    and why, so the caller goes on with the next entry."""
    try:
        yield from guarded(entry.location, read(entry))
    except ReaderError as exc:
        yield Skipped(exc.location, exc.reason)


def read_each(
    source: Source,
    read: Callable[[Entry], Items],
    entries: Iterable[Entry] | None = None,
    *,
    accept: Callable[[Entry], bool] | None = None,
    not_ours: str = "",
) -> Items:
    """The entry reader every format uses: a single-file input is read as it is (the user named
    it, so a failure is the input's and propagates as a ReaderError); in a folder or zip each of
    ``entries`` (default: all) is read with its failures isolated (see ``isolated``), and a
    non-empty entry that ``accept`` refuses is skipped with the reason ``not_ours`` (or why it
    cannot be read, when that is why it was refused)."""
    if source.is_file:
        for entry in source.entries()[:1]:
            yield from guarded(entry.location, read(entry))
        return
    for entry in source.entries() if entries is None else entries:
        if accept is not None and not accept(entry):
            if entry.size:
                yield Skipped(entry.location, unreadable(entry) or not_ours)
            continue
        yield from isolated(entry, read)


def unreadable(entry: Entry) -> str | None:
    """Why the head of ``entry`` cannot be read (it cannot be opened, its data is damaged),
    or None: a sniffer that saw nothing then says "damaged", not "not this format"."""
    try:
        with entry.open() as fh:
            fh.read(HEAD_BYTES)
    except ReaderError as exc:
        return exc.reason
    except READ_ERRORS as exc:
        return f"read failed: {type(exc).__name__}"
    return None


def sniff_each(
    source: Source,
    looks_like: Callable[[Entry], bool],
    candidates: Iterable[Entry] | None = None,
) -> bool:
    """Whether the input is this format: a single file that ``looks_like`` it, or a folder/zip
    whose ``candidates`` (default: its non-empty entries) are not none and whose first
    ``SNIFF_ENTRIES`` all look like it."""
    if source.is_file:
        return any(looks_like(e) for e in source.entries()[:1])
    pool = [e for e in source.entries() if e.size] if candidates is None else list(candidates)
    return bool(pool) and all(looks_like(e) for e in pool[:SNIFF_ENTRIES])


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
    found = source.member(member) if member is not None else None
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


TEXT_SNIFF_ENTRIES = SNIFF_ENTRIES


def sniff_text_export(source: Source, looks_like: Callable[[Entry], bool]) -> bool:
    """Sniff for one-file-per-chat text formats: the file itself, or a folder/zip of nothing
    but ``.txt`` files whose first ``TEXT_SNIFF_ENTRIES`` all look like that format."""
    entries = source.entries()
    if source.is_file:
        return len(entries) == 1 and looks_like(entries[0])
    if not entries or any(e.suffix != ".txt" for e in entries):
        return False
    return all(looks_like(e) for e in entries[:TEXT_SNIFF_ENTRIES])
