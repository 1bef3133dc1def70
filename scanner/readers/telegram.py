"""Telegram Desktop export, machine-readable JSON (``result.json``).

Two shapes (shared notes, section 2.2):

* one chat: ``{"name", "type", "id", "messages": [...]}`` (``ChatExport_<date>/``);
* the whole account: ``{"about", "personal_information", …, "chats": {"list": [chat …]},
  "left_chats": {"list": [chat …]}}`` (``DataExport_<date>/``), each chat as above.

A full-account file reaches gigabytes, so it is streamed with ijson's event parser and
only one message object is built at a time; the walk below follows just the paths
``messages[*]`` and ``chats|left_chats.list[*].messages[*]`` (plus each chat's ``name``,
``type`` and ``id``, which Telegram writes before its messages). A file cut short yields
every message before the break and then one Skipped.

Decisions worth knowing:

* ``message_id`` is ``str(id)``; without an ``id`` it is ``<file>#<index>``, the index
  being the message's position in its chat's ``messages`` (as in ``location``).
* ``text`` is the ``text`` field; when Telegram writes it as a list of plain strings and
  entity objects, the pieces are concatenated with no separator, which is the text the
  user sent (entity ``text`` values cover it exactly).
* ``timestamp`` comes from ``date_unixtime`` (aware UTC); older exports have only
  ``date``, local time of the exporting machine without a zone: that stays naive.
* Service messages (``type: "service"``) are system messages by their ``actor``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, ClassVar

import ijson

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_CONTACT,
    PART_FIELD,
    PART_FILE_METADATA,
    PART_LINK,
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
    TOO_DEEP,
    Entry,
    Source,
    build_value,
    entry_folder,
    entry_label,
    first_char,
    json_str,
    open_json,
    open_utf8,
)
from scanner.readers.textparts import Parts

PLATFORM = "telegram"

CHAT_KINDS: dict[str, ConversationKind] = {
    "personal_chat": ConversationKind.DM,
    "bot_chat": ConversationKind.DM,
    "saved_messages": ConversationKind.DM,
    "private_group": ConversationKind.GROUP,
    "private_supergroup": ConversationKind.GROUP,
    "public_supergroup": ConversationKind.GROUP,
    "private_channel": ConversationKind.CHANNEL,
    "public_channel": ConversationKind.CHANNEL,
}
# The audience is known only for one-to-one chats; Telegram does not export member lists.
KNOWN_MEMBER_COUNTS = {"personal_chat": 2, "bot_chat": 2, "saved_messages": 1}
CHAT_LISTS = ("chats", "left_chats")
MESSAGE_TYPES = ("message", "service")
RESULT_FILE = "result.json"

SNIFF_BYTES = 1024 * 1024
# Telegram Desktop writes this instead of a path when it did not copy the media.
_NOT_INCLUDED = "("


class TelegramReader:
    """Telegram Desktop JSON export (one chat or the whole account), file, folder or zip."""

    name: ClassVar[str] = "telegram"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Telegram Desktop export, machine-readable JSON (result.json; one chat or account)"
    )
    detection: ClassVar[str] = (
        "a JSON object (a result.json file, or one inside a folder or zip) with a 'messages' list of "
        "objects whose type is message/service and that carry date/date_unixtime, or a 'chats' "
        "object with a 'list' of such chats"
    )

    def sniff(self, source: Source) -> bool:
        if source.kind == "file":
            entries = source.entries()
            return len(entries) == 1 and entries[0].suffix == ".json" and _sniff_entry(entries[0])
        return any(_sniff_entry(e) for e in _result_files(source))

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            entries = source.entries()
        else:
            entries = _result_files(source)
            if not entries:
                raise ReaderError(source.display, f"no Telegram {RESULT_FILE} found")
        for entry in entries:
            yield from _read_entry(source, entry)


def _result_files(source: Source) -> list[Entry]:
    """The export's result.json: at the top of the folder or zip, or in the one folder it wraps.

    A tree holding a result.json deeper down is not one Telegram export; the caller splits
    it so each part reaches its own reader.
    """
    root = source.strip_root()
    return [e for e in source.entries() if e.name in (RESULT_FILE, root + RESULT_FILE)]


# --- streaming ------------------------------------------------------------------------


@dataclass(slots=True)
class _Chat:
    """One chat: the root object of a single-chat export, or an item of a chats list."""

    pointer: str  # JSON pointer of the chat object: "" or "/chats/list/3"
    meta: dict[str, Any] = field(default_factory=dict)
    conversation: Conversation | None = None


@dataclass(slots=True)
class _Item:
    chat: _Chat
    index: int
    value: Any


@dataclass(slots=True)
class _Walk:
    """What the walk saw besides messages (used by sniffing)."""

    top_keys: list[str] = field(default_factory=list)
    root: _Chat = field(default_factory=lambda: _Chat(""))
    chat: _Chat = field(default_factory=lambda: _Chat(""))  # the chat last entered
    messages_arrays: int = 0
    chat_lists: int = 0
    too_deep: bool = False


def _walk(events: Iterator[tuple[str, Any]], seen: _Walk) -> Iterator[_Item]:
    """Yield each element of every chat's ``messages`` array, building only those.

    ``events`` are ijson ``basic_parse`` events. Paths are tracked here (not with
    ``ijson.parse``) because prefix strings cost O(depth) per event.
    """
    # One frame per open container: [is_array, current key or next index].
    frames: list[list[Any]] = []
    root = chat = seen.chat = seen.root
    for event, value in events:
        if event == "map_key":
            frames[-1][1] = value
            if len(frames) == 1:
                seen.top_keys.append(value)
            continue
        if event in ("end_map", "end_array"):
            frames.pop()
            _advance(frames)
            continue
        path = tuple(f[1] for f in frames)
        n = len(path)
        starts = event in ("start_map", "start_array")
        in_array = bool(frames) and frames[-1][0]
        # Inside a chat of an account export: chats|left_chats -> list (an array) -> chat
        in_chat = n >= 4 and path[0] in CHAT_LISTS and path[1] == "list" and frames[2][0]
        in_root_messages = in_array and n == 2 and path[0] == "messages"
        in_list_messages = in_array and in_chat and n == 5 and path[3] == "messages"
        if in_root_messages or in_list_messages:
            current = root if in_root_messages else chat
            if starts:
                built = build_value(event, value, events, MAX_JSON_DEPTH - n)
                if built is TOO_DEEP:
                    seen.too_deep = True
                    return
                value = built
            yield _Item(current, path[-1], value)
            _advance(frames)
            continue
        if starts:
            if n >= MAX_JSON_DEPTH:
                seen.too_deep = True
                return
            is_array = event == "start_array"
            chat_messages = in_chat and n == 4 and path[3] == "messages"
            if is_array and (path == ("messages",) or chat_messages):
                seen.messages_arrays += 1
            elif is_array and n == 2 and path[0] in CHAT_LISTS and path[1] == "list":
                seen.chat_lists += 1
            elif not is_array and in_array and n == 3 and path[0] in CHAT_LISTS and path[1] == "list":
                chat = seen.chat = _Chat(f"/{path[0]}/list/{path[2]}")
            frames.append([is_array, 0 if is_array else None])
            continue
        # A scalar: a chat's name/type/id is kept, everything else outside messages is skipped.
        if n == 1 and path[0] in ("name", "type", "id"):
            root.meta[path[0]] = value
            root.conversation = None
        elif in_chat and n == 4 and path[3] in ("name", "type", "id"):
            chat.meta[path[3]] = value
            chat.conversation = None
        _advance(frames)


def _advance(frames: list[list[Any]]) -> None:
    if frames and frames[-1][0]:
        frames[-1][1] += 1


# --- sniffing -------------------------------------------------------------------------


def _sniff_entry(entry: Entry) -> bool:
    """Read at most SNIFF_BYTES of the file and judge its shape."""
    if first_char(entry) != "{":
        return False
    seen = _Walk()
    first_item: _Item | None = None
    try:
        stream, _ = open_utf8(entry, SNIFF_BYTES)
    except ReaderError:
        return False
    with stream:
        try:
            for item in _walk(ijson.basic_parse(stream), seen):
                first_item = item
                break
        except IJSON_ERRORS:
            pass  # cut by the limit, or broken: judge on what was seen
    if "guild" in seen.top_keys:
        return False  # DiscordChatExporter also has a top-level "messages" list
    if first_item is not None:
        return _is_telegram_message(first_item.value)
    if seen.messages_arrays:
        # An empty chat: its type must be one Telegram writes.
        chat_type = seen.chat.meta.get("type")
        return isinstance(chat_type, str) and chat_type in CHAT_KINDS
    if seen.chat_lists and "chats" in seen.top_keys:
        return True
    # A full-account export whose chats lie beyond the sniffing window.
    return {"about", "personal_information"} <= set(seen.top_keys)


def _is_telegram_message(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    return value.get("type") in MESSAGE_TYPES and ("date_unixtime" in value or "date" in value)


# --- reading --------------------------------------------------------------------------


def _read_entry(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    # Ids without Telegram's own id name the file as inside the export, so a folder and its
    # zip give the same ids.
    label = entry_label(source, entry)
    folder = entry_folder(entry)
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    seen = _Walk()
    count = 0
    with stream:
        try:
            for item in _walk(ijson.basic_parse(stream), seen):
                location = f"{entry.location}#{item.chat.pointer}/messages/{item.index}"
                count += 1
                if not isinstance(item.value, dict):
                    yield Skipped(location, "record is not an object")
                    continue
                if item.chat.conversation is None:
                    item.chat.conversation = _conversation(item.chat, label)
                yield _message(source, location, item, label, folder)
        except IJSON_ERRORS:
            # ijson's messages quote the input, so the reason is built from structure only.
            yield Skipped(entry.location, f"invalid or truncated JSON after {count} messages")
            return
    if seen.too_deep:
        yield Skipped(
            entry.location, f"JSON nested deeper than {MAX_JSON_DEPTH} levels after {count} messages"
        )
    elif not seen.messages_arrays and not seen.chat_lists:
        yield Skipped(entry.location, "not a Telegram export (no messages or chats list)")


def _conversation(chat: _Chat, label: str) -> Conversation:
    meta = chat.meta
    chat_type, name = json_str(meta.get("type")), json_str(meta.get("name"))
    cid = _id_str(meta.get("id"))
    if not name and chat_type == "saved_messages":
        name = "Saved Messages"
    fallback = f"{label}#{chat.pointer}" if chat.pointer else label
    return Conversation(
        id=cid or name or fallback,
        name=name or cid or fallback,
        kind=CHAT_KINDS.get(chat_type, ConversationKind.GROUP),
        member_count=KNOWN_MEMBER_COUNTS.get(chat_type),
    )


def _message(source: Source, location: str, item: _Item, label: str, folder: str) -> Message:
    rec: dict[str, Any] = item.value
    service = rec.get("type") == "service"
    if service:
        author_id, author_name = _id_str(rec.get("actor_id")), rec.get("actor")
    else:
        author_id, author_name = _id_str(rec.get("from_id")), rec.get("from")
    name = author_name if isinstance(author_name, str) else ""
    reply_to = _id_str(rec.get("reply_to_message_id"))
    assert item.chat.conversation is not None
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=item.chat.conversation,
        message_id=_id_str(rec.get("id")) or f"{label}#{item.index}",
        author=Author(id=author_id or name, name=name or author_id),
        timestamp=_timestamp(rec),
        text=_text(rec),
        reply_to=reply_to or None,
        attachments=_attachments(rec, folder),
        edited=rec.get("edited") is not None or rec.get("edited_unixtime") is not None,
        kind=MessageKind.SYSTEM if service else MessageKind.USER,
        parts=_parts(rec, location),
    )


def _parts(rec: dict[str, Any], location: str) -> tuple[TextPart, ...]:
    """Text besides the message (or caption): a shared contact's card, a venue, a poll, the
    file's name and title, and the targets of links whose label is all the text shows."""
    parts = Parts(location, _text(rec))
    parts.add(PART_ATTACHMENT_NAME, rec.get("file_name"), "file_name")
    if "file" in rec:  # a service message's title is the chat's, not a file's
        parts.fields(PART_FILE_METADATA, rec, ("title", "performer"))
    parts.fields(PART_CONTACT, rec.get("contact_information"), CONTACT_FIELDS, "contact_information")
    parts.fields(PART_FIELD, rec.get("location_information"), PLACE_FIELDS, "location_information")
    for key in ("place_name", "address"):
        parts.add(PART_FIELD, rec.get(key), key)
    poll = rec.get("poll")
    if isinstance(poll, dict):
        parts.add(PART_FIELD, poll.get("question"), "poll", "question")
        answers = poll.get("answers")
        for i, answer in enumerate(answers if isinstance(answers, list) else ()):
            parts.fields(PART_FIELD, answer, ("text",), "poll", "answers", i)
    for key in ("text", "text_entities"):
        pieces = rec.get(key)
        for i, piece in enumerate(pieces if isinstance(pieces, list) else ()):
            parts.fields(PART_LINK, piece, ("href",), key, i)
    return parts.result()


