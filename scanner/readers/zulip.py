"""Zulip organization export (``./manage.py export`` / Settings → Data export), as a folder or zip.

Layout (shared notes, section 2.8; table and field names from zulip/zulip
``zerver/lib/export.py`` and its import fixtures). The ``.tar.gz`` Zulip produces is out of
scope: unpack it or re-pack it as a zip. One wrapping folder (``zulip-export-…/``) is fine::

    realm.json            zerver_userprofile (id, full_name, email, role/is_guest),
                          zerver_userprofile_mirrordummy, zerver_userprofile_crossrealm,
                          zerver_stream (id, name), zerver_recipient (id, type, type_id),
                          zerver_subscription (user_profile, recipient, active), zerver_huddle …
    messages-000001.json  {"zerver_message": [...], "zerver_usermessage": [...]}, one file
    messages-000002.json  per batch of messages
    attachment.json       {"zerver_attachment": [{file_name, size, path_id, messages: [ids]}]}
    uploads/<path_id>     the uploaded files; avatars/, emoji/, realm_icons/ beside them

A recipient is a stream (type 2), one user (type 1: a direct message to that user) or a
direct-message group (type 3). Message files are streamed with ijson (``zerver_message.item``),
one message object at a time; ``realm.json`` and ``attachment.json`` are streamed too, keeping
only names, recipients and membership. A message file cut short yields the messages before
the break and one Skipped.

Decisions worth knowing:

* ``message_id`` is ``str(id)``; ``timestamp`` is ``date_sent`` (``pub_date`` in old exports),
  epoch seconds, aware UTC.
* ``text`` is ``content`` (the Markdown the author wrote); only without it is
  ``rendered_content`` converted from HTML to plain text.
* ``thread_id`` is the topic (``subject``) of a stream message; direct messages have none.
* Conversations: a stream is a channel (``stream:<id>``, its subscribers as members, guests
  as ``external_members``); a direct message is a DM of its two users (``dm:<a>,<b>``); a
  direct-message group is a group (``group:<recipient id>``).
* ``edited`` when ``last_edit_time`` is set. Messages by the notification bot and topic
  resolution notices (``type`` 2) are system messages.
* Attachments come from ``attachment.json`` (name, size, type); ``path`` is set when the
  file is inside the export under ``uploads/``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any, ClassVar

import ijson

from scanner.errors import ReaderError
from scanner.model import (
    PART_EDIT,
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
    SNIFF_TEXT_BYTES,
    Entry,
    JsonTooDeep,
    Source,
    guarded,
    head_text,
    isolated,
    json_list,
    json_obj,
    json_str,
    json_walk,
    open_json,
    parse_events,
    sniff_each,
)
from scanner.readers.textparts import Parts

PLATFORM = "zulip"
TOO_DEEP = "JSON nested too deep after {n} {noun}; rest not read"

REALM_FILE = "realm.json"
ATTACHMENT_FILE = "attachment.json"
MESSAGE_FILE = re.compile(r"messages-(?P<n>\d+)\.json")
UPLOADS = "uploads/"

# zerver.models.Recipient types.
PERSONAL, STREAM, DIRECT_MESSAGE_GROUP = 1, 2, 3
# zerver.models.UserProfile.ROLE_GUEST
ROLE_GUEST = 600
# zerver.models.Message.MessageType.RESOLVE_TOPIC_NOTIFICATION
RESOLVE_TOPIC_NOTIFICATION = 2
# The cross-realm bot that posts Zulip's own notices (stream created, topic moved …).
NOTIFICATION_BOT_PREFIX = "notification-bot@"

USER_TABLES = ("zerver_userprofile", "zerver_userprofile_mirrordummy", "zerver_userprofile_crossrealm")
REALM_TABLES = frozenset((*USER_TABLES, "zerver_recipient", "zerver_stream", "zerver_subscription"))

# Member names kept per conversation (member_count stays exact).
MAX_MEMBER_NAMES = 4096


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    try:
        seconds = Decimal(value)
        whole = int(seconds)
        micros = int((seconds - whole) * 1_000_000)
        return datetime.fromtimestamp(whole, UTC).replace(microsecond=max(0, min(micros, 999_999)))
    except (OverflowError, OSError, ValueError, ArithmeticError):
        return None


# --- HTML to text (rendered_content) ------------------------------------------------------------


class _HtmlText(HTMLParser):
    """Plain text of Zulip's rendered HTML: block elements end lines, tags dropped."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "pre", "blockquote", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip("\n")


