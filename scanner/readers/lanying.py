"""Lanying IM (蓝莺IM) saved history: the layout ``chatsweep pull lanying`` writes, and saved API responses.

Lanying has no export file; history is read through its server REST API
(``../shared/formats/lanying.md``, shared notes section 2.18). chatsweep defines the saved
layout, a folder or a zip (optionally under one wrapping folder)::

    users.json                      [{"user_id": 1001, "username": "alice", "nick_name": "Alice"}, …]
    groups.json          (optional) [{"group_id": 5001, "name": "Ops", "members": [1001, 1002]}, …]
    conversations/user-<a>-<b>.jsonl   a one-to-one conversation, a < b the two user ids
    conversations/group-<id>.jsonl     a group conversation
    state.json           (optional) the puller's resume state; not read here

Each ``.jsonl`` line is one message object exactly as ``GET /message/conversation`` returned
it: ``{msg_id, from_xid: {uid, device_sn}, to_xid: {uid, device_sn}, timestamp, ctype, content,
attachment, config, ext, status}``. ``user-<id>.jsonl`` (one id) is accepted too. Saved raw API
responses are read as well, as files of their own or inside such a folder: any ``.json`` file
holding ``{"code": 200, "data": {"messages": […], "next_msg_id": …, "is_last": …}}``; their
conversation is told from ``to_xid`` (a known group id, else the pair of users).

Decisions worth knowing:

* ``message_id`` is ``msg_id`` as a string (int64; JSON integers are parsed exactly).
* ``text`` is ``content``. ``ext`` and ``config`` (JSON strings apps fill with business
  data, mentions, file names, URLs, addresses) are text parts of the message (structured
  field), each as written, located at its field (``<line>#/ext``); the attachment's name
  and URL are parts too (attachment name, file metadata).
* ``timestamp`` is epoch milliseconds → aware UTC (values below 1e11 are taken as seconds).
* ``attachment`` gives ``attachments``: the file's name (``dName``/``name``/``fileName``),
  size (``fLen``/``size``) and MIME type when given. Its URL is not a path inside the
  export, so ``path`` stays empty; the URL is scanned as a text part.
* Authors are ``from_xid.uid`` with the name from ``users.json`` (``nick_name``, else
  ``username``); a uid not listed keeps the uid as its name.
* ``ctype`` COMMAND (6) messages are app commands, not user text: kind system.
* Raw responses that overlap (the same page saved twice) are read as they are; the puller's
  layout holds each message once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, ClassVar

import ijson

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_FIELD,
    PART_FILE_METADATA,
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
    IJSON_ERRORS,
    MAX_JSON_DEPTH,
    Entry,
    JsonTooDeep,
    Source,
    epoch_seconds_or_ms,
    first_line_object,
    guarded,
    head_text,
    iter_lines,
    json_lines,
    load_json,
    location_name,
    open_utf8,
    parse_events,
)
from scanner.readers.textparts import Parts

PLATFORM = "lanying"
USERS_FILE = "users.json"
GROUPS_FILE = "groups.json"
STATE_FILE = "state.json"
CONVERSATIONS = "conversations"
# ctype as a string (server API) or the send API's number.
CTYPES = ("TEXT", "IMAGE", "AUDIO", "VIDEO", "FILE", "LOCATION", "COMMAND", "FORWARD")
SYSTEM_CTYPES = frozenset({"COMMAND"})
SNIFF_ENTRIES = 20
SNIFF_EVENTS = 5000
SNIFF_CHARS = 1024 * 1024
# Nesting kept when walking an already decoded ext/config document for its strings.
MAX_DEPTH = 32

_CONVERSATION_FILE = re.compile(r"(?P<kind>user|group)-(?P<a>\d+)(?:-(?P<b>\d+))?\.jsonl")
_NAME_KEYS = ("dName", "name", "fileName", "file_name", "filename", "title")
_SIZE_KEYS = ("fLen", "size", "fileSize", "file_size", "length")
_URL_KEYS = ("url", "path", "file_url")
_MIME_KEYS = ("mime", "mimeType", "mime_type", "contentType", "content_type")


@dataclass(slots=True)
class _Directory:
    """Names from users.json and groups.json."""

    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, tuple[str, tuple[str, ...], int | None]] = field(default_factory=dict)

    def user(self, uid: str) -> str:
        return self.users.get(uid, uid)


def _uid(value: Any) -> str | None:
    """A uid (int or numeric string) as a string; ``{"uid": …}`` objects too."""
    if isinstance(value, dict):
        value = value.get("uid")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def _load_directory(source: Source, root: str) -> tuple[_Directory, list[Skipped]]:
    directory = _Directory()
    skipped: list[Skipped] = []
    users = source.get(f"{root}{USERS_FILE}")
    if users is not None:
        try:
            data = load_json(users)
        except ReaderError as exc:
            skipped.append(Skipped(exc.location, exc.reason))
            data = []
        for i, item in enumerate(data if isinstance(data, list) else []):
            uid = _uid(item.get("user_id")) if isinstance(item, dict) else None
            if uid is None:
                skipped.append(Skipped(f"{users.location}#/{i}", "user without a user_id"))
                continue
            name = next(
                (item[k] for k in ("nick_name", "username") if isinstance(item.get(k), str) and item[k]), uid
            )
            directory.users[uid] = name
    groups = source.get(f"{root}{GROUPS_FILE}")
    if groups is not None:
        try:
            data = load_json(groups)
        except ReaderError as exc:
            skipped.append(Skipped(exc.location, exc.reason))
            data = []
        for i, item in enumerate(data if isinstance(data, list) else []):
            gid = _uid(item.get("group_id")) if isinstance(item, dict) else None
            if gid is None:
                skipped.append(Skipped(f"{groups.location}#/{i}", "group without a group_id"))
                continue
            name = item.get("name") if isinstance(item.get("name"), str) and item["name"] else f"group {gid}"
            raw_members = item.get("members") if isinstance(item.get("members"), list) else []
            uids = [u for u in (_uid(m) for m in raw_members) if u is not None]
            count = item.get("member_count")
            directory.groups[gid] = (
                name,
                tuple(directory.user(u) for u in uids),
                count if isinstance(count, int) and not isinstance(count, bool) else (len(uids) or None),
            )
    return directory, skipped


# --- one message -----------------------------------------------------------------------------


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    elif isinstance(value, float | Decimal):  # 1.7e12 written as a float (Decimal from ijson)
        number = float(value)
        value = int(number) if math.isfinite(number) and abs(number) < 1e18 else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return epoch_seconds_or_ms(value)


def _ctype(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(CTYPES):
        return CTYPES[value]
    return value.upper() if isinstance(value, str) else ""


def _json_document(value: Any) -> Any:
    """ext/config/attachment are JSON strings; an already decoded object is taken as it is."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[0] in "{[":
            try:
                return json.loads(text)
            except (ValueError, RecursionError):
                return value
        return value
    return value


def _attachment(doc: Any) -> tuple[Attachment, str | None] | None:
    """The file an ``attachment`` document describes, and its URL on the server."""
    if not isinstance(doc, dict):
        return None
    name = next((doc[k] for k in _NAME_KEYS if isinstance(doc.get(k), str) and doc[k]), None)
    url = next((doc[k] for k in _URL_KEYS if isinstance(doc.get(k), str) and doc[k]), None)
    if name is None and url is None:
        return None
    size = next(
        (doc[k] for k in _SIZE_KEYS if isinstance(doc.get(k), int) and not isinstance(doc[k], bool)), None
    )
    mime = next((doc[k] for k in _MIME_KEYS if isinstance(doc.get(k), str) and "/" in doc[k]), None)
    if name is None and url is not None:
        name = PurePosixPath(url.split("?", 1)[0]).name
    # The URL is on the server, not a path inside the export; it is scanned as file metadata.
    return Attachment(name=name or "", size=size, mime=mime), url


@dataclass(frozen=True, slots=True)
class _Where:
    """What a message needs from its file: where it is and whose conversation it belongs to."""

    location: str
    fallback_id: str
    conversation: Conversation | None  # None: decided per message (raw responses)


def _messages(source: Source, obj: Any, where: _Where, directory: _Directory) -> Iterator[Message | Skipped]:
    if not isinstance(obj, dict):
        yield Skipped(where.location, "not a message object")
        return
    content = obj.get("content")
    if content is not None and not isinstance(content, str):
        yield Skipped(where.location, "'content' is not a string")
        return
    msg_id = _uid(obj.get("msg_id")) or where.fallback_id
    sender = _uid(obj.get("from_xid"))
    author = Author(sender, directory.user(sender)) if sender is not None else Author("", "")
    conversation = where.conversation or _conversation_of(obj, directory)
    when = _timestamp(obj.get("timestamp"))
    ctype = _ctype(obj.get("ctype"))
    kind = MessageKind.SYSTEM if ctype in SYSTEM_CTYPES else MessageKind.USER
    found = _attachment(_json_document(obj.get("attachment")))
    yield Message(
        platform=PLATFORM,
        source=source.display,
        location=where.location,
        conversation=conversation,
        message_id=msg_id,
        author=author,
        timestamp=when,
        text=content or "",
        attachments=(found[0],) if found is not None else (),
        kind=kind,
        parts=_parts(obj, where.location, content or "", found),
    )


def _parts(
    obj: dict[str, Any], location: str, text: str, found: tuple[Attachment, str | None] | None
) -> tuple[TextPart, ...]:
    """``ext`` and ``config`` (JSON text apps fill with business data, mentions, addresses:
    scanned as written, keys and all, so recognisers see their context words), and the
    attachment's name and URL (located at the ``attachment`` field that holds them)."""
    parts = Parts(location, text)
    if found is not None:
        attachment, url = found
        parts.add(PART_ATTACHMENT_NAME, attachment.name, "attachment")
        parts.add(PART_FILE_METADATA, url, "attachment")
    keys = ("ext", "config") if found is not None else ("ext", "config", "attachment")
    for key in keys:  # an attachment that is no file: a location's address, a card
        value = obj.get(key)
        if isinstance(value, str):
            parts.add(PART_FIELD, value, key)
        else:
            parts.strings(PART_FIELD, value, key, depth=MAX_DEPTH)
    return parts.result()


def _conversation_of(obj: dict[str, Any], directory: _Directory) -> Conversation:
    """A raw response's message: a group when ``to_xid`` is a known group (or not a known user)."""
    to = _uid(obj.get("to_xid")) or ""
    sender = _uid(obj.get("from_xid")) or ""
    if to in directory.groups or (directory.users and to not in directory.users):
        return _group(to, directory)
    return _dm(sorted(u for u in {sender, to} if u), directory)


def _group(gid: str, directory: _Directory) -> Conversation:
    name, members, count = directory.groups.get(gid, (f"group {gid}", (), None))
    return Conversation(
        id=f"group-{gid}", name=name, kind=ConversationKind.GROUP, member_count=count, members=members
    )


def _dm(uids: list[str], directory: _Directory) -> Conversation:
    names = tuple(directory.user(u) for u in uids)
    return Conversation(
        id="user-" + "-".join(uids),
        name=", ".join(names),
        kind=ConversationKind.DM,
        member_count=2,
        members=names,
    )


# --- files -------------------------------------------------------------------------------


def _read_jsonl(source: Source, entry: Entry, directory: _Directory) -> Iterator[Message | Skipped]:
    m = _CONVERSATION_FILE.fullmatch(entry.basename or PurePosixPath(entry.location).name)
    conversation: Conversation | None = None
    if m is not None:
        if m["kind"] == "group":
            conversation = _group(m["a"], directory)
        else:
            conversation = _dm(sorted({m["a"], m["b"] or m["a"]}) if m["b"] else [m["a"]], directory)
    file_name = location_name(entry.location)
    lines, encoding = iter_lines(entry)
    source.encodings.add(encoding)
    for item in json_lines(entry, lines):
        if isinstance(item, Skipped):
            yield item
            continue
        n, location, obj = item
        yield from _messages(source, obj, _Where(location, f"{file_name}#{n}", conversation), directory)


def _read_response(source: Source, entry: Entry, directory: _Directory) -> Iterator[Message | Skipped]:
    """A saved ``GET /message/conversation`` response, streamed: ``data.messages[*]``."""
    stream, encoding = open_utf8(entry)
    source.encodings.add(encoding)
    file_name = location_name(entry.location)
    index = 0
    code: Any = None
    with stream:
        try:
            for prefix, _event, value in _items(stream):
                if prefix == "code":
                    code = value
                    continue
                where = _Where(f"{entry.location}#/data/messages/{index}", f"{file_name}#{index}", None)
                index += 1
                if code is not None and code != 200:
                    yield Skipped(where.location, f"API response code {code}; messages not read")
                    return
                yield from _messages(source, value, where, directory)
        except (*IJSON_ERRORS, UnicodeDecodeError, RecursionError):
            yield Skipped(
                f"{entry.location}#/data/messages/{index}", "invalid or truncated JSON; rest of file not read"
            )
        except JsonTooDeep:
            yield Skipped(
                f"{entry.location}#/data/messages/{index}",
                f"JSON nested deeper than {MAX_JSON_DEPTH} levels; rest of file not read",
            )


def _items(stream: Any) -> Iterator[tuple[str, str, Any]]:
    """The top-level ``code`` and every object of ``data.messages``, built one at a time."""
    builder: ijson.ObjectBuilder | None = None
    depth = 0
    for prefix, event, value in parse_events(stream):
        if builder is not None:
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise JsonTooDeep
            elif event in ("end_map", "end_array"):
                depth -= 1
            if depth == 0:
                yield "data.messages.item", "item", builder.value
                builder = None
            continue
        if prefix == "code" and event == "number":
            yield "code", event, value
        elif prefix == "data.messages.item":
            if event in ("start_map", "start_array"):
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                depth = 1
            else:
                yield "data.messages.item", "item", value


def _is_response(entry: Entry) -> bool:
    """A JSON object whose ``data.messages`` holds an object with ``msg_id`` (read from the head)."""
    if entry.suffix != ".json" or not head_text(entry, 4096).lstrip("\ufeff \r\n\t").startswith("{"):
        return False
    try:
        stream, _ = open_utf8(entry, limit=SNIFF_CHARS)
        with stream:
            for n, (prefix, event, value) in enumerate(parse_events(stream)):
                if prefix == "data.messages.item" and event == "map_key" and value == "msg_id":
                    return True
                if (prefix == "data.messages.item" and event == "end_map") or n > SNIFF_EVENTS:
                    return False
    except (*IJSON_ERRORS, UnicodeDecodeError, RecursionError, ReaderError, JsonTooDeep):
        return False
    return False


def _is_message_jsonl(entry: Entry) -> bool:
    if entry.suffix != ".jsonl":
        return False
    # The whole first line, however long the first message is.
    obj = first_line_object(entry)
    return obj is not None and "msg_id" in obj and ("from_xid" in obj or "to_xid" in obj)


@dataclass(slots=True)
class _Layout:
    root: str = ""
    conversations: list[Entry] = field(default_factory=list)
    responses: list[Entry] = field(default_factory=list)  # .json files other than the metadata
    has_users: bool = False
    foreign: bool = False


def _layout(source: Source) -> _Layout:
    layout = _Layout(root=source.strip_root())
    for entry in source.entries():
        rel = entry.name[len(layout.root) :]
        if rel == USERS_FILE:
            layout.has_users = True
        elif rel in (GROUPS_FILE, STATE_FILE) or entry.basename.startswith("."):
            continue  # the puller's metadata and its hidden .tmp/.part files of an interrupted pull
        elif _CONVERSATION_FILE.fullmatch(rel.removeprefix(f"{CONVERSATIONS}/")):
            layout.conversations.append(entry)  # conversations/<file>, or the conversations folder itself
        elif entry.suffix == ".json":
            layout.responses.append(entry)
        else:
            layout.foreign = True
    return layout


class LanyingReader:
    """Lanying IM history saved by ``chatsweep pull lanying`` (or raw API responses)."""

    name: ClassVar[str] = "lanying"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Lanying IM (蓝莺IM) saved history: users.json + conversations/<user|group>-<id>.jsonl "
        "as 'chatsweep pull lanying' writes it, or saved /message/conversation API responses"
    )
    detection: ClassVar[str] = (
        "a folder/zip with users.json and/or conversations/(user|group)-<id>.jsonl files of Lanying "
        "message objects (msg_id, from_xid, to_xid), a .jsonl of such objects, or a .json API "
        "response {code, data: {messages: [...]}} whose messages carry msg_id"
    )

    def sniff(self, source: Source) -> bool:
        if source.kind == "file":
            entry = source.entries()[0]
            return _is_message_jsonl(entry) or _is_response(entry)
        layout = _layout(source)
        if layout.foreign or not (layout.conversations or layout.responses):
            return False
        non_empty = [e for e in layout.conversations if e.size][:SNIFF_ENTRIES]
        if not all(_is_message_jsonl(e) for e in non_empty):
            return False
        return all(_is_response(e) for e in layout.responses[:SNIFF_ENTRIES])

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            entry = source.entries()[0]
            reader = _read_response if entry.suffix == ".json" else _read_jsonl
            yield from guarded(entry.location, reader(source, entry, _Directory()))
            return
        layout = _layout(source)
        directory, skipped = _load_directory(source, layout.root)
        yield from skipped
        for entry in layout.conversations:
            try:
                yield from guarded(entry.location, _read_jsonl(source, entry, directory))
            except ReaderError as exc:
                yield Skipped(exc.location, exc.reason)
        for entry in layout.responses:
            if not _is_response(entry):
                if entry.size:
                    yield Skipped(entry.location, "not a Lanying message response; not read")
                continue
            try:
                yield from guarded(entry.location, _read_response(source, entry, directory))
            except ReaderError as exc:
                yield Skipped(exc.location, exc.reason)
