"""Microsoft Teams: Graph ``chatMessage`` JSON and the Teams data-export tool's layout.

Two shapes (shared notes, section 2.5), both the Graph ``chatMessage`` resource:

* **Graph API JSON** (camelCase), as ``getAllMessages``/``messages`` calls return it: a page
  ``{"@odata.context": …, "value": [chatMessage, …], "@odata.nextLink": …}``, a list of pages
  or of chatMessage objects, one chatMessage object, or several of these one after another
  (one page a line). A folder or zip of such files is one input.
* **Teams data-export tool** (PascalCase), a zip or folder::

      teams/teamsList.json                        [{GroupsId, Name, …}]
      teams/<teamId>/channels_<teamId>.json       [{Id, DisplayName, MembershipType, …}]
      teams/<teamId>/messages_<teamId>.json       [chatMessage, …]  channel messages
      teams/<teamId>/teamMembers_<teamId>.json    [{Name, UserId, UserName, Role, …}]
      users/usersList.json                        [{Id, DisplayName, Mail, …}]
      users/<userId>/messages_<userId>.json       [chatMessage, …]  that user's chats

  Keys are read in either casing (first letter), so both shapes are one code path. Teams
  and users listed without a folder are fine. A chat message appears in the file of every
  exported member of the chat, so chat messages are de-duplicated by (chat, ``Id``) when an
  input holds several message files; the first file wins (``teams/`` before ``users/``,
  then by path). Those ids (about 60 bytes per chat message) are the only state that grows
  with the export; channel messages (one file per team) need none.

Decisions worth knowing:

* ``message_id`` is the Teams ``id`` string. Without one: ``<file>#<index>`` (the message's
  position among the file's messages, 0-based).
* ``text``: an ``html`` body is converted to plain text (``html_to_text``): block elements
  and ``<br>`` become line breaks, runs of white space (``&nbsp;`` included) one space,
  entities are unescaped, ``<img>``/``<emoji>`` become their ``alt`` text, ``<at>`` mentions
  keep their text, ``<pre>`` code is kept verbatim; offsets refer to this text. A ``text``
  body is kept as it is. ``subject`` is not part of the text.
* ``kind``: user when ``messageType`` is ``message`` and the sender is a user or an
  application (bots); system for ``systemEventMessage``, ``chatEvent``, ``unknownFutureValue``
  (how the export tool writes system events, with body ``<systemEventMessage/>`` and
  ``From: null``). A system event's author is ``eventDetail.initiator``.
* Conversation: a channel message's is its channel (``id`` = channel id, name ``Team /
  Channel`` from teamsList/channels files, kind channel; ``member_count`` = the team's
  members for a standard channel, unknown for private/shared ones; ``external_members`` =
  members whose Role is guest or whose UPN is ``#EXT#``, when roles are given). A chat's is
  its ``chatId``: ``19:<user>_<user>@unq.gbl.spaces`` (or ``chatType`` oneOnOne) is a DM of 2
  named after both users; any other chat (``@thread.v2``, meetings) a group of unknown size.
* ``thread_id``: a channel message is a thread root (its own id) or a reply (``replyToId``,
  also ``reply_to``). In chats, a quoted reply (``messageReference`` attachment) sets
  ``reply_to``; that attachment is not listed as a file.
* ``edited`` = ``lastEditedDateTime`` set (a reaction changes ``lastModifiedDateTime`` only);
  ``deleted`` = ``deletedDateTime`` set. Times are aware (ISO 8601 with zone).
* Attachments: ``name`` (else the URL's file name, else the id), ``contentType`` as mime
  when it is a MIME type; ``path`` is never set (files live in SharePoint/OneDrive).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ijson

from scanner.errors import ReaderError
from scanner.model import Author, Conversation, ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import (
    IJSON_ERRORS,
    MAX_JSON_DEPTH,
    TOO_DEEP,
    Entry,
    Source,
    entry_label,
    first_char,
    first_json_value,
    guarded,
    iso_time,
    json_id,
    json_str,
    open_json,
)
from scanner.readers.graph_json import get as _get
from scanner.readers.graph_json import is_page, list_objects, walk
from scanner.readers.html_text import html_to_text
from scanner.readers.teams_parts import MESSAGE_FIELDS, is_chat_message, teams_attachments, teams_parts

PLATFORM = "teams"

TEAMS_LIST = "teamsList.json"
USERS_LIST = "usersList.json"
# Export-tool files that are not messages (read for names, or not at all).
_META_FILE = re.compile(
    r"(?:teamsList|usersList|teamsSettings)\.json"
    r"|(?:channels|teamMembers|teamInstalledApps|meetings|chats|chatMembers)_[^/]*\.json",
    re.IGNORECASE,
)
_MESSAGES_FILE = re.compile(r"messages_[^/]*\.json", re.IGNORECASE)
SUFFIXES = (".json", ".jsonl")
# A 1:1 chat's id names both users: 19:<aad id>_<aad id>@unq.gbl.spaces.
_ONE_ON_ONE = re.compile(r"19:(?P<a>[0-9A-Za-z-]+)_(?P<b>[0-9A-Za-z-]+)@unq\.gbl\.spaces")
USER_MESSAGE_TYPES = frozenset({"message"})
SNIFF_BYTES = 1024 * 1024
SNIFF_ENTRIES = 20
# Bounds on the caches (a tenant of the export tool has at most a few thousand users and
# chats; the caps only stop hostile input from growing them).
MAX_NAMES = 100_000
MAX_CONVERSATIONS = 100_000


class TeamsReader:
    """Microsoft Teams: Graph chatMessage JSON (camelCase) or the data-export tool (PascalCase)."""

    name: ClassVar[str] = "teams"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Microsoft Teams: Graph API chatMessage JSON, or the Teams data-export tool's zip/folder"
    )
    detection: ClassVar[str] = (
        "a zip/folder with teams/teamsList.json or users/usersList.json (data-export tool); or .json "
        "files holding Graph chatMessage objects ({id, createdDateTime, messageType|body …}, either "
        'casing) as a list, a {"value": […]} page, or one object'
    )

    def sniff(self, source: Source) -> bool:
        entries = source.entries()
        if source.kind == "file":
            return len(entries) == 1 and _claims(entries[0])
        # Nothing but JSON: a folder holding an export among other things is split by the caller.
        if not entries or any(e.suffix not in SUFFIXES for e in entries):
            return False
        root = source.strip_root()
        for name in (f"teams/{TEAMS_LIST}", f"users/{USERS_LIST}", TEAMS_LIST, USERS_LIST):
            entry = source.get(root + name)
            if entry is not None and first_char(entry) == "[":
                return True
        # Graph pages, or one folder of the export tool (teams/<id>/, users/<id>/).
        messages = [e for e in entries if not _META_FILE.fullmatch(e.basename)]
        return bool(messages) and all(_claims(e) for e in messages[:SNIFF_ENTRIES])

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        entries = source.entries()
        if source.kind == "file":
            if len(entries) != 1:
                raise ReaderError(source.display, "expected one file")
            ctx = _Context(source)
            yield from guarded(entries[0].location, _read_messages(ctx, entries[0]))
            return
        ctx = _Context(source)
        yield from ctx.load_metadata(entries)
        files = [e for e in entries if not _META_FILE.fullmatch(e.basename)]
        if not files:
            raise ReaderError(source.display, "no Teams message files found")
        ctx.dedup = len(files) > 1
        # Channel files first, then per-user chat files: a chat message read once is not repeated.
        for entry in sorted(files, key=lambda e: (_area(e.name), e.name)):
            # messages_*.json are messages by name; any other file must look like them.
            if entry.suffix not in SUFFIXES or not (
                _MESSAGES_FILE.fullmatch(entry.basename) or _claims(entry)
            ):
                if entry.size:
                    yield Skipped(entry.location, "not a Teams message file; not read")
                continue
            try:
                yield from guarded(entry.location, _read_messages(ctx, entry))
            except ReaderError as exc:
                yield Skipped(exc.location, exc.reason)


def _area(name: str) -> int:
    folders = name.split("/")[:-1]
    return 0 if "teams" in folders else 2 if "users" in folders else 1


# --- sniffing -------------------------------------------------------------------------


def _claims(entry: Entry) -> bool:
    """A .json/.jsonl file whose head holds Graph chatMessage objects."""
    if entry.suffix not in SUFFIXES or first_char(entry) not in ("[", "{"):
        return False
    return _looks_like_messages(first_json_value(entry, SNIFF_BYTES))


def _looks_like_messages(top: Any) -> bool:
    if isinstance(top, list):
        first = next((x for x in top if isinstance(x, dict)), None)
        if first is None:
            return False
        return is_chat_message(first) or (is_page(first, is_chat_message) and _looks_like_messages(first))
    if not isinstance(top, dict):
        return False
    if is_chat_message(top):
        return True
    value = _get(top, "value")
    if isinstance(value, list):
        first = next((x for x in value if isinstance(x, dict)), None)
        if first is not None:
            return is_chat_message(first)
        # An empty page still names its resource: …/chats('…')/messages, …/messages/$entity.
        context = json_str(top.get("@odata.context"))
        return "/messages" in context or "chatMessage" in context
    return False


# --- metadata -------------------------------------------------------------------------


@dataclass(slots=True)
class _Channel:
    name: str
    team_id: str
    membership: str


@dataclass(slots=True)
class _Members:
    names: tuple[str, ...]
    external: int | None


@dataclass(slots=True)
class _Context:
    """Names from the export tool's metadata, conversations built so far, ids already read."""

    source: Source
    teams: dict[str, str] = field(default_factory=dict)
    channels: dict[str, _Channel] = field(default_factory=dict)
    team_members: dict[str, _Members] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    # Display names senders carry in messages, for users missing from usersList.json.
    learned: dict[str, str] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    # Ids of chat messages already read, per chat (ints when numeric: Teams ids are epoch ms).
    seen: dict[str, set[int | str]] = field(default_factory=dict)
    dedup: bool = False

    def first_time(self, chat_id: str, message_id: str) -> bool:
        """False when this chat message was read before (from another member's file)."""
        if not self.dedup:
            return True
        numeric = message_id.isascii() and message_id.isdigit() and len(message_id) <= 18
        key: int | str = int(message_id) if numeric else message_id
        ids = self.seen.setdefault(chat_id, set())
        if key in ids:
            return False
        ids.add(key)
        return True

    def load_metadata(self, entries: list[Entry]) -> Iterator[Skipped]:
        for entry in entries:
            base = entry.basename
            lower = base.lower()
            if lower == TEAMS_LIST.lower():
                for rec in list_objects(self.source, entry):
                    if isinstance(rec, Skipped):
                        yield rec
                        continue
                    tid = json_id(_get(rec, "groupsId")) or json_id(_get(rec, "id"))
                    name = json_str(_get(rec, "name")) or json_str(_get(rec, "displayName"))
                    if tid and name:
                        self.teams[tid] = name
            elif lower == USERS_LIST.lower():
                for rec in list_objects(self.source, entry):
                    if isinstance(rec, Skipped):
                        yield rec
                        continue
                    uid = json_id(_get(rec, "id")) or json_id(_get(rec, "userId"))
                    name = json_str(_get(rec, "displayName")) or json_str(_get(rec, "name"))
                    if uid and name:
                        self.users[uid] = name
            elif lower.startswith("channels_") and lower.endswith(".json"):
                team_id = base[len("channels_") : -len(".json")]
                for rec in list_objects(self.source, entry):
                    if isinstance(rec, Skipped):
                        yield rec
                        continue
                    cid = json_id(_get(rec, "id"))
                    if cid:
                        self.channels[cid] = _Channel(
                            json_str(_get(rec, "displayName")) or cid,
                            team_id,
                            json_str(_get(rec, "membershipType")).lower(),
                        )
            elif lower.startswith("teammembers_") and lower.endswith(".json"):
                yield from self._load_members(entry, base[len("teamMembers_") : -len(".json")])

    def _load_members(self, entry: Entry, team_id: str) -> Iterator[Skipped]:
        names: list[str] = []
        guests = 0
        roles_known = False
        for rec in list_objects(self.source, entry):
            if isinstance(rec, Skipped):
                yield rec
                continue
            name = (
                json_str(_get(rec, "name"))
                or json_str(_get(rec, "displayName"))
                or json_id(_get(rec, "userId"))
            )
            if name:
                names.append(name)
            role = _get(rec, "role")
            roles = [r.lower() for r in role] if isinstance(role, list) else [json_str(role).lower()]
            upn = json_str(_get(rec, "userName")) or json_str(_get(rec, "email"))
            if any(roles) or "#EXT#" in upn:
                roles_known = True
            if "guest" in roles or "#EXT#" in upn:
                guests += 1
        self.team_members[team_id] = _Members(tuple(names), guests if roles_known else None)

    # --- conversations ----------------------------------------------------------------

    def conversation(self, rec: dict[str, Any], label: str) -> tuple[Conversation, bool]:
        """The conversation of a message, and whether it is a channel."""
        identity = _get(rec, "channelIdentity")
        channel_id = json_id(_get(identity, "channelId"))
        if channel_id:
            return self._channel(channel_id, json_id(_get(identity, "teamId"))), True
        chat_id = json_id(_get(rec, "chatId"))
        if chat_id:
            return self._chat(chat_id, json_str(_get(rec, "chatType"))), False
        found = self.conversations.get("\0" + label)
        if found is None:
            found = Conversation(id=label, name=label, kind=ConversationKind.GROUP)
            self._remember("\0" + label, found)
        return found, False

    def _channel(self, channel_id: str, team_id: str) -> Conversation:
        found = self.conversations.get(channel_id)
        if found is not None:
            return found
        meta = self.channels.get(channel_id)
        team_id = team_id or (meta.team_id if meta else "")
        team = self.teams.get(team_id, "")
        name = meta.name if meta else channel_id
        members = self.team_members.get(team_id)
        # Private and shared channels have their own member lists, which the export lacks.
        standard = meta is None or meta.membership in ("", "standard")
        conv = Conversation(
            id=channel_id,
            name=f"{team} / {name}" if team else name,
            kind=ConversationKind.CHANNEL,
            member_count=len(members.names) if members is not None and standard else None,
            members=members.names if members is not None and standard else (),
            external_members=members.external if members is not None and standard else None,
        )
        self._remember(channel_id, conv)
        return conv

    def _chat(self, chat_id: str, chat_type: str) -> Conversation:
        found = self.conversations.get(chat_id)
        if found is not None:
            return found
        m = _ONE_ON_ONE.fullmatch(chat_id)
        if m is not None or chat_type.lower() == "oneonone":
            ids = (m.group("a"), m.group("b")) if m is not None else ()
            names = tuple(self.author_name(i, "") for i in ids)
            conv = Conversation(
                id=chat_id,
                name=", ".join(names) or chat_id,
                kind=ConversationKind.DM,
                member_count=2,
                members=tuple(n for i, n in zip(ids, names, strict=True) if n != i),
            )
        else:
            conv = Conversation(id=chat_id, name=chat_id, kind=ConversationKind.GROUP)
        self._remember(chat_id, conv)
        return conv

    def _remember(self, key: str, conv: Conversation) -> None:
        if len(self.conversations) >= MAX_CONVERSATIONS:
            self.conversations.clear()
        self.conversations[key] = conv

    def author_name(self, user_id: str, display: str) -> str:
        return display or self.users.get(user_id) or self.learned.get(user_id) or user_id

    def learn(self, sender: Any) -> None:
        user = _get(sender, "user")
        uid, name = json_id(_get(user, "id")), json_str(_get(user, "displayName"))
        if uid and name and uid not in self.users and len(self.learned) < MAX_NAMES:
            self.learned.setdefault(uid, name)


