"""Google Chat and legacy Hangouts from Google Takeout (shared notes, section 2.11).

**Google Chat** (``Takeout/Google Chat/`` or the unzipped ``Google Chat/`` folder)::

    Groups/DM <id>/     messages.json  group_info.json  File-2023-01-03.png …
    Groups/Space <id>/  messages.json  group_info.json  …
    Users/User <id>/    user_info.json

``messages.json`` is ``{"messages": [{creator {name, email, user_type}, created_date,
updated_date?, text, topic_id, message_id, annotations, attached_files [{original_name,
export_name}], reactions, deletion_metadata?} …]}`` and ``group_info.json`` is
``{"name"?, "members": [{name, email, user_type}]}`` (no name for a DM).

**Hangouts** (``Takeout/Hangouts/Hangouts.json``, often hundreds of MB)::

    {"conversations": [{"conversation": {"conversation_id": {"id"},
        "conversation": {"type", "name"?, "participant_data": [{"id": {"gaia_id", "chat_id"},
        "fallback_name"}]}},
      "events": [{"event_id", "sender_id": {"gaia_id"}, "timestamp" (µs), "event_type",
        "chat_message": {"message_content": {"segment": [{"type", "text"}],
        "attachment": [{"embed_item": …}]}}} …]} …]}

and the pre-2018 shape ``{"conversation_state": [{"conversation_state": {"conversation":
…, "event": [ … ]}}]}``. Both are streamed with ijson: memory holds one event plus one
conversation's participants (the conversation object comes before its events in Takeout
files; events found before it get a conversation named by its id).

Decisions worth knowing:

* Google Chat ``created_date`` is Google's English date, "Tuesday, January 3, 2023 at
  9:01:02 AM UTC" (newer exports put U+202F NARROW NO-BREAK SPACE before AM/PM; 24-hour
  and other zone abbreviations are parsed too). UTC and offsets give aware times; an
  unknown zone name leaves the time naive.
* ``message_id`` is Google's ``message_id`` (``<group>/<topic>/<message>``), else
  ``<file>#<index>``. A reply in a topic (its id's last part is not the topic) has
  ``thread_id`` = ``topic_id`` and ``reply_to`` = the topic's first message,
  ``<group>/<topic>/<topic>``. A topic's first message has no ``thread_id``: in a flat DM
  every message opens its own topic, and giving each its own thread would cut a question
  off from the answer that follows it. ``updated_date`` marks ``edited``;
  ``deletion_metadata`` or a deleted ``message_state`` marks ``deleted``.
* The conversation is the group folder: ``DM …`` folders are DMs (a group when more than
  two members), ``Space …`` folders channels; ``group_info.json`` gives the name, members
  and member count. Authors are the creator's e-mail (id) and name.
* Attachments are ``attached_files`` with the path inside the export when the file is
  there (Takeout writes ``?`` in ``export_name`` as ``_`` on disk).
* Hangouts: ``message_id`` is ``event_id``; text is the concatenated segments (LINE_BREAK
  as a newline); chat, SMS and voicemail events are user messages, hangout calls,
  membership and rename events system messages (a rename keeps the new name as text).
  Hangouts was folded into Google Chat, and its messages carry the platform
  ``googlechat`` like the rest of this reader's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import PurePosixPath
from typing import IO, Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import Attachment, Author, Conversation, ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import (
    IJSON_ERRORS,
    MAX_JSON_DEPTH,
    Entry,
    JsonTooDeep,
    Source,
    entry_label,
    first_char,
    first_str,
    json_id,
    json_obj,
    json_str,
    load_json,
    open_json,
    sniff_values,
    stream_values,
)

PLATFORM = "googlechat"

MESSAGES_FILE = "messages.json"
GROUP_INFO_FILE = "group_info.json"
USER_INFO_FILE = "user_info.json"
HANGOUTS_FILE = "Hangouts.json"
# Files a Takeout folder holds beside the chat data.
TAKEOUT_EXTRAS = frozenset(["archive_browser.html"])
GROUP_PREFIXES = ("DM ", "Space ")

CHAT_WANTED = frozenset(["messages.item"])
# Hangouts: the current shape, then the pre-2018 one.
HANGOUTS_CONVERSATIONS = {
    "conversations.item.conversation": "conversations",
    "conversation_state.item.conversation_state.conversation": "conversation_state",
}
HANGOUTS_EVENTS = {
    "conversations.item.events.item": "/conversations/{0}/events/{1}",
    "conversation_state.item.conversation_state.event.item": (
        "/conversation_state/{0}/conversation_state/event/{1}"
    ),
}
HANGOUTS_WANTED = frozenset([*HANGOUTS_CONVERSATIONS, *HANGOUTS_EVENTS])
# Keys of a Hangouts conversation object (current shape, then the pre-2018 inner one).
CONVERSATION_KEYS = frozenset(["conversation_id", "conversation", "participant_data"])
HANGOUTS_USER_EVENTS = frozenset(["REGULAR_CHAT_MESSAGE", "SMS", "VOICEMAIL"])

SNIFF_BYTES = 1024 * 1024
SNIFF_ENTRIES = 20

# --- Google's English dates -------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Zone names Google writes (the account's zone; Takeout uses UTC) and their offsets in hours.
ZONES = {
    "UTC": 0.0,
    "GMT": 0.0,
    "Z": 0.0,
    "EST": -5.0,
    "EDT": -4.0,
    "CST": -6.0,
    "CDT": -5.0,
    "MST": -7.0,
    "MDT": -6.0,
    "PST": -8.0,
    "PDT": -7.0,
    "CET": 1.0,
    "CEST": 2.0,
    "BST": 1.0,
    "IST": 5.5,
    "JST": 9.0,
}
_SPACE = r"[ \t\u00a0\u202f]"
# "Tuesday, January 3, 2023 at 9:01:02 AM UTC": weekday optional, seconds optional,
# 12- or 24-hour, U+202F or NBSP before AM/PM, zone name with or without an offset.
GOOGLE_DATE = re.compile(
    rf"(?:[A-Za-z]+,{_SPACE}*)?(?P<month>[A-Za-z]+)\.?{_SPACE}+(?P<day>\d{{1,2}}),?{_SPACE}+"
    rf"(?P<year>\d{{4}}),?{_SPACE}+(?:at{_SPACE}+)?(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})"
    rf"(?::(?P<second>\d{{2}})(?:\.(?P<fraction>\d{{1,6}}))?)?"
    rf"(?:{_SPACE}*(?P<ampm>[AaPp])\.?{_SPACE}?[Mm]\.?)?"
    rf"(?:{_SPACE}*(?P<zone>[A-Za-z]{{1,5}})?(?P<offset>[+-]\d{{1,2}}(?::?\d{{2}})?)?)?"
)


def parse_google_date(value: Any) -> datetime | None:
    """A Takeout date string as a datetime: aware for UTC/GMT/known zones/offsets, else naive."""
    if not isinstance(value, str):
        return None
    m = GOOGLE_DATE.fullmatch(value.strip(" \t\u00a0\u202f"))
    if m is None:
        return None
    month = MONTHS.get(m["month"].lower())
    if month is None:
        return None
    hour = int(m["hour"])
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
    zone = (m["zone"] or "").upper()
    tz: timezone | None = None
    if zone or m["offset"]:
        if zone and zone not in ZONES:
            tz = None  # a zone we cannot place: keep the wall time, naive
        else:
            hours = ZONES.get(zone, 0.0)
            tz = timezone(timedelta(hours=hours) + _offset(m["offset"]))
    try:
        return datetime(
            int(m["year"]),
            month,
            int(m["day"]),
            hour,
            int(m["minute"]),
            int(m["second"] or 0),
            int((m["fraction"] or "0").ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _offset(text: str | None) -> timedelta:
    if not text:
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


# --- the reader -------------------------------------------------------------------------


class GoogleChatReader:
    """Google Chat Takeout (Groups/<name>/messages.json) and legacy Hangouts.json."""

    name: ClassVar[str] = "googlechat"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Google Chat Takeout (Groups/<DM|Space id>/messages.json + group_info.json) and legacy "
        "Hangouts (Hangouts.json)"
    )
    detection: ClassVar[str] = (
        "a .json object whose 'messages' hold creator + created_date (Google Chat), or whose "
        "'conversations' (or old 'conversation_state') list holds conversation/events (Hangouts); "
        "a folder/zip of Takeout's Google Chat Groups/Users folders and Hangouts.json"
    )

    def sniff(self, source: Source) -> bool:
        """A messages.json or Hangouts.json, or a folder/zip holding nothing but Takeout's chat
        layout: group folders (messages, group_info, attachments), Users/…/user_info.json,
        Hangouts.json and archive_browser.html."""
        if source.kind == "file":
            entries = source.entries()
            return len(entries) == 1 and _sniff_entry(entries[0]) is not None
        groups = _group_folders(source)
        data: list[Entry] = []
        for entry in source.entries():
            base = entry.basename
            if base in TAKEOUT_EXTRAS or _is_user_info(entry.name):
                continue
            folder = entry.name.rpartition("/")[0]
            if folder in groups and base == MESSAGES_FILE:
                data.append(entry)
            elif _in_group(entry.name, groups):
                continue  # group_info.json and the group's attachments
            elif entry.suffix == ".json":
                data.append(entry)  # Hangouts.json
            else:
                return False
        checked = [e for e in data if not (e.basename == MESSAGES_FILE and _is_empty_chat(e))][:SNIFF_ENTRIES]
        return bool(checked) and all(_sniff_entry(e) is not None for e in checked)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            entry = source.entries()[0]
            yield from _read_entry(source, entry, _sniff_entry(entry))
            return
        groups = _group_folders(source)
        found = False
        for entry in source.entries():
            if entry.suffix != ".json" or entry.basename in (GROUP_INFO_FILE, USER_INFO_FILE):
                continue
            in_group = _in_group(entry.name, groups)
            if in_group and entry.basename != MESSAGES_FILE:
                continue  # an attachment that happens to be JSON
            shape = _sniff_entry(entry)
            if shape is None and in_group:
                shape = _CHAT  # a group's messages.json: read it, whatever its state
            if shape is None:
                if entry.size:
                    yield Skipped(entry.location, "not a Google Chat or Hangouts file; not read")
                continue
            found = True
            yield from _read_entry(source, entry, shape)
        if not found:
            raise ReaderError(source.display, "no Google Chat messages.json or Hangouts.json found")


def _group_folders(source: Source) -> set[str]:
    """Folders that are one Google Chat group: they hold messages.json or group_info.json."""
    return {
        e.name.rpartition("/")[0] for e in source.entries() if e.basename in (MESSAGES_FILE, GROUP_INFO_FILE)
    }


def _in_group(name: str, groups: set[str]) -> bool:
    parts = name.split("/")
    return any("/".join(parts[:i]) in groups for i in range(len(parts)))


def _is_user_info(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) >= 3 and parts[-3] == "Users" and parts[-1] == USER_INFO_FILE


# --- sniffing -------------------------------------------------------------------------

_CHAT, _HANGOUTS = "chat", "hangouts"
SNIFF_WANTED = frozenset(["messages.item", *HANGOUTS_WANTED])


def _sniff_entry(entry: Entry) -> str | None:
    """ "chat" or "hangouts" when the file's head has that shape, else None."""
    if entry.suffix != ".json":
        return None
    if first_char(entry) != "{":
        return None
    for prefix, _, value in sniff_values(entry, SNIFF_WANTED):
        if prefix == "messages.item":
            return _CHAT if _is_chat_message(value) else None
        if prefix in HANGOUTS_CONVERSATIONS:
            if isinstance(value, dict) and value.keys() & CONVERSATION_KEYS:
                return _HANGOUTS
            return None
        if prefix in HANGOUTS_EVENTS:
            return _HANGOUTS if _is_hangouts_event(value) else None
    return None


