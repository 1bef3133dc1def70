"""The generic contract formats: JSONL (one message object a line) and CSV (a header row).

These are what a user converts any other source into (DESIGN.md, "Generic input formats").
Fields: ``id``, ``conversation``, ``author``, ``timestamp`` and ``text``; optional ``thread``,
``reply_to``, ``attachments``, ``kind``, ``edited``, ``deleted``, ``conversation_kind``,
``members``/``member_count``. ``conversation`` and ``author`` are a string or an object
``{"id", "name"}``; a member is a name or an object ``{"name", "handle"?, "username"?, "id"?}`` (the
handle and id a mention of it is written with). Only ``text`` is required: a record without
it is skipped (with its location, never its content); bad optional metadata never costs a
message, it is dropped.

Both readers stream: one line (JSONL) or one row (CSV) at a time.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    Attachment,
    Author,
    Conversation,
    ConversationKind,
    Message,
    MessageKind,
    Skipped,
    TextPart,
)
from scanner.readers.base import (
    EPOCH_MS_FROM,
    Entry,
    Source,
    csv_rows,
    first_line_object,
    guarded,
    head_text,
    iter_lines,
    json_lines,
    location_name,
)
from scanner.readers.textparts import Parts

PLATFORM = "generic"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIX = ".csv"
CSV_DELIMITERS = (",", ";", "\t")
CONTRACT_FIELDS = ("id", "conversation", "author", "timestamp")
# Mattermost bulk exports are JSONL too; each line has a "type" naming its record.
MATTERMOST_TYPES = frozenset(
    [
        *("version", "team", "channel", "user", "post", "direct_channel", "direct_post"),
        *("emoji", "bot", "scheme", "role"),
    ]
)
# How many entries of a folder or zip ``sniff`` looks at.
SNIFF_ENTRIES = 20
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_TRUE = frozenset({"true", "1", "yes", "y", "t"})


@dataclass(frozen=True, slots=True)
class _Record:
    """One record's fields after decoding, whatever the container (JSON object or CSV row)."""

    fields: Mapping[str, Any]
    line: int
    index: int


# --- field conversion (shared) ----------------------------------------------------------


def _scalar_str(value: Any) -> str | None:
    """A string or integer as text; anything else (null, bool, objects) is None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 (aware if it has a zone, naive if not), or epoch seconds/milliseconds (UTC).

    Numbers and numeric strings are epochs; ``EPOCH_MS_FROM`` tells seconds from milliseconds.
    Anything unparseable is None: a message is never dropped for its time.
    """
    if isinstance(value, bool) or value is None:
        return None
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _NUMBER.fullmatch(text):
            number = float(text)
        else:
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                return None
    else:
        return None
    if number != number:  # NaN
        return None
    if abs(number) >= EPOCH_MS_FROM:
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


def _as_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_names(value: Any) -> tuple[str, ...]:
    """A list of strings, or one ``;``-separated string (the CSV form)."""
    if isinstance(value, str):
        return tuple(n.strip() for n in value.split(";") if n.strip())
    if isinstance(value, list):
        return tuple(s for s in (_scalar_str(v) for v in value) if s)
    return ()