# --- messages -------------------------------------------------------------------------


def _read_messages(ctx: _Context, entry: Entry) -> Iterator[Message | Skipped]:
    source = ctx.source
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    label = entry_label(source, entry)
    count = 0
    found_any = False
    with stream:
        try:
            for found in walk(
                ijson.basic_parse(stream, multiple_values=True), is_chat_message, MESSAGE_FIELDS
            ):
                found_any = True
                location = f"{entry.location}#{found.pointer}" if found.pointer else entry.location
                if found.value is TOO_DEEP:
                    yield Skipped(
                        location, f"JSON nested deeper than {MAX_JSON_DEPTH} levels; file not read further"
                    )
                    return
                if not is_chat_message(found.value):
                    # A position inside a list or page is a record; a top-level value is the file.
                    whole = "/" not in found.pointer
                    yield Skipped(
                        location, "not a Teams message file" if whole else "record is not a Teams chatMessage"
                    )
                    continue
                message = _message(ctx, found.value, location, label, count)
                count += 1
                if message is not None:
                    yield message
                # Graph "…/messages?$expand=replies" nests a root's replies inside it.
                replies = _get(found.value, "replies")
                for k, reply in enumerate(replies if isinstance(replies, list) else ()):
                    reply_location = (
                        f"{location}/replies/{k}" if found.pointer else f"{location}#/replies/{k}"
                    )
                    if not is_chat_message(reply):
                        yield Skipped(reply_location, "record is not a Teams chatMessage")
                        continue
                    parent = message.message_id if message is not None else None
                    reply_message = _message(ctx, reply, reply_location, label, count, parent)
                    count += 1
                    if reply_message is not None:
                        yield reply_message
        except IJSON_ERRORS:  # JsonTruncated included
            # ijson's messages quote the input, so the reason is built from structure only.
            yield Skipped(entry.location, f"invalid or truncated JSON after {count} messages")
            return
    if not found_any:
        yield Skipped(entry.location, "empty file")