def _is_empty_chat(entry: Entry) -> bool:
    """``{"messages": []}``: a group without messages (Takeout still writes the file)."""
    if entry.size > 4096:
        return False
    try:
        value = load_json(entry)
    except (ReaderError, RecursionError):
        return False
    return isinstance(value, dict) and value.get("messages") == []


def _is_chat_message(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("creator"), dict)
        and isinstance(value.get("created_date"), str)
    )


def _is_hangouts_event(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("sender_id"), dict) and "timestamp" in value


# --- reading --------------------------------------------------------------------------


def _read_entry(source: Source, entry: Entry, shape: str | None) -> Iterator[Message | Skipped]:
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    label = entry_label(source, entry)
    with stream:
        if shape == _HANGOUTS:
            yield from _read_hangouts(source, entry, stream, label)
        else:
            yield from _read_chat(source, entry, stream, label)


# Google Chat


@dataclass(frozen=True, slots=True)
class _Group:
    conversation: Conversation
    folder: str  # the group folder inside the input ('' for a lone file)
    group_id: str


def _group(source: Source, entry: Entry, label: str) -> tuple[_Group, list[Skipped]]:
    folder = entry.name.rpartition("/")[0] if entry.name else ""
    if entry.name:
        group_name = PurePosixPath(folder).name if folder else PurePosixPath(source.path.as_posix()).name
    else:
        # A lone messages.json: Takeout's folder around it names the group.
        parent = PurePosixPath(source.path.as_posix().rpartition("!")[2]).parent.name
        group_name = parent if parent.startswith(GROUP_PREFIXES) else ""
    info: dict[str, Any] = {}
    skipped: list[Skipped] = []
    info_entry = (
        source.get(f"{folder}/{GROUP_INFO_FILE}" if folder else GROUP_INFO_FILE) if entry.name else None
    )
    if info_entry is not None:
        try:
            loaded = load_json(info_entry)
        except ReaderError as exc:
            skipped.append(Skipped(exc.location, exc.reason))
        except RecursionError:
            skipped.append(Skipped(info_entry.location, "JSON nested too deep"))
        else:
            info = loaded if isinstance(loaded, dict) else {}
    raw = info.get("members")
    names: list[str] = []
    if isinstance(raw, list):
        for member in raw:
            if isinstance(member, dict):
                name = first_str(member.get("name"), member.get("email"))
                if name:
                    names.append(name)
    members = tuple(dict.fromkeys(names))
    count = len(raw) if isinstance(raw, list) else None
    if group_name.startswith("Space "):
        kind = ConversationKind.CHANNEL
    elif group_name.startswith("DM "):
        kind = ConversationKind.GROUP if count is not None and count > 2 else ConversationKind.DM
    elif count is not None:
        kind = ConversationKind.DM if count <= 2 else ConversationKind.GROUP
    else:
        kind = ConversationKind.GROUP
    group_id = group_name.split(" ", 1)[1] if " " in group_name else group_name
    cid = group_name or label
    name = first_str(info.get("name")) or ", ".join(members) or cid
    conversation = Conversation(id=cid, name=name, kind=kind, member_count=count, members=members)
    return _Group(conversation, folder, group_id), skipped


