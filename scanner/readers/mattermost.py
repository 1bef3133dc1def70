"""Mattermost bulk export: JSON Lines, one record a line with a ``type`` discriminator.

``mmctl export create`` (shared notes, section 2.6) writes a zip holding one ``.jsonl``
file (plus ``data/…`` attachments with ``--attachments``, and ``exported_emoji/…``).
Each line is one record::

    {"type": "version", "version": 1}                        always the first line
    {"type": "team", "team": {name, display_name, type, …}}
    {"type": "channel", "channel": {team, name, display_name, type "O"|"P", …}}
    {"type": "user", "user": {username, first_name, last_name, nickname, roles,
                              teams: [{name, roles, channels: [{name, roles}]}]}}
    {"type": "post", "post": {team, channel, user, message, create_at, edit_at, type,
                              attachments: [{path}], replies: [{user, message, create_at, …}]}}
    {"type": "direct_channel", "direct_channel": {members: [username, …]}}
    {"type": "direct_post", "direct_post": {channel_members, user, message, create_at, replies, …}}
    {"type": "emoji" | "bot" | "role" | "scheme", …}          not messages; ignored

Decisions worth knowing:

* **message_id**: the bulk export has no post id. A post is ``<file>#<line>`` (``<file>``
  its path inside the input, ``<line>`` the 1-based line it is on) and its k-th reply
  (0-based, as in the ``replies`` array) is ``<file>#<line>/r<k>``. ``location`` is
  ``<file location>:<line>``, and ``…:<line>#/post/replies/<k>`` for a reply.
* **Threads**: a post with replies is its own thread (``thread_id`` = its id); each reply
  has ``thread_id`` = ``reply_to`` = the root's id. Reply times may precede the root's.
* **System posts**: a post whose ``type`` starts with ``system_`` is system. Older exports
  have no ``type`` and store join/leave/add notices as ordinary posts, so a message that is
  exactly one of Mattermost's notice texts (``<user> joined the channel.``, ``<user> added to
  the channel by <user>.`` …; see ``NOTICE``) is system too.
* **Audience**: a channel's members are the users whose ``teams[].channels[]`` list it;
  ``member_count`` is their number (None when no user line lists the channel) and
  ``external_members`` counts guests among them (``system_guest``/``team_guest``/
  ``channel_guest``). A direct channel's audience is its ``channel_members``: 2 members is
  a DM, more a group. Conversation ids are ``<team>/<channel>`` and ``direct:<sorted members>``.
* **Streaming**: a file is read twice, line by line: first the metadata lines (post lines
  are recognised by their head and not parsed), then the posts. Memory holds the user and
  channel directory, never the posts.
* ``timestamp`` is ``create_at`` (epoch milliseconds, aware UTC); ``edited`` is ``edit_at`` > 0.
  Attachments are named after their ``path``; ``path`` is set when the file is inside the
  input (``data/<path>`` beside the JSONL, as mmctl writes it, or ``<path>``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    Entry,
    Source,
    detect_encoding,
    entry_folder,
    entry_label,
    epoch_ms,
    guarded,
    in_folder,
    iter_lines,
    json_lines,
    json_object,
    json_str,
)
from scanner.readers.slack_parts import message_attachments
from scanner.readers.textparts import Parts

PLATFORM = "mattermost"

# Record types of the bulk export format (mattermost/server app/imports/import_types.go).
RECORD_TYPES = frozenset(
    {
        *("version", "team", "channel", "user", "bot", "post", "direct_channel", "direct_post"),
        *("emoji", "scheme", "role", "thread_follower"),
    }
)
POST_TYPES = ("post", "direct_post")
# Folders of an export that hold files, not records.
FILE_DIRS = frozenset({"data", "exported_emoji", "emoji", "attachments"})
SUFFIXES = frozenset({".jsonl", ".json", ".ndjson", ""})
GUEST_ROLES = frozenset({"system_guest", "team_guest", "channel_guest"})

MAX_CONVERSATIONS = 100_000
SNIFF_LINES = 5
SNIFF_ENTRIES = 20
SNIFF_BYTES = 1024 * 1024
MAX_TREE_DEPTH = 8

# The notices Mattermost posts itself (server i18n: api.channel.join_channel.post_and_forget,
# api.channel.add_member.added, api.team.join_team.post_and_forget …). A username is
# letters, digits, '.', '_' and '-'. Only an exact, whole-message match counts.
_USER = r"@?[\w.\-]+"
NOTICE = re.compile(
    rf"{_USER} (?:joined|left) the (?:channel|team)\."
    rf"|{_USER} (?:added to|removed from) the (?:channel|team)(?: by {_USER})?\."
)
# A post line is told by its head so the metadata pass need not parse it.
_POST_HEAD = re.compile(r'\s*\{\s*"type"\s*:\s*"(?:direct_)?post"')


class MattermostReader:
    """Mattermost bulk export (``mmctl export``): a JSONL file, or a zip/folder holding one."""

    name: ClassVar[str] = "mattermost"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = "Mattermost bulk export (JSONL from mmctl export; file, folder or zip)"
    detection: ClassVar[str] = (
        'a .jsonl/.json file whose first line is {"type": "version", …} or whose first lines are '
        'Mattermost records ({"type": "post", "post": {…}} …); or a zip/folder holding such files '
        "(with data/ and exported_emoji/ beside them)"
    )

    def sniff(self, source: Source) -> bool:
        if source.kind == "file":
            entries = source.entries()
            return len(entries) == 1 and _claims(entries[0])
        names = [e.name for e in source.entries()]
        return _is_export_tree(source, names, source.strip_root(), 0)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            entries = source.entries()
            if len(entries) != 1:
                raise ReaderError(source.display, "expected one file")
            yield from guarded(entries[0].location, _read_file(source, entries[0]))
            return
        root = source.strip_root()
        found = False
        for entry in source.entries():
            rel = entry.name[len(root) :] if entry.name.startswith(root) else entry.name
            if in_folder(rel, FILE_DIRS):
                continue  # attachment and emoji files
            if not _claims(entry):
                if entry.size:
                    yield Skipped(entry.location, "not a Mattermost bulk export file; not read")
                continue
            found = True
            try:
                yield from guarded(entry.location, _read_file(source, entry))
            except ReaderError as exc:
                yield Skipped(exc.location, exc.reason)
        if not found:
            raise ReaderError(source.display, "no Mattermost bulk export (.jsonl) found")


# --- sniffing -------------------------------------------------------------------------


def _head_lines(entry: Entry) -> list[str]:
    """The first non-blank lines of an entry (at most SNIFF_LINES), decoded."""
    data = entry.head(64 * 1024)
    if b"\n" not in data and len(data) == 64 * 1024:
        data = entry.head(SNIFF_BYTES)
    text = data.decode(detect_encoding(data[:4096]), errors="replace").lstrip("\ufeff")
    lines = [ln.strip() for ln in text.split("\n")]
    if len(data) >= 64 * 1024 and lines:
        lines.pop()  # possibly cut by the head
    return [ln for ln in lines if ln][:SNIFF_LINES]


def _record_type(line: str) -> str | None:
    """The record type of one line, if it is a Mattermost record."""
    obj = json_object(line)
    if obj is None:
        return None
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in RECORD_TYPES:
        return None
    if kind == "version":
        version = obj.get("version")
        return kind if isinstance(version, int) and not isinstance(version, bool) else None
    return kind if isinstance(obj.get(kind), dict) else None


def _claims(entry: Entry) -> bool:
    """A bulk export file: the version line first, or only Mattermost records at its head."""
    if PurePosixPath(entry.name or entry.location).suffix.lower() not in SUFFIXES:
        return False
    lines = _head_lines(entry)
    if not lines:
        return False
    kinds = [_record_type(line) for line in lines]
    if kinds[0] == "version":
        return True
    return all(k is not None for k in kinds)


def _is_export_tree(source: Source, names: list[str], prefix: str, depth: int) -> bool:
    """Loose files under ``prefix`` are all bulk export files (at least one), and every
    sub-folder holds attachments/emoji or is itself such a tree."""
    if depth > MAX_TREE_DEPTH:
        return False
    loose: list[str] = []
    folders: set[str] = set()
    for name in names:
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        if "/" in rest:
            folders.add(rest.split("/", 1)[0])
        else:
            loose.append(name)
    if not loose:
        return False
    for name in loose[:SNIFF_ENTRIES]:
        entry = source.get(name)
        if entry is None or not _claims(entry):
            return False
    if len(loose) > SNIFF_ENTRIES and any(
        PurePosixPath(n).suffix.lower() not in SUFFIXES for n in loose[SNIFF_ENTRIES:]
    ):
        return False
    return all(
        folder in FILE_DIRS or _is_export_tree(source, names, f"{prefix}{folder}/", depth + 1)
        for folder in sorted(folders)
    )


# --- metadata -------------------------------------------------------------------------


@dataclass(slots=True)
class _User:
    display: str
    guest: bool


@dataclass(slots=True)
class _Directory:
    """Teams, channels and users of one export file, and the conversations built from them."""

    teams: dict[str, str] = field(default_factory=dict)
    channels: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    users: dict[str, _User] = field(default_factory=dict)
    # (team, channel) -> [(username, guest in this channel)], in user-line order
    memberships: dict[tuple[str, str], list[tuple[str, bool]]] = field(default_factory=dict)
    conversations: dict[Any, Conversation] = field(default_factory=dict)
    # (username, first and last name) of people (not bots), for resolving @mentions.
    handle_pairs: list[tuple[str, str]] = field(default_factory=list)
    _handles: tuple[tuple[str, str], ...] | None = None

    @property
    def handles(self) -> tuple[tuple[str, str], ...]:
        """One tuple shared by the conversations built since the last user line."""
        if self._handles is None:
            self._handles = tuple(self.handle_pairs)
        return self._handles

    def add(self, kind: str, body: dict[str, Any]) -> None:
        if kind == "team":
            name = json_str(body.get("name"))
            if name:
                self.teams[name] = json_str(body.get("display_name")) or name
        elif kind == "channel":
            team, name = json_str(body.get("team")), json_str(body.get("name"))
            if team and name:
                self.channels[(team, name)] = (
                    json_str(body.get("display_name")) or name,
                    json_str(body.get("type")),
                )
        elif kind in ("user", "bot"):
            self._add_user(kind, body)

    def _add_user(self, kind: str, body: dict[str, Any]) -> None:
        username = json_str(body.get("username"))
        if not username or username in self.users:
            return
        full = " ".join(p for p in (json_str(body.get("first_name")), json_str(body.get("last_name"))) if p)
        display = full or json_str(body.get("nickname")) or json_str(body.get("display_name")) or username
        guest = bool(_roles(body.get("roles")) & GUEST_ROLES)
        self.users[username] = _User(display, guest)
        if kind == "user" and full:
            self.handle_pairs.append((username, full))
            self._handles = None
        teams = body.get("teams")
        if kind != "user" or not isinstance(teams, list):
            return
        for team in teams:
            if not isinstance(team, dict) or not json_str(team.get("name")):
                continue
            team_guest = guest or bool(_roles(team.get("roles")) & GUEST_ROLES)
            channels = team.get("channels")
            for channel in channels if isinstance(channels, list) else ():
                if isinstance(channel, dict) and json_str(channel.get("name")):
                    key = (team["name"], channel["name"])
                    channel_guest = team_guest or bool(_roles(channel.get("roles")) & GUEST_ROLES)
                    self.memberships.setdefault(key, []).append((username, channel_guest))

    def _remember(self, key: Any, conv: Conversation) -> None:
        # Only a cache: hostile input with a new channel on every line must not grow it.
        if len(self.conversations) >= MAX_CONVERSATIONS:
            self.conversations.clear()
        self.conversations[key] = conv

    def display(self, username: str) -> str:
        user = self.users.get(username)
        return user.display if user is not None else username

    def channel(self, team: str, name: str) -> Conversation:
        key = ("channel", team, name)
        found = self.conversations.get(key)
        if found is not None:
            return found
        display, _ = self.channels.get((team, name), (name, ""))
        team_display = self.teams.get(team, team)
        members = self.memberships.get((team, name), [])
        conv = Conversation(
            id=f"{team}/{name}",
            name=f"{team_display} / {display}" if team_display else display,
            kind=ConversationKind.CHANNEL,
            member_count=len(members) or None,
            members=tuple(self.display(u) for u, _ in members),
            external_members=sum(g for _, g in members) if members else None,
            handles=self.handles,
        )
        self._remember(key, conv)
        return conv

    def direct(self, members: list[str]) -> Conversation:
        unique = tuple(sorted(dict.fromkeys(members)))
        key = ("direct", unique)
        found = self.conversations.get(key)
        if found is not None:
            return found
        known = [self.users[u] for u in unique if u in self.users]
        conv = Conversation(
            id="direct:" + ",".join(unique),
            name=", ".join(self.display(u) for u in unique),
            kind=ConversationKind.DM if len(unique) <= 2 else ConversationKind.GROUP,
            member_count=len(unique) or None,
            members=tuple(self.display(u) for u in unique),
            external_members=sum(u.guest for u in known) if len(known) == len(unique) and known else None,
            handles=self.handles,
        )
        self._remember(key, conv)
        return conv


def _roles(value: Any) -> set[str]:
    return set(value.split()) if isinstance(value, str) else set()


def _load_directory(source: Source, entry: Entry) -> _Directory:
    directory = _Directory()
    lines, encoding = iter_lines(entry)
    source.encodings.add(encoding)
    for raw in lines:
        if _POST_HEAD.match(raw) or not raw.strip():
            continue
        try:
            obj = json.loads(raw.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            continue  # reported by the second pass
        kind = obj.get("type") if isinstance(obj, dict) else None
        if isinstance(kind, str) and isinstance(obj.get(kind), dict):
            directory.add(kind, obj[kind])
    return directory


# --- posts ----------------------------------------------------------------------------


def _read_file(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    directory = _load_directory(source, entry)
    ctx = _FileContext(source, entry, directory, entry_label(source, entry))
    lines, _ = iter_lines(entry)
    for item in json_lines(entry, lines):
        if isinstance(item, Skipped):
            yield item
            continue
        n, location, obj = item
        if not isinstance(obj, dict):
            yield Skipped(location, "record is not a JSON object")
            continue
        kind = obj.get("type")
        if not isinstance(kind, str):
            yield Skipped(location, "record has no type")
            continue
        if kind not in POST_TYPES:
            continue  # metadata (read in the first pass) or a record type we do not need
        body = obj.get(kind)
        if not isinstance(body, dict):
            yield Skipped(location, f"'{kind}' record without a '{kind}' object")
            continue
        yield from ctx.post(kind, body, n, location)


@dataclass(slots=True)
class _FileContext:
    source: Source
    entry: Entry
    directory: _Directory
    label: str

    def post(self, kind: str, body: dict[str, Any], line: int, location: str) -> Iterator[Message | Skipped]:
        if kind == "post":
            team, channel = json_str(body.get("team")), json_str(body.get("channel"))
            if not channel:
                yield Skipped(location, "post without a channel")
                return
            conversation = self.directory.channel(team, channel)
        else:
            members = body.get("channel_members")
            if not isinstance(members, list):
                members = body.get("members")
            names = [m for m in members if isinstance(m, str) and m] if isinstance(members, list) else []
            if not names:
                yield Skipped(location, "direct post without channel members")
                return
            conversation = self.directory.direct(names)
        root_id = f"{self.label}#{line}"
        replies = body.get("replies")
        replies = replies if isinstance(replies, list) else []
        yield self._message(
            body, location, root_id, conversation, root_id if replies else None, None, f"{location}#/{kind}"
        )
        for k, reply in enumerate(replies):
            reply_location = f"{location}#/{kind}/replies/{k}"
            if not isinstance(reply, dict):
                yield Skipped(reply_location, "reply is not a JSON object")
                continue
            yield self._message(
                reply, reply_location, f"{root_id}/r{k}", conversation, root_id, root_id, reply_location
            )

    def _message(
        self,
        rec: dict[str, Any],
        location: str,
        message_id: str,
        conversation: Conversation,
        thread_id: str | None,
        reply_to: str | None,
        pointer: str,
    ) -> Message:
        """``pointer`` locates the post object itself (``location`` is its line for a root post)."""
        username = json_str(rec.get("user"))
        text = rec.get("message")
        text = text if isinstance(text, str) else ""
        post_type = json_str(rec.get("type"))
        system = post_type.startswith("system_") or (not post_type and NOTICE.fullmatch(text) is not None)
        edit_at = rec.get("edit_at")
        return Message(
            platform=PLATFORM,
            source=self.source.display,
            location=location,
            conversation=conversation,
            message_id=message_id,
            author=Author(username, self.directory.display(username)),
            timestamp=_epoch_ms(rec.get("create_at")),
            text=text,
            thread_id=thread_id,
            reply_to=reply_to,
            attachments=self._attachments(rec.get("attachments")),
            edited=isinstance(edit_at, int) and not isinstance(edit_at, bool) and edit_at > 0,
            deleted=_positive(rec.get("delete_at")),
            kind=MessageKind.SYSTEM if system else MessageKind.USER,
            parts=_parts(rec, pointer, text),
        )

    def _attachments(self, value: Any) -> tuple[Attachment, ...]:
        if not isinstance(value, list):
            return ()
        prefix = entry_folder(self.entry)
        out: list[Attachment] = []
        for item in value:
            path = json_str(item.get("path")) if isinstance(item, dict) else ""
            if not path:
                continue
            inside = None
            for candidate in (f"{prefix}data/{path}", f"{prefix}{path}"):
                if self.source.get(candidate) is not None:
                    inside = candidate
                    break
            out.append(Attachment(name=PurePosixPath(path).name or path, path=inside))
        return tuple(out)


def _parts(rec: dict[str, Any], pointer: str, text: str) -> tuple[TextPart, ...]:
    """File names (located at the ``path`` that ends with them) and the message attachments
    of integrations (``props.attachments``, Slack's shape)."""
    parts = Parts(pointer, text)
    files = rec.get("attachments")
    for i, item in enumerate(files if isinstance(files, list) else ()):
        path = json_str(item.get("path")) if isinstance(item, dict) else ""
        if path:
            parts.add(PART_ATTACHMENT_NAME, PurePosixPath(path).name or path, "attachments", i, "path")
    props = rec.get("props")
    if isinstance(props, dict):
        message_attachments(parts, props.get("attachments"), "props", "attachments")
    return parts.result()


def _epoch_ms(value: Any) -> datetime | None:
    """Aware UTC time of epoch milliseconds, exact (no float rounding for integers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):
        return epoch_ms(value)
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