def _message(
    ctx: _Context, rec: dict[str, Any], location: str, label: str, index: int, parent: str | None = None
) -> Message | None:
    """The Message of one chatMessage; None for a chat message already read. ``parent`` is
    the root a nested (expanded) reply belongs to, for replies without ``replyToId``."""
    message_id = json_id(_get(rec, "id")) or f"{label}#{index}"
    sender = _get(rec, "from")
    ctx.learn(sender)
    conversation, in_channel = ctx.conversation(rec, label)
    if not in_channel and not ctx.first_time(conversation.id, message_id):
        return None  # the same chat message, from another member's file
    message_type = json_str(_get(rec, "messageType"))
    body = _get(rec, "body")
    content = json_str(_get(body, "content"))
    content_type = json_str(_get(body, "contentType")).lower()
    if content_type == "text" or (not content_type and "<" not in content):
        text = content
    else:
        text = html_to_text(content)
    author, has_sender = _author(ctx, sender)
    system = (message_type.lower() not in USER_MESSAGE_TYPES and message_type != "") or not has_sender
    if system and not has_sender:
        author, _ = _author(ctx, _get(_get(rec, "eventDetail"), "initiator"))
    reply_to = json_id(_get(rec, "replyToId")) or parent
    attachments, quoted = teams_attachments(_get(rec, "attachments"))
    thread_id = None
    if in_channel:
        # Every post in a channel starts a thread; replies name it. Events start none.
        thread_id = reply_to or (None if system else message_id)
    elif reply_to is None:
        reply_to = quoted
    return Message(
        platform=PLATFORM,
        source=ctx.source.display,
        location=location,
        conversation=conversation,
        message_id=message_id,
        author=author,
        timestamp=iso_time(_get(rec, "createdDateTime")),
        text=text,
        thread_id=thread_id,
        reply_to=reply_to,
        attachments=attachments,
        edited=bool(_get(rec, "lastEditedDateTime")),
        deleted=bool(_get(rec, "deletedDateTime")),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
        parts=teams_parts(rec, location, text, content),
    )


def _author(ctx: _Context, identity_set: Any) -> tuple[Author, bool]:
    """The user, application or device of an identity set, and whether there was one."""
    for kind in ("user", "application", "device"):
        who = _get(identity_set, kind)
        if isinstance(who, dict):
            uid = json_id(_get(who, "id"))
            name = ctx.author_name(uid, json_str(_get(who, "displayName")))
            if uid or name:
                return Author(uid or name, name), True
    return Author("", ""), False
