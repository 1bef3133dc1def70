"""Google Chat and legacy Hangouts from Google Takeout (shared notes, section 2.11).

**Google Chat** (``Takeout/Google Chat/`` or the unzipped ``Google Chat/`` folder)::

    Groups/DM <id>/     messages.json  group_info.json  File-2023-01-03.png …
    Groups/Space <id>/  messages.json  group_info.json  …
    Users/User <id>/    user_info.json

``messages.json`` is ``{"messages": [{creator {name, email, user_type}, created_date,
updated_date?, text, topic_id, message_id, annotations, attached_files [{original_name,
export_name}], reactions, deletion_metadata?} …]}`` and ``group_info.json`` is
``{"name"?, "members": [{name, email, user_type}]}`` (no name for a DM).

**Hangouts** (``Takeout/Hangouts/Hangouts.json``) is read by the ``hangouts`` module.

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
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_EMBED,
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
    Entry,
    Source,
    entry_label,
    first_char,
    first_str,
    isolated,
    json_id,
    json_list,
    json_obj,
    json_prefix,
    json_str,
    json_walk,
    load_json,
    open_json,
    sniff_each,
    sniff_values,
)
from scanner.readers.googledates import parse_google_date
from scanner.readers.hangouts import (
    CONVERSATION_KEYS,
    HANGOUTS_CONVERSATIONS,
    HANGOUTS_EVENTS,
    HANGOUTS_PATTERNS,
    is_hangouts_event,
    read_hangouts,
)
from scanner.readers.textparts import Parts

PLATFORM = "googlechat"

MESSAGES_FILE = "messages.json"
GROUP_INFO_FILE = "group_info.json"
USER_INFO_FILE = "user_info.json"
HANGOUTS_FILE = "Hangouts.json"
# Files a Takeout folder holds beside the chat data.
TAKEOUT_EXTRAS = frozenset(["archive_browser.html"])
GROUP_PREFIXES = ("DM ", "Space ")

# Google's wrapper around a link it has checked (its name is Google's own).
SAFE_URL = "private_do_not_access_or_else_safe_url_wrapped_value"


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
        if source.is_file:
            return sniff_each(source, lambda e: _sniff_entry(e) is not None)
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
        checked = [e for e in data if not (e.basename == MESSAGES_FILE and _is_empty_chat(e))]
        return sniff_each(source, lambda e: _sniff_entry(e) is not None, checked)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.is_file:
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
            yield from isolated(entry, functools.partial(_read_entry, source, shape=shape))
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
SNIFF_WANTED = frozenset(json_prefix(p) for p in ("messages/*", *HANGOUTS_PATTERNS))


_CONVERSATION_PREFIXES = frozenset(map(json_prefix, HANGOUTS_CONVERSATIONS))
_EVENT_PREFIXES = frozenset(map(json_prefix, HANGOUTS_EVENTS))


def _sniff_entry(entry: Entry) -> str | None:
    """ "chat" or "hangouts" when the file's head has that shape, else None."""
    if entry.suffix != ".json":
        return None
    if first_char(entry) != "{":
        return None
    for prefix, _, value in sniff_values(entry, SNIFF_WANTED):
        if prefix == "messages.item":
            return _CHAT if _is_chat_message(value) else None
        if prefix in _CONVERSATION_PREFIXES:
            if isinstance(value, dict) and value.keys() & CONVERSATION_KEYS:
                return _HANGOUTS
            return None
        if prefix in _EVENT_PREFIXES:
            return _HANGOUTS if is_hangouts_event(value) else None
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


# --- reading --------------------------------------------------------------------------


def _read_entry(source: Source, entry: Entry, shape: str | None) -> Iterator[Message | Skipped]:
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    label = entry_label(source, entry)
    with stream:
        if shape == _HANGOUTS:
            yield from read_hangouts(source, entry, stream, label)
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
    for hit in json_walk(entry, stream, ("messages/*",)):
        if isinstance(hit, Skipped):
            yield hit
            return
        count += 1
        location = f"{entry.location}#{hit.pointer}"
        if not isinstance(hit.value, dict):
            yield Skipped(location, "record is not an object")
            continue
        yield _chat_message(source, location, f"{label}#{hit.indices[-1]}", hit.value, group)
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
    text = json_str(rec.get("text"))
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=group.conversation,
        message_id=message_id or fallback_id,
        author=Author(id=email or name, name=name or email),
        timestamp=parse_google_date(created),
        text=text,
        thread_id=thread_id,
        reply_to=reply_to,
        attachments=_chat_attachments(source, rec, group.folder),
        parts=_chat_parts(location, rec, text),
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


def _chat_parts(location: str, rec: dict[str, Any], text: str) -> tuple[TextPart, ...]:
    """File names as the author gave them, link previews (title, snippet; the URL when the
    text does not hold it), Drive file titles and the text of a quoted message."""
    parts = Parts(location, text)
    for i, f in enumerate(json_list(rec.get("attached_files"))):
        key = "original_name" if json_str(json_obj(f).get("original_name")) else "export_name"
        parts.fields(PART_ATTACHMENT_NAME, f, (key,), "attached_files", i)
    for i, note in enumerate(json_list(rec.get("annotations"))):
        preview = json_obj(json_obj(note).get("url_metadata"))
        parts.fields(PART_LINK, preview, ("title", "snippet"), "annotations", i, "url_metadata")
        url = json_str(json_obj(preview.get("url")).get(SAFE_URL))
        if url not in text:
            parts.add(PART_LINK, url, "annotations", i, "url_metadata", "url", SAFE_URL)
        drive = json_obj(json_obj(note).get("drive_metadata"))
        parts.fields(PART_FILE_METADATA, drive, ("title",), "annotations", i, "drive_metadata")
    quoted = json_obj(rec.get("quoted_message_metadata"))
    parts.add(PART_EMBED, quoted.get("text"), "quoted_message_metadata", "text")
    return parts.result()


def _exported_file(source: Source, folder: str, export_name: str) -> str | None:
    if not export_name or "/" in export_name or export_name in (".", ".."):
        return None
    prefix = f"{folder}/" if folder else ""
    for candidate in (export_name, export_name.replace("?", "_")):
        if source.member(prefix + candidate) is not None:
            return prefix + candidate
    return None