def _read_chat(source: Source, entry: Entry, stream: IO[bytes], label: str) -> Iterator[Message | Skipped]:
    group, skipped = _group(source, entry, label)
    yield from skipped
    count = 0
    try:
        for _, at, value in stream_values(stream, CHAT_WANTED):
            index = at[-1]
            location = f"{entry.location}#/messages/{index}"
            count += 1
            if not isinstance(value, dict):
                yield Skipped(location, "record is not an object")
                continue
            yield _chat_message(source, location, f"{label}#{index}", value, group)
    except JsonTooDeep:
        yield Skipped(
            entry.location, f"JSON nested deeper than {MAX_JSON_DEPTH} levels after {count} messages"
        )
        return
    except IJSON_ERRORS:
        # ijson's messages quote the input, so the reason is built from structure only.
        yield Skipped(entry.location, f"invalid or truncated JSON after {count} messages")
        return
    if count == 0 and _sniff_entry(entry) is None and not _is_empty_chat(entry):
        yield Skipped(entry.location, "not a Google Chat messages file (no messages list)")


def _chat_message(
    source: Source, location: str, fallback_id: str, rec: dict[str, Any], group: _Group
) -> Message:
    creator = json_obj(rec.get("creator"))
    email, name = json_str(creator.get("email")), json_str(creator.get("name"))
    message_id = json_id(rec.get("message_id"))
    topic = json_id(rec.get("topic_id"))
    thread_id = reply_to = None
    parts = message_id.split("/")
    if topic and len(parts) == 3 and parts[1] == topic and parts[2] != topic:
        thread_id, reply_to = topic, f"{parts[0]}/{topic}/{topic}"
    created = rec.get("created_date")
    updated = rec.get("updated_date")
    state = json_str(rec.get("message_state")).upper()
    text = rec.get("text")
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=group.conversation,
        message_id=message_id or fallback_id,
        author=Author(id=email or name, name=name or email),
        timestamp=parse_google_date(created),
        text=text if isinstance(text, str) else "",
        thread_id=thread_id,
        reply_to=reply_to,
        attachments=_chat_attachments(source, rec, group.folder),
        edited=isinstance(updated, str) and bool(updated) and updated != created,
        deleted=rec.get("deletion_metadata") is not None or "DELETED" in state,
        kind=MessageKind.USER,
    )