# --- realm metadata -----------------------------------------------------------------------------


@dataclass(slots=True)
class _User:
    name: str
    email: str
    guest: bool | None


@dataclass(slots=True)
class _Realm:
    users: dict[int, _User] = field(default_factory=dict)
    recipients: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (type, type_id)
    streams: dict[int, str] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)  # recipient id -> user ids
    subscriptions_known: bool = False
    conversations: dict[str, Conversation] = field(default_factory=dict)
    attachments: dict[int, list[Attachment]] = field(default_factory=dict)

    def add(self, table: str, rec: dict[str, Any]) -> None:
        rid = _int(rec.get("id"))
        if table in USER_TABLES and rid is not None:
            role = _int(rec.get("role"))
            guest: bool | None = None
            if role is not None:
                guest = role == ROLE_GUEST
            elif isinstance(rec.get("is_guest"), bool):
                guest = rec["is_guest"]
            email = json_str(rec.get("delivery_email")) or json_str(rec.get("email"))
            self.users[rid] = _User(json_str(rec.get("full_name")), email, guest)
        elif table == "zerver_recipient" and rid is not None:
            kind, type_id = _int(rec.get("type")), _int(rec.get("type_id"))
            if kind is not None and type_id is not None:
                self.recipients[rid] = (kind, type_id)
        elif table == "zerver_stream" and rid is not None:
            self.streams[rid] = json_str(rec.get("name")) or str(rid)
        elif table == "zerver_subscription":
            self.subscriptions_known = True
            user, recipient = _int(rec.get("user_profile")), _int(rec.get("recipient"))
            if user is not None and recipient is not None and rec.get("active", True) is not False:
                self.members.setdefault(recipient, []).append(user)

    def user_name(self, uid: int) -> str:
        user = self.users.get(uid)
        if user is None:
            return str(uid)
        return user.name or user.email or str(uid)

    def conversation(self, recipient: int | None, sender: int | None) -> Conversation:
        rtype, type_id = self.recipients.get(recipient, (0, 0)) if recipient is not None else (0, 0)
        pair: tuple[int, ...] = ()
        if rtype == PERSONAL:
            pair = tuple(sorted({type_id, sender if sender is not None else type_id}))
            key = "dm:" + ",".join(str(u) for u in pair)
        elif rtype == STREAM:
            key = f"stream:{type_id}"
        elif rtype == DIRECT_MESSAGE_GROUP:
            key = f"group:{recipient}"
        else:
            key = f"recipient:{recipient}"
        found = self.conversations.get(key)
        if found is None:
            found = self._build(key, rtype, type_id, recipient, pair)
            self.conversations[key] = found
        return found

    def _build(
        self, key: str, rtype: int, type_id: int, recipient: int | None, pair: tuple[int, ...]
    ) -> Conversation:
        if rtype == PERSONAL:
            names = tuple(self.user_name(u) for u in pair)
            return Conversation(key, ", ".join(names), ConversationKind.DM, len(pair), names)
        subscribers = self.members.get(recipient, []) if recipient is not None else []
        names = tuple(sorted(self.user_name(u) for u in subscribers[:MAX_MEMBER_NAMES]))
        count = len(subscribers) if self.subscriptions_known else None
        guests = [self.users[u].guest for u in subscribers if u in self.users]
        external = sum(1 for g in guests if g) if guests and all(g is not None for g in guests) else None
        if rtype == STREAM:
            name = self.streams.get(type_id, str(type_id))
            return Conversation(key, name, ConversationKind.CHANNEL, count, names, external)
        if rtype == DIRECT_MESSAGE_GROUP:
            return Conversation(key, ", ".join(names) or key, ConversationKind.GROUP, count, names, external)
        return Conversation(key, key, ConversationKind.GROUP)


