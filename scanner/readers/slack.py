"""Slack workspace export: a zip or folder of per-conversation day files, plus metadata.

Layout (Slack help "How to read Slack data exports"; see shared notes, section 2.3)::

    users.json  channels.json  groups.json  dms.json  mpims.json  (org_users.json on Grid)
    general/2024-03-04.json     one folder per conversation, one JSON list per day
    D0123ABCD/2024-03-04.json   DM folders are named by conversation id,
    mpdm-a--b--c-1/…            group DMs by their ``mpdm-…`` name, channels by name

The export may be wrapped in one top folder (zips often are), and an Enterprise Grid
export nests workspace folders below the org level. Both are handled the same way: a
conversation folder takes its conversation metadata from the nearest folder above it
that holds any metadata file, and its user directory from that folder and every folder
above it (the nearer one wins), so org-level ``org_users.json`` names workspace authors.

A single JSON file that is a Slack message list, or one message object, is read too
(tools and tests pass those around). Without metadata its conversation is named after
the file (for a day file: after its folder).

Decisions worth knowing:

* ``message_id`` is the ``ts`` string exactly as written; ``timestamp`` is derived from it
  without float rounding.
* ``text`` is the ``text`` field exactly. For ``file_share`` the uploader's comment is
  not added: in the legacy single-``file`` shape Slack's generated text already ends with
  "… and commented: <comment>", and in the ``files`` shape the comment *is* ``text``.
  Files become attachments (name, size, mime); the file bodies are not in a Slack export,
  so ``path`` is set only when an exporter put the file inside it (slackdump layouts).
* The nested ``root`` copy inside ``thread_broadcast`` and the nested messages of
  ``message_changed``/``message_deleted`` events are never yielded as messages.
* ``kind`` is user for no subtype and for the subtypes in ``USER_SUBTYPES``; every other
  subtype (joins, topic and name changes, pins, tombstones …) is system.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import Author, Conversation, ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Entry, Source, detect_encoding, first_str, json_obj
from scanner.readers.json_records import list_records, metadata_records, sniff_value
from scanner.readers.slack_parts import slack_files, slack_parts

PLATFORM = "slack"

# A day file is named by its UTC date; nothing else in a Slack export has this name.
DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
# Slack's ts is "<epoch seconds>.<6-digit sequence>", always a string. Sniffing accepts
# 1-9 fraction digits (hand-edited files drop zeros) but requires the dot, which is what
# separates it from Rocket.Chat's ISO ``ts`` and from plain epoch numbers.
SNIFF_TS = re.compile(r"\d{1,12}\.\d{1,9}")
_TS_PARTS = re.compile(r"(\d{1,12})(?:\.(\d{1,9}))?")

USER_FILES = ("org_users.json", "users.json")  # nearer/later wins when both exist
CONVERSATION_FILES: dict[str, ConversationKind] = {
    "channels.json": ConversationKind.CHANNEL,
    # Private channels (called "private groups" before 2016): still channels.
    "groups.json": ConversationKind.CHANNEL,
    "dms.json": ConversationKind.DM,
    "mpims.json": ConversationKind.GROUP,
}
META_FILES = frozenset((*USER_FILES, *CONVERSATION_FILES))

# Subtypes a person (or a bot acting for one) wrote; the rest are Slack's own notices.
USER_SUBTYPES = frozenset(
    {"file_share", "thread_broadcast", "bot_message", "me_message", "file_comment", "file_mention"}
)
DELETED_SUBTYPES = frozenset({"message_deleted", "tombstone"})

# A single-object file is a single message: anything larger is not one.
MAX_SINGLE_FILE_SNIFF = 8 * 1024 * 1024
SNIFF_BYTES = 1024 * 1024
SNIFF_RECORDS = 3
SNIFF_DAY_FILES = 5


class SlackReader:
    """Slack workspace export (zip or folder), or one Slack message-list JSON file."""

    name: ClassVar[str] = "slack"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Slack workspace export (zip or folder; standard or Enterprise Grid) or a single Slack message file"
    )
    detection: ClassVar[str] = (
        "a zip or folder with users.json/channels.json/dms.json (or org_users.json) next to "
        "conversation folders of YYYY-MM-DD.json day files holding lists of message objects with a "
        "Slack ts ('<seconds>.<micro>'); or one .json file that is such a list or one such message"
    )

    # --- sniffing ---------------------------------------------------------------------

    def sniff(self, source: Source) -> bool:
        if source.kind == "file":
            entries = source.entries()
            return len(entries) == 1 and _looks_like_message_file(entries[0])
        layout = _Layout.scan(source)
        # The export must start at the top (or inside the one folder a zip wraps it in):
        # metadata there, or day files there (the input is one conversation folder). A
        # folder that merely contains an export among other files is split up by the
        # caller, so its other files still reach their own readers.
        top = source.strip_root().rstrip("/")
        if top not in layout.meta_dirs and top not in layout.days:
            return False
        checked = 0
        for conv_dir, days in layout.days.items():
            # Conversation folders sit right below the top; deeper ones (Grid workspaces)
            # are read, but do not make a folder of unrelated exports look like one.
            if conv_dir != top and conv_dir.rpartition("/")[0] != top:
                continue
            for entry in days[:2]:
                head = sniff_value(entry, SNIFF_BYTES, SNIFF_RECORDS)
                if isinstance(head, list) and _is_message_list(head):
                    return True
            checked += 1
            if checked >= SNIFF_DAY_FILES:
                break
        return False

    # --- reading ----------------------------------------------------------------------

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            entries = source.entries()
            if len(entries) != 1:
                raise ReaderError(source.display, "expected one file")
            entry = entries[0]
            name = _conversation_name_for_file(entry, source)
            ctx = _Context(conversations={}, users={})
            yield from self._read_file(source, entry, ctx.conversation(name), ctx, "", single=True)
            return
        layout = _Layout.scan(source)
        if not layout.days:
            raise ReaderError(source.display, "no Slack day files (<conversation>/YYYY-MM-DD.json) found")
        contexts: dict[str, _Context] = {}
        for conv_dir in sorted(layout.days):
            meta_dir = layout.meta_dir_for(conv_dir)
            key = meta_dir if meta_dir is not None else "\0none"
            if key not in contexts:
                contexts[key] = _Context(conversations={}, users={})
                if meta_dir is not None:
                    yield from contexts[key].load(source, layout, meta_dir)
            ctx = contexts[key]
            folder = PurePosixPath(conv_dir).name if conv_dir else _input_name(source)
            conversation = ctx.conversation(folder)
            root = conv_dir.rsplit("/", 1)[0] + "/" if "/" in conv_dir else ""
            for entry in layout.days[conv_dir]:
                yield from self._read_file(
                    source, entry, conversation, ctx, conv_dir, single=False, root=root
                )

    def _read_file(
        self,
        source: Source,
        entry: Entry,
        conversation: Conversation,
        ctx: _Context,
        conv_dir: str,
        *,
        single: bool,
        root: str = "",
    ) -> Iterator[Message | Skipped]:
        for item in list_records(source, entry, NOT_A_LIST, _single_record if single else None):
            if isinstance(item, Skipped):
                yield item
                continue
            location, record = item
            if not isinstance(record, dict):
                yield Skipped(location, "record is not an object")
                continue
            ts = record.get("ts")
            if ts is None:
                yield Skipped(location, "record has no ts")
                continue
            if not isinstance(ts, str):
                yield Skipped(location, "ts is not a string")
                continue
            yield _message(source, location, record, ts, conversation, ctx, conv_dir, root)


def _single_record(entry: Entry, value: dict[str, Any]) -> Iterator[tuple[str, Any] | Skipped]:
    if "ts" not in value:
        yield Skipped(entry.location, "not a Slack message (object without ts)")
    else:
        yield entry.location, value


NOT_A_LIST = "not a Slack message list (top level is not an array)"


# --- layout ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Layout:
    """Names only: which folders hold day files, which hold metadata files."""

    days: dict[str, list[Entry]]
    meta_dirs: dict[str, dict[str, Entry]]

    @classmethod
    def scan(cls, source: Source) -> _Layout:
        days: dict[str, list[Entry]] = {}
        meta: dict[str, dict[str, Entry]] = {}
        for entry in source.entries():
            parent, _, base = entry.name.rpartition("/")
            if DAY_FILE.fullmatch(base):
                days.setdefault(parent, []).append(entry)
            elif base in META_FILES:
                meta.setdefault(parent, {})[base] = entry
        for files in days.values():
            files.sort(key=lambda e: e.name)
        return cls(days, meta)

    def meta_dir_for(self, conv_dir: str) -> str | None:
        """The nearest folder above ``conv_dir`` that holds a metadata file."""
        for folder in _ancestors(conv_dir):
            if folder in self.meta_dirs:
                return folder
        return None


def _ancestors(conv_dir: str) -> Iterator[str]:
    """Folders above ``conv_dir``, nearest first, ending with the top ('')."""
    parts = conv_dir.split("/") if conv_dir else []
    for i in range(len(parts) - 1, -1, -1):
        yield "/".join(parts[:i])


# --- metadata -------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    """Conversations by folder name and display names by user/bot id, for one export root."""

    conversations: dict[str, Conversation]
    users: dict[str, str]
    by_id: dict[str, Conversation] = field(default_factory=dict)
    # (user id or handle, real name) of people in users.json, for resolving mentions.
    handle_pairs: list[tuple[str, str]] = field(default_factory=list)
    _handles: tuple[tuple[str, str], ...] | None = None

    @property
    def handles(self) -> tuple[tuple[str, str], ...]:
        """One tuple shared by every conversation of this root (users.json is read first)."""
        if self._handles is None:
            self._handles = tuple(dict.fromkeys(self.handle_pairs))
        return self._handles

    def load(self, source: Source, layout: _Layout, meta_dir: str) -> Iterator[Skipped]:
        # Users from the top down, so a nearer users.json overrides org_users.json.
        chain = [d for d in reversed([meta_dir, *_ancestors(meta_dir)]) if d in layout.meta_dirs]
        for folder in chain:
            for fname in USER_FILES:
                entry = layout.meta_dirs[folder].get(fname)
                if entry is None:
                    continue
                for item in metadata_records(source, entry):
                    if isinstance(item, Skipped):
                        yield item
                    else:
                        self._add_user(item)
        files = layout.meta_dirs[meta_dir]
        for fname, kind in CONVERSATION_FILES.items():
            entry = files.get(fname)
            if entry is None:
                continue
            for item in metadata_records(source, entry):
                if isinstance(item, Skipped):
                    yield item
                else:
                    self._add_conversation(item, kind)

    def _add_user(self, user: dict[str, Any]) -> None:
        uid = user.get("id")
        if not isinstance(uid, str) or not uid:
            return
        profile = json_obj(user.get("profile"))
        name = first_str(
            profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name")
        )
        self.users[uid] = name or uid
        real = first_str(profile.get("real_name"), user.get("real_name"))
        if real and not user.get("is_bot") and not user.get("is_app_user") and uid != "USLACKBOT":
            for handle in (uid, user.get("name"), profile.get("display_name")):
                if isinstance(handle, str) and handle:
                    self.handle_pairs.append((handle, real))
        bot_id = profile.get("bot_id")
        if isinstance(bot_id, str) and bot_id:
            self.users.setdefault(bot_id, name or uid)

    def _add_conversation(self, record: dict[str, Any], kind: ConversationKind) -> None:
        cid, name = first_str(record.get("id")), first_str(record.get("name"))
        if not cid and not name:
            return
        raw = record.get("members")
        ids = tuple(dict.fromkeys(m for m in raw if isinstance(m, str))) if isinstance(raw, list) else ()
        # Members by display name (users.json is read first): the chat-context rules look for
        # participants' names in message text. An id users.json does not know stays an id.
        members = tuple(self.users.get(m, m) for m in ids)
        if kind is ConversationKind.DM and not name:
            name = ", ".join(members)
        conv = Conversation(
            id=cid or name,
            name=name or cid,
            kind=kind,
            member_count=len(ids) if isinstance(raw, list) else None,
            members=members,
            handles=self.handles,
        )
        # Folders are named by channel/MPIM name, DM folders by id; the first entry wins.
        if first_str(record.get("name")):
            self.conversations.setdefault(name, conv)
        if cid:
            self.by_id.setdefault(cid, conv)

    def conversation(self, folder: str) -> Conversation:
        found = self.conversations.get(folder) or self.by_id.get(folder)
        if found is not None:
            return found
        conv = Conversation(id=folder, name=folder, kind=_guess_kind(folder), handles=self.handles)
        self.conversations[folder] = conv
        return conv


def _guess_kind(folder: str) -> ConversationKind:
    """Kind of a conversation the metadata does not list, from Slack's folder naming."""
    if folder.startswith("mpdm-"):
        return ConversationKind.GROUP
    if re.fullmatch(r"D[A-Z0-9]{6,}", folder):
        return ConversationKind.DM
    return ConversationKind.CHANNEL


