"""Matrix / Element "Export chat" in JSON (shared notes, section 2.9).

Element writes one object (``src/utils/exportUtils/JSONExport.ts``)::

    {"room_name", "room_creator", "topic", "export_date", "exported_by",
     "messages": [ raw Matrix events, oldest first ]}

as ``matrix-<room>-export-<date>.json``, or as ``export.json`` inside a zip with the
attachments under ``images/``, ``videos/``, ``audio/``, ``files/`` and ``stickers/``
(named ``<body stem>-<locale date><ext>``). For an encrypted room the decrypted event is
written. A bare list of events and a ``{"chunk": [events]}`` page of the client-server
API (what admins pull with ``/messages``) are read the same way.

The events are streamed with ijson: memory holds one event plus the display names of
the room's members. A file cut short yields every event before the break, then one
Skipped.

Decisions worth knowing:

* ``message_id`` is the ``event_id``; ``timestamp`` the ``origin_server_ts`` (ms, UTC).
* ``text`` is ``content.body`` (the plain-text body; ``formatted_body`` is its HTML twin).
  For media messages the body is the file name or caption, and is kept as text too.
* Edits (``m.relates_to.rel_type: m.replace``) are yielded as their own messages, with
  ``edited`` set and the text of ``m.new_content.body``: that is new text the original
  event never held, so it must be scanned. An original whose ``unsigned["m.relations"]``
  bundles a replacement is ``edited`` as well.
* Threads: an event with ``rel_type: m.thread`` has ``thread_id`` = the root's id and
  ``reply_to`` = the event it answers (the root when the reply is only the fallback);
  a root that bundles thread relations is its own thread. ``m.in_reply_to`` gives
  ``reply_to`` elsewhere.
* A redacted event (``unsigned.redacted_because``) is ``deleted`` with empty text.
* ``m.room.message``, ``m.sticker``, polls and undecryptable ``m.room.encrypted`` events
  are user messages; state events (membership, create, name, topic, power levels …),
  redactions, reactions and calls are system messages. A topic or name change keeps the
  new topic/name as its text.
* Authors are Matrix ids; the display name is the latest one a membership event gave
  before the message (the export has no user directory).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_EDIT,
    PART_FIELD,
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
    Entry,
    Source,
    entry_folder,
    entry_label,
    epoch_ms,
    first_char,
    isolated,
    json_list,
    json_obj,
    json_prefix,
    json_str,
    json_walk,
    open_json,
    sniff_each,
    sniff_values,
)
from scanner.readers.textparts import Parts

PLATFORM = "matrix"

HEADER_KEYS = ("room_name", "room_creator", "topic", "export_date", "exported_by")
# Where a file keeps its events: Element's export, a /messages page, a bare list.
EVENT_PATTERNS = ("messages/*", "chunk/*", "*")
EVENT_PREFIXES = frozenset(map(json_prefix, EVENT_PATTERNS))
WANTED = frozenset([*HEADER_KEYS, *EVENT_PREFIXES])
# Element's attachment folders (Exporter.getFilePath).
MEDIA_DIRS = {
    "m.image": "images",
    "m.video": "videos",
    "m.audio": "audio",
    "m.file": "files",
}
STICKER_DIR = "stickers"
MEDIA_FOLDERS = frozenset([*MEDIA_DIRS.values(), STICKER_DIR])
USER_EVENT_TYPES = frozenset(
    ["m.room.message", "m.sticker", "m.room.encrypted", "m.poll.start", "org.matrix.msc3381.poll.start"]
)
POLL_KEYS = ("m.poll.start", "org.matrix.msc3381.poll.start")
ATTACHMENT_MSGTYPES = frozenset(MEDIA_DIRS)
VOICE_KEYS = ("org.matrix.msc3245.voice", "m.voice")

MAX_MEMBERS = 100_000  # display names kept; a room's member list, not its messages


class MatrixReader:
    """Element's JSON chat export (or raw Matrix events), file, folder or zip."""

    name: ClassVar[str] = "matrix"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = "Matrix / Element JSON chat export (export.json or matrix-*-export-*.json)"
    detection: ClassVar[str] = (
        "a .json object with Element's header keys (room_name plus room_creator/export_date/"
        "exported_by), or whose 'messages'/'chunk' list (or the file itself, a list) holds Matrix "
        "events (type, sender '@…', origin_server_ts); a folder or zip of such files with only "
        "Element's media folders beside them"
    )

    def sniff(self, source: Source) -> bool:
        if source.is_file:
            return sniff_each(source, _sniff_entry)
        root = source.strip_root()
        jsons: list[Entry] = []
        for entry in source.entries():
            rel = entry.name[len(root) :]
            if entry.suffix == ".json":
                jsons.append(entry)
            elif not _is_media(rel):
                return False
        return sniff_each(source, _sniff_entry, jsons)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.is_file:
            yield from _read_entry(source, source.entries()[0])
            return
        found = False
        for entry in source.entries():
            if entry.suffix != ".json":
                continue
            if not _sniff_entry(entry):
                if entry.size:
                    yield Skipped(entry.location, "not a Matrix export; not read")
                continue
            found = True
            yield from isolated(entry, functools.partial(_read_entry, source))
        if not found:
            raise ReaderError(source.display, "no Matrix JSON export found")