def _load_realm(source: Source, entry: Entry, realm: _Realm) -> Iterator[Skipped]:
    """Stream the tables this reader needs out of realm.json (it can be large)."""
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    count = 0
    with stream:
        try:
            for table, rec in _table_items(parse_events(stream)):
                count += 1
                realm.add(table, rec)
        except IJSON_ERRORS:
            yield Skipped(entry.location, f"invalid or truncated JSON after {count} records")
        except JsonTooDeep:
            yield Skipped(entry.location, f"JSON nested too deep after {count} records; rest not read")


def _table_items(events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, record) for each object in the top-level arrays named in REALM_TABLES."""
    builder: Any = None
    table = ""
    depth = 0
    for prefix, event, value in events:
        if builder is None:
            if event == "start_map" and prefix.endswith(".item") and prefix[:-5] in REALM_TABLES:
                builder, table, depth = ijson.ObjectBuilder(), prefix[:-5], 0
            else:
                continue
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise JsonTooDeep
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                if isinstance(builder.value, dict):
                    yield table, builder.value
                builder = None


def _load_attachments(source: Source, entry: Entry, root: str, realm: _Realm) -> Iterator[Skipped]:
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    with stream:
        for hit in json_walk(entry, stream, ("zerver_attachment/*",), "records", TOO_DEEP):
            if isinstance(hit, Skipped):
                yield hit
                return
            rec = hit.value
            if not isinstance(rec, dict):
                continue
            attachment = _attachment(rec, source, root)
            for mid in json_list(rec.get("messages")):
                m = _int(mid)
                if m is not None:
                    realm.attachments.setdefault(m, []).append(attachment)


def _attachment(rec: dict[str, Any], source: Source, root: str) -> Attachment:
    path_id = json_str(rec.get("path_id"))
    name = json_str(rec.get("file_name")) or PurePosixPath(path_id).name
    size = _int(rec.get("size"))
    mime = json_str(rec.get("content_type")) or None
    member = f"{root}{UPLOADS}{path_id}" if path_id and ".." not in path_id.split("/") else ""
    found = source.get(member) if member else None
    return Attachment(name=name, size=size, mime=mime, path=member if found is not None else None)


# --- messages -----------------------------------------------------------------------------------


def _read_messages(source: Source, realm: _Realm, entry: Entry) -> Iterator[Message | Skipped]:
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    with stream:
        for hit in json_walk(entry, stream, ("zerver_message/*",), too_deep=TOO_DEEP):
            if isinstance(hit, Skipped):
                yield hit
                return
            location = f"{entry.location}#{hit.pointer}"
            rec = hit.value
            if not isinstance(rec, dict):
                yield Skipped(location, "record is not an object")
                continue
            mid = _int(rec.get("id"))
            if mid is None:
                yield Skipped(location, "message has no id")
                continue
            yield _message(source, location, mid, rec, realm)


def _message(source: Source, location: str, mid: int, rec: dict[str, Any], realm: _Realm) -> Message:
    sender = _int(rec.get("sender"))
    recipient = _int(rec.get("recipient"))
    conversation = realm.conversation(recipient, sender)
    content = rec.get("content")
    if isinstance(content, str):
        text = content
    elif isinstance(rec.get("rendered_content"), str):
        text = html_to_text(rec["rendered_content"])
    else:
        text = ""
    topic = json_str(rec.get("subject")) or json_str(rec.get("topic"))
    user = realm.users.get(sender) if sender is not None else None
    system = _int(rec.get("type")) == RESOLVE_TOPIC_NOTIFICATION or (
        user is not None and user.email.startswith(NOTIFICATION_BOT_PREFIX)
    )
    edits = rec.get("edit_history")
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=conversation,
        message_id=str(mid),
        author=Author(str(sender), realm.user_name(sender)) if sender is not None else Author("", ""),
        timestamp=_epoch(rec.get("date_sent", rec.get("pub_date"))),
        text=text,
        thread_id=topic or None if conversation.kind is ConversationKind.CHANNEL else None,
        attachments=tuple(realm.attachments.get(mid, ())),
        parts=_edits(location, edits, text),
        edited=rec.get("last_edit_time") is not None or (isinstance(edits, str) and edits not in ("", "[]")),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


def _edits(location: str, history: Any, text: str) -> tuple[TextPart, ...]:
    """Earlier versions of a message from its ``edit_history``: a list, or (as the export
    writes it) a JSON string holding one, when each part lies encoded in that string."""
    parts = Parts(location, text)
    if isinstance(history, str):
        try:
            decoded = json.loads(history)
        except (ValueError, RecursionError):
            return ()
        for item in json_list(decoded):
            parts.add(PART_EDIT, json_obj(item).get("prev_content"), "edit_history")
    else:
        for i, item in enumerate(json_list(history)):
            parts.add(PART_EDIT, json_obj(item).get("prev_content"), "edit_history", i, "prev_content")
    return parts.result()


# --- layout and sniffing ------------------------------------------------------------------------


def _message_files(source: Source, root: str) -> list[Entry]:
    found: list[tuple[int, Entry]] = []
    for entry in source.entries():
        rel = entry.name[len(root) :] if entry.name.startswith(root) else ""
        m = MESSAGE_FILE.fullmatch(rel)
        if m is not None:
            found.append((int(m["n"]), entry))
    return [e for _, e in sorted(found, key=lambda f: (f[0], f[1].name))]


def _head(entry: Entry) -> str:
    return head_text(entry, SNIFF_TEXT_BYTES).lstrip("\ufeff \t\r\n")


def _looks_like_message_file(entry: Entry) -> bool:
    return entry.suffix == ".json" and re.match(r'\{\s*"zerver_message"\s*:', _head(entry)) is not None


def _looks_like_realm(entry: Entry) -> bool:
    return re.match(r'\{\s*"zerver_', _head(entry)) is not None


class ZulipReader:
    """Zulip organization export (folder or zip with realm.json and messages-*.json)."""

    name: ClassVar[str] = "zulip"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = "Zulip organization export (folder or zip: realm.json, messages-*.json)"
    detection: ClassVar[str] = (
        "a folder or zip (optionally inside one top folder) with realm.json holding zerver_* tables "
        "and messages-NNNNNN.json files; or one messages-NNNNNN.json file whose top-level key is "
        "zerver_message"
    )

    def sniff(self, source: Source) -> bool:
        if source.is_file:
            return sniff_each(source, _looks_like_message_file)
        root = source.strip_root()
        realm = source.get(f"{root}{REALM_FILE}")
        if realm is None or not _looks_like_realm(realm):
            return False
        files = _message_files(source, root)
        return bool(files) and _looks_like_message_file(files[0])

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        yield from guarded(source.display, self._read(source))

    def _read(self, source: Source) -> Iterator[Message | Skipped]:
        realm = _Realm()
        if source.is_file:
            yield from _read_messages(source, realm, source.entries()[0])
            return
        root = source.strip_root()
        files = _message_files(source, root)
        realm_entry = source.get(f"{root}{REALM_FILE}")
        if realm_entry is None and not files:
            raise ReaderError(source.display, "no Zulip realm.json or messages-*.json found")
        if realm_entry is not None:
            yield from _load_realm(source, realm_entry, realm)
        else:
            where = f"{source.display}!{root}" if source.kind == "zip" else f"{source.display}/{root}"
            yield Skipped(f"{where}{REALM_FILE}", "realm.json missing; names are not known")
        attachments = source.get(f"{root}{ATTACHMENT_FILE}")
        if attachments is not None:
            yield from _load_attachments(source, attachments, root, realm)
        for entry in files:
            yield from isolated(entry, functools.partial(_read_messages, source, realm))