# --- one message ----------------------------------------------------------------------


def _message(
    source: Source,
    location: str,
    rec: dict[str, Any],
    ts: str,
    conversation: Conversation,
    ctx: _Context,
    conv_dir: str,
    root: str,
) -> Message:
    subtype = rec.get("subtype") if isinstance(rec.get("subtype"), str) else None
    thread_ts = rec.get("thread_ts") if isinstance(rec.get("thread_ts"), str) else None
    thread_id: str | None = None
    reply_to: str | None = None
    if thread_ts and thread_ts != ts:
        thread_id = reply_to = thread_ts
    elif thread_ts == ts or _has_replies(rec):
        thread_id = ts  # a thread root is its own thread
    text = rec.get("text")
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=conversation,
        message_id=ts,
        author=_author(rec, ctx),
        timestamp=ts_to_datetime(ts),
        text=text if isinstance(text, str) else "",
        thread_id=thread_id,
        reply_to=reply_to,
        attachments=slack_files(rec, source, conv_dir, root),
        edited=rec.get("edited") is not None or subtype == "message_changed",
        deleted=subtype in DELETED_SUBTYPES,
        kind=MessageKind.USER if subtype is None or subtype in USER_SUBTYPES else MessageKind.SYSTEM,
        parts=slack_parts(rec, location),
    )


