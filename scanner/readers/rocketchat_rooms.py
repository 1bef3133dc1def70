"""Rocket.Chat rooms: names, kinds and members from ``channels.json`` (file exports) or
``rocketchat_room`` and ``users`` dumps (mongoexport), so each message gets its conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scanner.errors import ReaderError
from scanner.model import (
    Conversation,
    ConversationKind,
    Skipped,
)
from scanner.readers.base import (
    Entry,
    Source,
    first_char,
    iter_lines,
    json_lines,
    json_str,
    json_walk,
    open_utf8,
)
from scanner.readers.mongojson import mongo_count as _int
from scanner.readers.mongojson import mongo_id as _id_str

CHANNELS_FILE = "channels.json"
DUMP_USERS = "users.json"
ROOM_FILE = re.compile(r"rocketchat_room(?:[._-].*)?\.(?:json|jsonl|ndjson)")
ROOM_KINDS = {
    "c": ConversationKind.CHANNEL,
    "p": ConversationKind.GROUP,
    "d": ConversationKind.DM,
    "l": ConversationKind.DM,  # livechat: a visitor and an agent
    "v": ConversationKind.DM,  # omnichannel VoIP
}
# Meteor ids are 17 characters; a DM's room id is its two members' ids side by side.
DM_ROOM_ID = re.compile(r"[A-Za-z0-9]{34}")


@dataclass(frozen=True, slots=True)
class _Room:
    id: str
    name: str
    kind: ConversationKind | None
    members: tuple[str, ...] = ()
    member_count: int | None = None


@dataclass(slots=True)
class RoomDirectory:
    """Rooms by id (database dumps) and by export file name (channels.json)."""

    by_id: dict[str, _Room] = field(default_factory=dict)
    by_name: dict[str, _Room] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    # (username or user id, name) of people in a users dump, for resolving @mentions.
    handles: tuple[tuple[str, str], ...] = ()

    @classmethod
    def load(cls, source: Source) -> tuple[RoomDirectory, list[Skipped]]:
        directory = cls()
        skipped: list[Skipped] = []
        handles: list[tuple[str, str]] = []
        for entry in source.entries():
            if entry.basename == CHANNELS_FILE:
                for rec in _small_records(entry, skipped):
                    rid, name = _id_str(rec.get("roomId")), json_str(rec.get("roomName"))
                    if name or rid:
                        room = _Room(rid or name, name or rid, ROOM_KINDS.get(json_str(rec.get("type"))))
                        directory.by_name.setdefault(name or rid, room)
                        directory.by_id.setdefault(room.id, room)
            elif ROOM_FILE.fullmatch(entry.basename):
                for rec in _small_records(entry, skipped):
                    directory._add_db_room(rec)
            elif entry.basename == DUMP_USERS:
                for rec in _small_records(entry, skipped):
                    name = json_str(rec.get("name"))
                    if name and json_str(rec.get("type")) in ("", "user"):
                        handles.extend(
                            (h, name) for h in (json_str(rec.get("username")), _id_str(rec.get("_id"))) if h
                        )
        directory.handles = tuple(dict.fromkeys(handles))
        return directory, skipped

    def _add_db_room(self, rec: dict[str, Any]) -> None:
        rid = _id_str(rec.get("_id"))
        if not rid:
            return
        raw = rec.get("usernames")
        members = tuple(dict.fromkeys(u for u in raw if isinstance(u, str))) if isinstance(raw, list) else ()
        count = _int(rec.get("usersCount"))
        name = json_str(rec.get("fname")) or json_str(rec.get("name")) or ", ".join(members) or rid
        self.by_id.setdefault(
            rid,
            _Room(
                rid,
                name,
                ROOM_KINDS.get(json_str(rec.get("t"))),
                members,
                count if count is not None else None,
            ),
        )

    def conversation(self, rid: str, file_room: str) -> Conversation:
        """The conversation of a record: by its ``rid`` (database, API), else by its file."""
        key = f"id:{rid}" if rid else f"file:{file_room}"
        found = self.conversations.get(key)
        if found is not None:
            return found
        room = self.by_id.get(rid) if rid else self.by_name.get(file_room)
        if room is None:
            cid = rid or file_room
            room = _Room(cid, cid, None)
        kind = room.kind or _guess_kind(room.id)
        count = room.member_count
        if count is None and room.members:
            count = len(room.members)
        conv = Conversation(
            id=room.id,
            name=room.name,
            kind=kind,
            member_count=count,
            members=room.members,
            handles=self.handles,
        )
        self.conversations[key] = conv
        return conv


def _guess_kind(rid: str) -> ConversationKind:
    if rid == "GENERAL":
        return ConversationKind.CHANNEL  # the default channel every workspace starts with
    if DM_ROOM_ID.fullmatch(rid):
        return ConversationKind.DM
    return ConversationKind.GROUP


def _small_records(entry: Entry, skipped: list[Skipped]) -> Iterator[dict[str, Any]]:
    """Objects of a metadata file: JSON Lines, or a JSON array (streamed); what cannot be read
    goes to ``skipped``."""
    try:
        if first_char(entry) == "[":
            stream, _ = open_utf8(entry)
            with stream:
                for hit in json_walk(entry, stream, ("*",), "records"):
                    if isinstance(hit, Skipped):
                        skipped.append(hit)
                    elif isinstance(hit.value, dict):
                        yield hit.value
            return
        lines, _ = iter_lines(entry)
        for item in json_lines(entry, lines):
            if isinstance(item, Skipped):
                skipped.append(item)
            elif isinstance(item[2], dict):
                yield item[2]
    except ReaderError as exc:
        skipped.append(Skipped(exc.location, exc.reason))