def _chat_attachments(source: Source, rec: dict[str, Any], folder: str) -> tuple[Attachment, ...]:
    files = rec.get("attached_files")
    if not isinstance(files, list):
        return ()
    out: list[Attachment] = []
    for f in files:
        if not isinstance(f, dict):
            continue
        export_name = json_str(f.get("export_name"))
        name = first_str(f.get("original_name"), export_name)
        if not name:
            continue
        out.append(Attachment(name=name, path=_exported_file(source, folder, export_name)))
    return tuple(out)


def _exported_file(source: Source, folder: str, export_name: str) -> str | None:
    if not export_name or "/" in export_name or export_name in (".", ".."):
        return None
    prefix = f"{folder}/" if folder else ""
    for candidate in (export_name, export_name.replace("?", "_")):
        if source.kind != "file" and source.get(prefix + candidate) is not None:
            return prefix + candidate
    return None


# Hangouts


@dataclass(slots=True)
class _HangoutsState:
    """The conversation being read and its participants' names (one at a time)."""

    index: int = -1
    conversation: Conversation | None = None
    names: dict[str, str] = field(default_factory=dict)


def _read_hangouts(
    source: Source, entry: Entry, stream: IO[bytes], label: str
) -> Iterator[Message | Skipped]:
    state = _HangoutsState()
    count = 0
    seen = False
    try:
        for prefix, at, value in stream_values(stream, HANGOUTS_WANTED):
            seen = True
            if len(at) != (1 if prefix in HANGOUTS_CONVERSATIONS else 2):
                continue  # "conversations" is not a list: nothing to point at
            if prefix in HANGOUTS_CONVERSATIONS:
                state.index = at[0]
                state.conversation, state.names = _hangouts_conversation(value, f"{label}#{at[0]}")
                continue
            outer, inner = at[0], at[-1]
            location = f"{entry.location}#{HANGOUTS_EVENTS[prefix].format(outer, inner)}"
            count += 1
            if not isinstance(value, dict):
                yield Skipped(location, "event is not an object")
                continue
            if state.index != outer or state.conversation is None:
                cid = json_id(json_obj(value.get("conversation_id")).get("id")) or f"{label}#{outer}"
                state.index = outer
                state.conversation = Conversation(id=cid, name=cid, kind=ConversationKind.GROUP)
                state.names = {}
            yield _hangouts_message(source, location, f"{label}#{outer}/{inner}", value, state)
    except JsonTooDeep:
        yield Skipped(entry.location, f"JSON nested deeper than {MAX_JSON_DEPTH} levels after {count} events")
        return
    except IJSON_ERRORS:
        yield Skipped(entry.location, f"invalid or truncated JSON after {count} events")
        return
    if not seen:
        yield Skipped(entry.location, "not a Hangouts export (no conversations)")