def _has_replies(rec: dict[str, Any]) -> bool:
    count = rec.get("reply_count")
    replies = rec.get("replies")
    return (isinstance(count, int) and count > 0) or (isinstance(replies, list) and bool(replies))


def _author(rec: dict[str, Any], ctx: _Context) -> Author:
    author_id = first_str(rec.get("user"), rec.get("bot_id"), rec.get("username"))
    profile, bot = json_obj(rec.get("user_profile")), json_obj(rec.get("bot_profile"))
    name = first_str(
        ctx.users.get(author_id),
        profile.get("display_name"),
        profile.get("real_name"),
        rec.get("username"),
        bot.get("name"),
    )
    return Author(id=author_id, name=name or author_id)


def ts_to_datetime(ts: str) -> datetime | None:
    """Aware UTC time of a Slack ts, exact to the microsecond (no float rounding)."""
    m = _TS_PARTS.fullmatch(ts)
    if m is None:
        return None
    micros = int((m[2] or "")[:6].ljust(6, "0"))
    try:
        return datetime.fromtimestamp(int(m[1]), UTC).replace(microsecond=micros)
    except (OverflowError, OSError, ValueError):
        return None


def _input_name(source: Source) -> str:
    return source.path.stem if source.kind == "zip" else source.path.name


def _conversation_name_for_file(entry: Entry, source: Source) -> str:
    """A lone day file belongs to its folder's conversation; any other file is its own."""
    # A file split out of a zip is named "<archive>!<member>".
    path = PurePosixPath(source.path.as_posix().rpartition("!")[2])
    if DAY_FILE.fullmatch(path.name) and path.parent.name:
        return path.parent.name
    return path.stem or entry.location


