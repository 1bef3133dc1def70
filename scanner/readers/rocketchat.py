"""Rocket.Chat exports (shared notes, section 2.7).

Three shapes reach a DPO, all read here:

* **Room export / "Download my data"** (``apps/meteor/server/lib/dataExport``): a zip of
  JSON Lines files, one per room (``<room name>.json``; a DM is named by its room id),
  each line ``{"msg", "username", "ts", "attachments"?: [{type, title, title_link,
  image_url, …, fileId, fileName}], "type"?}``; uploads under ``assets/<fileId>-<name>``.
  The personal data download adds ``user.json``, ``avatar`` and ``channels.json`` (one
  ``{"roomId", "roomName", "type"}`` a line) and **pseudonymises** every other user as
  ``User_1``, ``User_2`` … (the names are kept as they are: they are what the file says).
* **Database dump** (``mongoexport`` of ``rocketchat_message``, one document a line, or a
  ``--jsonArray``): ``{"_id", "rid", "msg", "ts": {"$date": …}, "u": {"_id", "username",
  "name"}, "t"?, "tmid"?, "tcount"?, "editedAt"?, "file"?, "files"?, "attachments"?,
  "_hidden"?, "parent"?}``; ``rocketchat_room`` beside it names the rooms.
* **REST API** pages (``channels.history``, ``chat.syncMessages``): ``{"messages": [the
  same documents, ts as ISO strings], "success": true}``.

Lines are read one at a time and arrays streamed with ijson, so memory holds one message
(plus the room directory). A broken line is skipped with its line number; a truncated
array yields what came before the break.

Decisions worth knowing:

* ``message_id`` is ``_id``; the file export has no ids, so there it is ``<file>#<n>``,
  n the 0-based index of the record among the file's non-blank lines (a broken line keeps
  its number, so the ids after it do not shift).
* ``ts`` may be ISO 8601, ``{"$date": ISO | ms | {"$numberLong": ms}}`` or epoch ms;
  all are aware (UTC).
* ``t`` (or ``type`` in the file export) marks system messages (joins ``uj``, leaves
  ``ul``, adds ``au``, renames ``r``, pins, calls, livechat events …), except ``e2e``
  (an encrypted user message, whose text is ciphertext) and ``rm`` (a user message that
  was deleted: ``deleted``). ``editedAt`` marks ``edited``.
* ``tmid`` is the thread (``thread_id`` and ``reply_to``); a root with replies
  (``tcount``/``replies``) is its own thread; a quote attachment's ``?msg=<id>`` link is
  ``reply_to``.
* A ``_hidden`` document is an older version of an edited message (Rocket.Chat's edit
  history): it is yielded as a *system* message, ``edited``, with ``reply_to`` = the
  message it is a version of, so its text is scanned without counting it as a post.
* Attachments come from ``files``/``file`` (name, size, mime) and from file attachments
  (``title``, ``image_type``/``image_size`` …); the path is ``assets/<id>-<name>`` when
  the export holds the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_CAPTION,
    PART_EMBED,
    PART_FIELD,
    PART_FILE_METADATA,
    Attachment,
    Author,
    Message,
    MessageKind,
    Skipped,
    TextPart,
)
from scanner.readers.base import (
    SNIFF_JSON_CHARS,
    Entry,
    Source,
    entry_folder,
    entry_label,
    first_line_object,
    first_str,
    head_text,
    isolated,
    iter_lines,
    json_lines,
    json_list,
    json_obj,
    json_object,
    json_str,
    json_walk,
    open_json,
    sniff_each,
    sniff_values,
)
from scanner.readers.mongojson import mongo_count, mongo_id, mongo_time
from scanner.readers.rocketchat_rooms import CHANNELS_FILE, DUMP_USERS, RoomDirectory
from scanner.readers.textparts import Parts

PLATFORM = "rocketchat"

SUFFIXES = (".json", ".jsonl", ".ndjson")
USER_FILE = "user.json"
AVATAR_FILE = "avatar"
ASSETS_DIR = "assets"
# mongoexport files beside rocketchat_message (rooms, users, uploads …)
DUMP_PREFIX = "rocketchat_"
# Keys of a record of the room/data-download file export (exportRoomMessagesToFile.ts).
FILE_EXPORT_KEYS = frozenset(["msg", "username", "ts", "attachments", "type"])
USER_TYPES = frozenset(["e2e", "rm"])
QUOTE_ID = re.compile(r"[?&]msg=([A-Za-z0-9_-]+)")


class RocketChatReader:
    """Rocket.Chat room export / data download (JSON Lines), mongoexport dumps, REST pages."""

    name: ClassVar[str] = "rocketchat"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Rocket.Chat room export or 'Download my data' (JSON Lines per room), mongoexport of "
        "rocketchat_message, or REST history pages"
    )
    detection: ClassVar[str] = (
        "a .json/.jsonl file whose first record (line, array item or 'messages' item) has 'msg' and "
        "'ts' plus a 'u' user object (database/API) or only msg/username/ts/attachments/type (file "
        "export); a folder/zip of such files with assets/, channels.json, user.json, avatar or "
        "rocketchat_* dump files beside them"
    )

    def sniff(self, source: Source) -> bool:
        if source.is_file:
            return sniff_each(source, lambda e: _mode(e) is not None)
        root = source.strip_root()
        candidates: list[Entry] = []
        for entry in source.entries():
            rel = entry.name[len(root) :]
            if _is_companion(rel):
                continue
            if entry.suffix not in SUFFIXES:
                return False
            if not head_text(entry, 4096).strip():
                continue  # a room with no messages: the export writes an empty line
            candidates.append(entry)
        return sniff_each(source, lambda e: _mode(e) is not None, candidates)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.is_file:
            entry = source.entries()[0]
            yield from _read_entry(source, RoomDirectory(), _mode(entry), entry)
            return
        directory, skipped = RoomDirectory.load(source)
        yield from skipped
        root = source.strip_root()
        found = False
        for entry in source.entries():
            rel = entry.name[len(root) :]
            if _is_companion(rel) or entry.suffix not in SUFFIXES:
                continue
            mode = _mode(entry)
            if mode is None:
                if head_text(entry, 4096).strip():
                    yield Skipped(entry.location, "not a Rocket.Chat message file; not read")
                continue
            found = True
            yield from isolated(entry, functools.partial(_read_entry, source, directory, mode))
        if not found:
            raise ReaderError(source.display, "no Rocket.Chat message file found")


def _is_companion(rel: str) -> bool:
    """Files an export holds beside its message files."""
    parts = rel.split("/")
    base = parts[-1]
    if parts[0] == ASSETS_DIR and len(parts) > 1:
        return True
    if base in (CHANNELS_FILE, USER_FILE, AVATAR_FILE, DUMP_USERS):
        return True
    return base.startswith(DUMP_PREFIX) and not base.startswith(f"{DUMP_PREFIX}message")


# --- sniffing -------------------------------------------------------------------------

_LINES, _ARRAY, _OBJECT = "lines", "array", "object"
ARRAY_WANTED = frozenset(["item"])
OBJECT_WANTED = frozenset(["messages.item"])


def _mode(entry: Entry) -> str | None:
    """How the file holds its records (lines, array, object) if it is a Rocket.Chat message file."""
    if entry.suffix not in SUFFIXES:
        return None
    head = head_text(entry, SNIFF_JSON_CHARS).lstrip("\ufeff \t\r\n")
    if head[:1] == "[":
        return _ARRAY if _is_record(_first_streamed(entry, ARRAY_WANTED)) else None
    if head[:1] != "{":
        return None
    # None for a pretty-printed object, or a line longer than the head.
    first = json_object(head.split("\n", 1)[0].strip())
    if first is None and "\n" not in head:
        first = first_line_object(entry)  # one line longer than the head: a long message?
    if first is not None:
        if _is_record(first):
            return _LINES
        messages = first.get("messages")
        if isinstance(messages, list):
            return _OBJECT if messages and _is_record(messages[0]) else None
        if "\n" in head.strip():
            return None  # JSON Lines whose first line is something else
    return _OBJECT if _is_record(_first_streamed(entry, OBJECT_WANTED)) else None


def _first_streamed(entry: Entry, wanted: frozenset[str]) -> Any:
    return next((value for _, _, value in sniff_values(entry, wanted)), None)


def _is_record(value: Any) -> bool:
    """A Rocket.Chat message: database/API shape (``u`` object) or the file export's."""
    if not isinstance(value, dict) or not isinstance(value.get("msg"), str) or "ts" not in value:
        return False
    if "text" in value or "conversation" in value:
        return False  # the generic contract's shape
    user = value.get("u")
    if isinstance(user, dict):
        return isinstance(user.get("_id"), str) or isinstance(user.get("username"), str)
    return isinstance(value.get("username"), str) and value.keys() <= FILE_EXPORT_KEYS