def _hangouts_conversation(value: Any, fallback: str) -> tuple[Conversation, dict[str, str]]:
    outer = json_obj(value)
    # Current shape: {conversation_id, conversation: {…}}; pre-2018: the inner object itself.
    inner = json_obj(outer.get("conversation")) if "conversation" in outer else outer
    cid = (
        json_id(json_obj(outer.get("conversation_id")).get("id"))
        or json_id(json_obj(inner.get("id")).get("id"))
        or json_id(json_obj(inner.get("conversation_id")).get("id"))
    )
    names: dict[str, str] = {}
    ordered: list[str] = []
    raw = inner.get("participant_data")
    for p in raw if isinstance(raw, list) else []:
        if not isinstance(p, dict):
            continue
        pid = json_obj(p.get("id"))
        gaia = json_id(pid.get("gaia_id")) or json_id(pid.get("chat_id"))
        name = json_str(p.get("fallback_name")) or json_str(json_obj(p.get("phone_number")).get("e164"))
        if gaia and name:
            names[gaia] = name
        if name:
            ordered.append(name)
    members = tuple(dict.fromkeys(ordered))
    ctype = json_str(inner.get("type"))
    if ctype == "STICKY_ONE_TO_ONE":
        kind = ConversationKind.DM
    elif ctype == "GROUP":
        kind = ConversationKind.GROUP
    else:
        kind = ConversationKind.DM if raw is not None and len(members) == 2 else ConversationKind.GROUP
    cid = cid or fallback
    name = json_str(inner.get("name")) or ", ".join(members) or cid
    count = len(raw) if isinstance(raw, list) else None
    return Conversation(id=cid, name=name, kind=kind, member_count=count, members=members), names