def _as_members(value: Any) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Member names, and (handle or id, name) pairs from members given as objects."""
    if not isinstance(value, list):
        return _as_names(value), ()
    names: list[str] = []
    handles: list[tuple[str, str]] = []
    for item in value:
        if isinstance(item, dict):
            name = _scalar_str(item.get("name"))
            if not name:
                continue
            names.append(name)
            for key in ("handle", "username", "id"):
                handle = _scalar_str(item.get(key))
                if handle:
                    handles.append((handle, name))
        else:
            name = _scalar_str(item)
            if name:
                names.append(name)
    return tuple(names), tuple(dict.fromkeys(handles))


def _kind(value: Any) -> ConversationKind | None:
    if isinstance(value, str):
        try:
            return ConversationKind(value.strip().lower())
        except ValueError:
            return None
    return None


def _conversation(fields: Mapping[str, Any], fallback: str) -> Conversation:
    raw = fields.get("conversation")
    kind = _kind(fields.get("conversation_kind"))
    count = _as_count(fields.get("member_count"))
    members, handles = _as_members(fields.get("members"))
    if isinstance(raw, dict):
        cid = _scalar_str(raw.get("id"))
        name = _scalar_str(raw.get("name"))
        kind = _kind(raw.get("kind")) or kind
        count = _as_count(raw.get("member_count")) if raw.get("member_count") is not None else count
        inner, inner_handles = _as_members(raw.get("members"))
        if inner:
            members, handles = inner, inner_handles
    else:
        cid = name = _scalar_str(raw)
    cid = cid or name or fallback
    name = name or cid
    if count is None and members:
        count = len(members)
    return Conversation(
        id=cid,
        name=name,
        kind=kind or ConversationKind.GROUP,
        member_count=count,
        members=members,
        handles=handles,
    )


def _author(value: Any) -> Author:
    if isinstance(value, dict):
        aid = _scalar_str(value.get("id"))
        name = _scalar_str(value.get("name"))
        return Author(aid or name or "", name or aid or "")
    text = _scalar_str(value) or ""
    return Author(text, text)


def _attachments(value: Any) -> tuple[Attachment, ...]:
    if isinstance(value, str):
        return tuple(Attachment(name=n) for n in _as_names(value))
    if not isinstance(value, list):
        return ()
    out: list[Attachment] = []
    for item in value:
        if isinstance(item, str):
            out.append(Attachment(name=item))
        elif isinstance(item, dict):
            path = _scalar_str(item.get("path"))
            name = _scalar_str(item.get("name")) or (PurePosixPath(path).name if path else "")
            size = item.get("size")
            mime = item.get("mime")
            out.append(
                Attachment(
                    name=name,
                    size=_as_count(size),
                    mime=mime if isinstance(mime, str) else None,
                    path=path,
                )
            )
    return tuple(out)


def _message(source: Source, entry: Entry, rec: _Record) -> Message | Skipped:
    location = f"{entry.location}:{rec.line}"
    fields = rec.fields
    text = fields.get("text")
    if text is None:
        return Skipped(location, "record has no 'text'")
    if not isinstance(text, str):
        return Skipped(location, "'text' is not a string")
    file_name = location_name(entry.location)
    kind = fields.get("kind")
    system = isinstance(kind, str) and kind.strip().lower() == "system"
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=_conversation(fields, PurePosixPath(file_name).stem),
        message_id=_scalar_str(fields.get("id")) or f"{file_name}#{rec.index}",
        author=_author(fields.get("author")),
        timestamp=parse_timestamp(fields.get("timestamp")),
        text=text,
        thread_id=_scalar_str(fields.get("thread")) or None,
        reply_to=_scalar_str(fields.get("reply_to")) or None,
        attachments=_attachments(fields.get("attachments")),
        edited=_as_bool(fields.get("edited")),
        deleted=_as_bool(fields.get("deleted")),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
        parts=_parts(fields.get("attachments"), location, text),
    )


def _parts(value: Any, location: str, text: str) -> tuple[TextPart, ...]:
    """Names of the files listed as JSON (``attachments``: names, or objects with a name or
    path), located at their field; names in a CSV cell are located at the row."""
    parts = Parts(location, text)
    for i, item in enumerate(value if isinstance(value, list) else ()):
        if isinstance(item, str):
            parts.add(PART_ATTACHMENT_NAME, item, "attachments", i)
        elif isinstance(item, dict):
            name, path = _scalar_str(item.get("name")), _scalar_str(item.get("path"))
            if name:
                parts.add(PART_ATTACHMENT_NAME, name, "attachments", i, "name")
            elif path:
                parts.add(PART_ATTACHMENT_NAME, PurePosixPath(path).name, "attachments", i, "path")
    return parts.result()


_Claims = Callable[[Entry], bool]
_ReadEntry = Callable[[Source, Entry], Iterator[Message | Skipped]]


def _sniff(source: Source, suffixes: tuple[str, ...], claims: _Claims) -> bool:
    """A file we claim, or a folder/zip of nothing but such files.

    A folder that also holds other things (``examples/`` with a WhatsApp chat beside a
    ``chat.jsonl``) is left alone, so format detection splits it and each file finds its reader.
    """
    entries = source.entries()
    if not entries or any(e.suffix not in suffixes for e in entries):
        return False
    return all(claims(e) for e in entries[:SNIFF_ENTRIES])


def _entries(source: Source, claims: _Claims) -> Iterator[Entry | Skipped]:
    """A single file is read whatever its name; in a folder or zip, the entries we claim."""
    if source.kind == "file":
        yield from source.entries()
        return
    for entry in source.entries():
        if claims(entry):
            yield entry
        elif entry.size:
            yield Skipped(entry.location, "not in the generic contract format; not read")


def _read_all(source: Source, claims: _Claims, read_entry: _ReadEntry) -> Iterator[Message | Skipped]:
    for entry in _entries(source, claims):
        if isinstance(entry, Skipped):
            yield entry
            continue
        if source.kind == "file":
            yield from guarded(entry.location, read_entry(source, entry))
            continue
        try:
            yield from guarded(entry.location, read_entry(source, entry))
        except ReaderError as exc:
            yield Skipped(exc.location, exc.reason)


# --- JSONL ------------------------------------------------------------------------------


def _first_line(entry: Entry) -> str | None:
    for line in head_text(entry).split("\n"):
        if line.strip():
            return line.strip().lstrip("\ufeff")
    return None


def _jsonl_claims(entry: Entry) -> bool:
    if entry.suffix not in JSONL_SUFFIXES:
        return False
    # The whole first line, however long: a first message may be far longer than a sniff window.
    obj = first_line_object(entry)
    if obj is None or "text" not in obj:
        return False
    if isinstance(obj.get("type"), str) and obj["type"] in MATTERMOST_TYPES:
        return False
    return any(k in obj for k in CONTRACT_FIELDS)


class JsonlReader:
    """Generic JSONL: one message object a line."""

    name: ClassVar[str] = "jsonl"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Generic JSONL: one message object a line (id, conversation, author, timestamp, text)"
    )
    detection: ClassVar[str] = (
        "a .jsonl/.ndjson/.json file whose first non-blank line is a JSON object with 'text' and at "
        "least one of id/conversation/author/timestamp (and no Mattermost 'type')"
    )

    def sniff(self, source: Source) -> bool:
        return _sniff(source, JSONL_SUFFIXES, _jsonl_claims)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        yield from _read_all(source, _jsonl_claims, self._read_entry)

    def _read_entry(self, source: Source, entry: Entry) -> Iterator[Message | Skipped]:
        lines, encoding = iter_lines(entry)
        source.encodings.add(encoding)
        for item in json_lines(entry, lines):
            if isinstance(item, Skipped):
                yield item
                continue
            n, location, obj = item
            if not isinstance(obj, dict):
                yield Skipped(location, "not a JSON object")
                continue
            yield _message(source, entry, _Record(obj, n, n))


# --- CSV --------------------------------------------------------------------------------


def _header(entry: Entry) -> tuple[list[str], str] | None:
    """The header's column names (lower case) and the delimiter that yields a 'text' column.

    Comma is the contract; ';' and tab are what spreadsheet programs write in many locales.
    """
    line = _first_line(entry)
    if line is None:
        return None
    for delimiter in CSV_DELIMITERS:
        try:
            row = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        names = [c.lstrip("\ufeff").strip().lower() for c in row]
        if "text" in names:
            return names, delimiter
    return None


def _csv_claims(entry: Entry) -> bool:
    if entry.suffix != CSV_SUFFIX:
        return False
    found = _header(entry)
    return found is not None and sum(f in found[0] for f in CONTRACT_FIELDS) >= 2


class CsvReader:
    """Generic CSV: a header row naming the contract's columns."""

    name: ClassVar[str] = "csv"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Generic CSV with a header row (id, conversation, author, timestamp, text), any encoding"
    )
    detection: ClassVar[str] = (
        "a .csv file whose header row has 'text' and at least two of id/conversation/author/timestamp"
    )

    def sniff(self, source: Source) -> bool:
        return _sniff(source, (CSV_SUFFIX,), _csv_claims)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        yield from _read_all(source, _csv_claims, self._read_entry)

    def _read_entry(self, source: Source, entry: Entry) -> Iterator[Message | Skipped]:
        found = _header(entry)
        lines, encoding = iter_lines(entry)
        source.encodings.add(encoding)
        header: list[str] | None = None
        index = 0
        for item in csv_rows(entry, lines, delimiter=found[1] if found else ","):
            if isinstance(item, Skipped):
                yield item
                continue
            start, row = item
            if header is None:
                header = [c.lstrip("\ufeff").strip().lower() for c in row]
                if "text" not in header:
                    raise ReaderError(entry.location, "CSV header has no 'text' column")
                continue
            index += 1
            fields = {name: value for name, value in zip(header, row, strict=False) if name}
            yield _message(source, entry, _Record(fields, start, index))