# --- reading --------------------------------------------------------------------------


def _read_entry(
    source: Source, directory: RoomDirectory, mode: str | None, entry: Entry
) -> Iterator[Message | Skipped]:
    label = entry_label(source, entry)
    ctx = _Context(source, directory, label, PurePosixPath(label).stem, entry_folder(entry))
    if mode == _LINES:
        yield from _read_lines(entry, ctx)
        return
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    count = 0
    with stream:
        for hit in json_walk(entry, stream, ("*",) if mode == _ARRAY else ("messages/*",)):
            if isinstance(hit, Skipped):
                yield hit
                return
            count += 1
            yield _record(ctx, f"{entry.location}#{hit.pointer}", hit.indices[-1], hit.value)
    if count == 0 and mode is None:
        yield Skipped(entry.location, "not a Rocket.Chat message file")


def _read_lines(entry: Entry, ctx: _Context) -> Iterator[Message | Skipped]:
    lines, enc = iter_lines(entry)
    ctx.source.encodings.add(enc)
    # Every non-blank line is a record, broken or not, so ids do not shift.
    for index, item in enumerate(json_lines(entry, lines)):
        if isinstance(item, Skipped):
            yield item
            continue
        _, location, value = item
        yield _record(ctx, location, index, value)


@dataclass(frozen=True, slots=True)
class _Context:
    source: Source
    directory: RoomDirectory
    label: str
    file_room: str
    base: str  # the folder of the message file inside the input, with a trailing slash