def _is_media(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) >= 2 and parts[-2] in MEDIA_FOLDERS


# --- sniffing -------------------------------------------------------------------------


def _sniff_entry(entry: Entry) -> bool:
    """Element's header keys, or a first event that is a Matrix event, near the top of the file."""
    first = first_char(entry)
    if first not in ("{", "["):
        return False
    header: set[str] = set()
    record: Any = None
    for prefix, at, value in sniff_values(entry, WANTED):
        if prefix in EVENT_PREFIXES:
            if prefix == "item" and (first != "[" or len(at) != 1):
                continue
            record = value
            break
        if first == "{" and isinstance(value, str):
            header.add(prefix)
    if "room_name" in header and header & {"room_creator", "export_date", "exported_by"}:
        return True
    return _is_event(record)


def _is_event(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    sender, ts = value.get("sender"), value.get("origin_server_ts")
    return (
        isinstance(value.get("type"), str)
        and isinstance(sender, str)
        and sender.startswith("@")
        and isinstance(ts, int)
        and not isinstance(ts, bool)
        and (isinstance(value.get("event_id"), str) or isinstance(value.get("content"), dict))
    )


# --- reading --------------------------------------------------------------------------


@dataclass(slots=True)
class _Room:
    """What one file says about its room, filled as the stream goes."""

    label: str
    header: dict[str, str] = field(default_factory=dict)
    conversation: Conversation | None = None
    names: dict[str, str] = field(default_factory=dict)  # Matrix id -> latest display name

    def conversation_for(self, event: dict[str, Any]) -> Conversation:
        if self.conversation is None:
            room_id = json_str(event.get("room_id"))
            name = self.header.get("room_name", "")
            self.conversation = Conversation(
                id=room_id or name or self.label,
                name=name or room_id or self.label,
                kind=ConversationKind.GROUP,
            )
        return self.conversation


def _read_entry(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    label = entry_label(source, entry)
    media = _MediaIndex(source, entry_folder(entry))
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    room = _Room(label)
    first = first_char(entry)
    seen_events = False
    with stream:
        for hit in json_walk(entry, stream, (*HEADER_KEYS, *EVENT_PATTERNS), "events"):
            if isinstance(hit, Skipped):
                yield hit
                return
            if hit.pattern in HEADER_KEYS:
                if first == "{" and isinstance(hit.value, str):
                    room.header[hit.pattern] = hit.value
                continue
            seen_events = True
            location = f"{entry.location}#{hit.pointer}"
            if not isinstance(hit.value, dict):
                yield Skipped(location, "event is not an object")
                continue
            decrypted = hit.value.get("decrypted")
            event: dict[str, Any] = decrypted if isinstance(decrypted, dict) else hit.value
            yield _message(source, location, event, hit.indices[-1], room, media)
    if not seen_events and not room.header:
        yield Skipped(entry.location, "not a Matrix export (no events)")


def _message(
    source: Source,
    location: str,
    event: dict[str, Any],
    index: int,
    room: _Room,
    media: _MediaIndex,
) -> Message:
    etype = json_str(event.get("type"))
    content = json_obj(event.get("content"))
    unsigned = json_obj(event.get("unsigned"))
    relations = json_obj(unsigned.get("m.relations"))
    relates = json_obj(content.get("m.relates_to"))
    rel_type = json_str(relates.get("rel_type"))
    event_id = json_str(event.get("event_id"))
    sender = json_str(event.get("sender"))
    if etype == "m.room.member":
        _note_member(room, event, content)
    redacted = "redacted_because" in unsigned or "redacted_because" in event

    thread_id: str | None = None
    reply_to: str | None = json_str(json_obj(relates.get("m.in_reply_to")).get("event_id")) or None
    if rel_type == "m.thread":
        thread_id = json_str(relates.get("event_id")) or None
        if reply_to is None or relates.get("is_falling_back") is True:
            reply_to = thread_id
    elif "m.thread" in relations and event_id:
        thread_id = event_id  # a thread root is its own thread

    text = "" if redacted else _text(etype, content, rel_type)
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=room.conversation_for(event),
        message_id=event_id or f"{room.label}#{index}",
        author=Author(id=sender, name=room.names.get(sender, sender)),
        timestamp=epoch_ms(event.get("origin_server_ts")),
        text=text,
        thread_id=thread_id,
        reply_to=reply_to,
        attachments=() if redacted else _attachments(etype, content, media),
        parts=() if redacted else _parts(location, event, content, text),
        edited=rel_type == "m.replace" or "m.replace" in relations,
        deleted=redacted,
        kind=MessageKind.USER if etype in USER_EVENT_TYPES else MessageKind.SYSTEM,
    )


def _note_member(room: _Room, event: dict[str, Any], content: dict[str, Any]) -> None:
    user = json_str(event.get("state_key"))
    name = json_str(content.get("displayname"))
    if user and name and (user in room.names or len(room.names) < MAX_MEMBERS):
        room.names[user] = name


def _text(etype: str, content: dict[str, Any], rel_type: str) -> str:
    if rel_type == "m.replace":
        new = json_obj(content.get("m.new_content"))
        if isinstance(new.get("body"), str):
            return str(new["body"])
    body = content.get("body")
    if isinstance(body, str):
        return body
    if etype == "m.room.topic":
        return json_str(content.get("topic"))
    if etype == "m.room.name":
        return json_str(content.get("name"))
    for key in POLL_KEYS:
        question = json_obj(json_obj(content.get(key)).get("question"))
        for field_name in ("body", "m.text", "org.matrix.msc1767.text"):
            if isinstance(question.get(field_name), str):
                return str(question[field_name])
    return ""


def _attachments(etype: str, content: dict[str, Any], media: _MediaIndex) -> tuple[Attachment, ...]:
    msgtype = json_str(content.get("msgtype"))
    if etype != "m.sticker" and msgtype not in ATTACHMENT_MSGTYPES:
        return ()
    body = json_str(content.get("body"))
    name = json_str(content.get("filename")) or body
    if not name:
        return ()
    info = json_obj(content.get("info"))
    size = info.get("size")
    mime = json_str(info.get("mimetype"))
    folder = STICKER_DIR if etype == "m.sticker" else MEDIA_DIRS[msgtype]
    return (
        Attachment(
            name=name,
            size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
            mime=mime or None,
            path=media.find(folder, body or name, forced_ext=_forced_ext(etype, content)),
        ),
    )


def _parts(location: str, event: dict[str, Any], content: dict[str, Any], text: str) -> tuple[TextPart, ...]:
    """A file's name when its body is a caption; an edit's fallback body when it differs from the
    new text; the latest edit of an original message (Synapse bundles it); poll answers."""
    parts = Parts(location, text)
    parts.add(PART_ATTACHMENT_NAME, content.get("filename"), "content", "filename")
    body = json_str(content.get("body"))
    if body.strip().removeprefix("* ") != text.strip():  # an edit's "* new text" fallback repeats it
        parts.add(PART_EDIT, body, "content", "body")
    replace = json_obj(json_obj(json_obj(event.get("unsigned")).get("m.relations")).get("m.replace"))
    new = json_obj(json_obj(replace.get("content")).get("m.new_content"))
    parts.add(
        PART_EDIT, new.get("body"), "unsigned", "m.relations", "m.replace", "content", "m.new_content", "body"
    )
    for key in POLL_KEYS:
        for i, answer in enumerate(json_list(json_obj(content.get(key)).get("answers"))):
            for name in ("body", "m.text", "org.matrix.msc1767.text"):
                parts.add(PART_FIELD, json_obj(answer).get(name), "content", key, "answers", i, name)
    return parts.result()


def _forced_ext(etype: str, content: dict[str, Any]) -> str | None:
    """Element saves stickers as .png and voice messages as .ogg whatever the body says."""
    if etype == "m.sticker":
        return ".png"
    if any(key in content for key in VOICE_KEYS):
        return ".ogg"
    return None


class _MediaIndex:
    """Attachment files of an Element zip, by folder and the body's stem and extension.

    Element names a file ``<folder>/<body stem>-<date in the browser's locale><body ext>``
    (the body, even when it is a caption and ``filename`` differs); the date cannot be
    rebuilt, so a file is matched on the rest and only when that is unambiguous.
    """

    def __init__(self, source: Source, prefix: str) -> None:
        self._prefix = prefix  # the export file's folder, with a trailing slash ('' at the top)
        self._names: dict[str, list[str]] = {}
        if source.is_file:
            return
        for name in source.names():
            if not name.startswith(self._prefix):
                continue
            rel = name[len(self._prefix) :]
            folder, _, _ = rel.partition("/")
            if folder in MEDIA_FOLDERS and rel.count("/") == 1:
                self._names.setdefault(folder, []).append(rel)

    def find(self, folder: str, body: str, *, forced_ext: str | None) -> str | None:
        files = self._names.get(folder)
        if not files or "/" in body:
            return None
        stem, dot, ext = body.rpartition(".")
        if not dot:
            stem, ext = body, ""
        suffix = forced_ext if forced_ext is not None else (f".{ext}" if ext else "")
        start = f"{folder}/{stem}-"
        hits = [f for f in files if f.startswith(start) and f.endswith(suffix)]
        return self._prefix + hits[0] if len(hits) == 1 else None