# --- sniffing -------------------------------------------------------------------------


def _looks_like_message_file(entry: Entry) -> bool:
    if entry.suffix != ".json":
        return False
    head = entry.head(256)
    first = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff \t\r\n")[:1]
    if first == "{":
        # One message object: small, so parse it whole (its ts may come last).
        if entry.size > MAX_SINGLE_FILE_SNIFF:
            return False
        value = sniff_value(entry, MAX_SINGLE_FILE_SNIFF, SNIFF_RECORDS)
    elif first == "[":
        value = sniff_value(entry, SNIFF_BYTES, SNIFF_RECORDS)
    else:
        return False
    if isinstance(value, dict):
        return _is_message(value)
    return isinstance(value, list) and _is_message_list(value)


def _is_message_list(records: list[Any]) -> bool:
    head = records[:SNIFF_RECORDS]
    return bool(head) and all(isinstance(r, dict) and _is_message(r) for r in head)


def _is_message(rec: dict[str, Any]) -> bool:
    """A Slack message object: a Slack-shaped ts plus a message field, and nothing foreign."""
    ts = rec.get("ts")
    if not isinstance(ts, str) or SNIFF_TS.fullmatch(ts) is None:
        return False
    if "messages" in rec or "conversation" in rec or "author" in rec:
        return False  # a chat container, or the generic JSONL shape
    return rec.get("type") == "message" or any(k in rec for k in ("user", "text", "subtype", "bot_id"))