def _record(ctx: _Context, location: str, index: int, value: Any) -> Message | Skipped:
    if not isinstance(value, dict):
        return Skipped(location, "record is not an object")
    if not isinstance(value.get("msg"), str) and not isinstance(value.get("u"), dict):
        return Skipped(location, "not a Rocket.Chat message (no msg or u)")
    return _message(ctx, location, index, value)


def _message(ctx: _Context, location: str, index: int, rec: dict[str, Any]) -> Message:
    mid = mongo_id(rec.get("_id"))
    mtype = json_str(rec.get("t")) or json_str(rec.get("type"))
    hidden = rec.get("_hidden") is True
    tmid = mongo_id(rec.get("tmid"))
    thread_id: str | None = tmid or None
    if not tmid and mid and _has_replies(rec):
        thread_id = mid  # a thread root is its own thread
    attachments, quoted = _attachments(ctx, rec)
    reply_to = quoted or tmid or None
    if hidden:
        reply_to = mongo_id(rec.get("parent")) or reply_to
    text = rec.get("msg")
    system = hidden or (bool(mtype) and mtype not in USER_TYPES)
    return Message(
        platform=PLATFORM,
        source=ctx.source.display,
        location=location,
        conversation=ctx.directory.conversation(mongo_id(rec.get("rid")), ctx.file_room),
        message_id=mid or f"{ctx.label}#{index}",
        author=_author(rec),
        timestamp=mongo_time(rec.get("ts")),
        text=text if isinstance(text, str) else "",
        thread_id=thread_id,
        reply_to=reply_to,
        attachments=attachments,
        parts=_parts(location, rec, text if isinstance(text, str) else ""),
        edited=hidden or rec.get("editedAt") is not None,
        deleted=mtype == "rm",
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


def _has_replies(rec: dict[str, Any]) -> bool:
    count = mongo_count(rec.get("tcount"))
    replies = rec.get("replies")
    return (count is not None and count > 0) or (isinstance(replies, list) and bool(replies))


def _author(rec: dict[str, Any]) -> Author:
    user = rec.get("u")
    if isinstance(user, dict):
        uid = mongo_id(user.get("_id"))
        username = json_str(user.get("username"))
        name = json_str(user.get("name"))
        return Author(id=uid or username or name, name=name or username or uid)
    username = json_str(rec.get("username"))
    return Author(id=username, name=username)


def _attachments(ctx: _Context, rec: dict[str, Any]) -> tuple[tuple[Attachment, ...], str | None]:
    """The message's files, and the id of a quoted message (a reply by quoting)."""
    out: list[Attachment] = []
    seen: set[str] = set()
    files: list[Any] = []
    if isinstance(rec.get("files"), list):
        files.extend(rec["files"])
    elif isinstance(rec.get("file"), dict):
        files.append(rec["file"])
    for f in files:
        if not isinstance(f, dict):
            continue
        fid, name = mongo_id(f.get("_id")), json_str(f.get("name"))
        if not name or name in seen:
            continue
        seen.add(name)
        out.append(
            Attachment(
                name=name,
                size=mongo_count(f.get("size")),
                mime=json_str(f.get("type")) or None,
                path=_asset(ctx, fid, name),
            )
        )
    quoted: str | None = None
    raw = rec.get("attachments")
    for att in raw if isinstance(raw, list) else []:
        if not isinstance(att, dict):
            continue
        link = json_str(att.get("message_link"))
        target = first_str(
            att.get("title_link"), att.get("image_url"), att.get("video_url"), att.get("audio_url")
        )
        if link and not target:
            found = QUOTE_ID.search(link)
            quoted = quoted or (found[1] if found else None)
            continue
        file_name = json_str(att.get("fileName"))
        name = file_name or json_str(att.get("title")) or PurePosixPath(target.split("?", 1)[0]).name
        if not name or name in seen or (not target and not file_name):
            continue
        seen.add(name)
        mime = first_str(att.get("image_type"), att.get("video_type"), att.get("audio_type"))
        size = next(
            (
                s
                for s in (mongo_count(att.get(k)) for k in ("image_size", "video_size", "audio_size", "size"))
                if s
            ),
            None,
        )
        out.append(
            Attachment(
                name=name, size=size, mime=mime or None, path=_asset(ctx, mongo_id(att.get("fileId")), name)
            )
        )
    return tuple(out), quoted


def _parts(location: str, rec: dict[str, Any], text: str) -> tuple[TextPart, ...]:
    """Uploaded file names, file descriptions, attachment titles, quoted or bot card text and
    card fields."""
    parts = Parts(location, text)
    for i, f in enumerate(json_list(rec.get("files"))):
        parts.fields(PART_ATTACHMENT_NAME, f, ("name",), "files", i)
    parts.fields(PART_ATTACHMENT_NAME, rec.get("file"), ("name",), "file")
    for i, att in enumerate(json_list(rec.get("attachments"))):
        parts.fields(PART_ATTACHMENT_NAME, att, ("fileName",), "attachments", i)
        parts.fields(PART_FILE_METADATA, att, ("title",), "attachments", i)
        parts.fields(PART_CAPTION, att, ("description",), "attachments", i)
        parts.fields(PART_EMBED, att, ("pretext", "text"), "attachments", i)
        for j, field_ in enumerate(json_list(json_obj(att).get("fields"))):
            parts.fields(PART_FIELD, field_, ("title", "value"), "attachments", i, "fields", j)
    return parts.result()


def _asset(ctx: _Context, fid: str, name: str) -> str | None:
    """Where the export copied an upload: ``assets/<fileId>-<name>`` beside the room files."""
    if not fid or not name or "/" in name:
        return None
    candidate = f"{ctx.base}{ASSETS_DIR}/{fid}-{name}"
    return candidate if ctx.source.member(candidate) is not None else None