def _text(rec: dict[str, Any]) -> str:
    text = rec.get("text")
    if isinstance(text, str):
        return text
    if text is None and isinstance(rec.get("text_entities"), list):
        text = rec["text_entities"]
    if isinstance(text, list):
        # Plain pieces are strings, formatted ones {"type", "text", …}; Telegram's own
        # text is their concatenation, with no separator.
        parts: list[str] = []
        for piece in text:
            if isinstance(piece, str):
                parts.append(piece)
            elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
                parts.append(piece["text"])
        return "".join(parts)
    return ""


def _timestamp(rec: dict[str, Any]) -> datetime | None:
    unix = rec.get("date_unixtime")
    if isinstance(unix, str) and unix.isascii() and unix.isdigit() and len(unix) <= 12:
        unix = int(unix)
    if isinstance(unix, int) and not isinstance(unix, bool):
        try:
            return datetime.fromtimestamp(unix, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    date = rec.get("date")
    if isinstance(date, str):
        try:
            return datetime.fromisoformat(date)  # no zone in the export: stays naive
        except ValueError:
            return None
    return None


def _attachments(rec: dict[str, Any], folder: str) -> tuple[Attachment, ...]:
    """Photo and file of a message; ``folder`` is the export's folder inside the input."""
    out: list[Attachment] = []
    for key, size_key in (("photo", "photo_file_size"), ("file", "file_size")):
        ref = rec.get(key)
        if not isinstance(ref, str) or not ref:
            continue
        included = not ref.startswith(_NOT_INCLUDED)
        path = f"{folder}{ref}" if included else None
        if key == "file" and isinstance(rec.get("file_name"), str) and rec["file_name"]:
            name = rec["file_name"]
        elif included:
            name = PurePosixPath(ref).name
        else:
            media = rec.get("media_type")
            name = media if isinstance(media, str) and media else key
        size = rec.get(size_key)
        mime = rec.get("mime_type") if key == "file" else None
        out.append(
            Attachment(
                name=name,
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                mime=mime if isinstance(mime, str) and mime else None,
                path=path,
            )
        )
    return tuple(out)


CONTACT_FIELDS = ("first_name", "last_name", "phone_number", "email")
PLACE_FIELDS = ("place_name", "address", "title")


def _id_str(value: Any) -> str:
    """Telegram ids are numbers (messages, chats) or strings ("user123", "channel456")."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else ""
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value() and abs(value) < 10**30:
            return str(int(value))
        return ""
    return value if isinstance(value, str) else ""