def _hangouts_message(
    source: Source, location: str, fallback_id: str, event: dict[str, Any], state: _HangoutsState
) -> Message:
    sender = json_obj(event.get("sender_id"))
    author_id = json_id(sender.get("gaia_id")) or json_id(sender.get("chat_id"))
    etype = json_str(event.get("event_type"))
    content = json_obj(json_obj(event.get("chat_message")).get("message_content"))
    text = _segments_text(content.get("segment"))
    if etype == "RENAME_CONVERSATION" and not text:
        text = json_str(json_obj(event.get("conversation_rename")).get("new_name"))
    user = etype in HANGOUTS_USER_EVENTS or (not etype and "chat_message" in event)
    assert state.conversation is not None
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=state.conversation,
        message_id=json_id(event.get("event_id")) or fallback_id,
        author=Author(id=author_id, name=state.names.get(author_id, author_id)),
        timestamp=_micros(event.get("timestamp")),
        text=text,
        attachments=_hangouts_attachments(content.get("attachment")),
        kind=MessageKind.USER if user else MessageKind.SYSTEM,
    )


def _segments_text(segments: Any) -> str:
    if not isinstance(segments, list):
        return ""
    parts: list[str] = []
    for seg in segments:
        if not isinstance(seg, dict):
            continue
        text = seg.get("text")
        if isinstance(text, str):
            parts.append(text)
        elif seg.get("type") == "LINE_BREAK":
            parts.append("\n")
    return "".join(parts)


def _hangouts_attachments(items: Any) -> tuple[Attachment, ...]:
    if not isinstance(items, list):
        return ()
    out: list[Attachment] = []
    for item in items:
        embed = json_obj(json_obj(item).get("embed_item"))
        if not embed:
            continue
        photo = json_obj(embed.get("plus_photo"))
        url = first_str(
            photo.get("url"), photo.get("original_content_url"), json_obj(photo.get("thumbnail")).get("url")
        )
        name = PurePosixPath(url.split("?", 1)[0]).name if url else ""
        kinds = embed.get("type")
        kind = kinds[0] if isinstance(kinds, list) and kinds and isinstance(kinds[0], str) else ""
        out.append(Attachment(name=name or json_str(embed.get("id")) or kind or "attachment"))
    return tuple(out)


def _micros(value: Any) -> datetime | None:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        value = int(value)
    if isinstance(value, Decimal) and value.is_finite():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value // 1_000_000, UTC).replace(microsecond=value % 1_000_000)
    except (OverflowError, OSError, ValueError):
        return None
