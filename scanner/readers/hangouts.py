"""Legacy Hangouts from Google Takeout, read for the Google Chat reader.

``Takeout/Hangouts/Hangouts.json``, often hundreds of MB::

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

* Hangouts: ``message_id`` is ``event_id``; text is the concatenated segments (LINE_BREAK
  as a newline); chat, SMS and voicemail events are user messages, hangout calls,
  membership and rename events system messages (a rename keeps the new name as text).
  Hangouts was folded into Google Chat, and its messages carry the platform
  ``googlechat`` like the rest of this reader's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import IO, Any

from scanner.model import (
    Attachment,
    Author,
    Conversation,
    ConversationKind,
    Message,
    MessageKind,
    Skipped,
)
from scanner.readers.base import (
    Entry,
    Source,
    first_str,
    json_id,
    json_obj,
    json_str,
    json_walk,
)

PLATFORM = "googlechat"

# Hangouts, as path patterns: the current shape, then the pre-2018 one.
HANGOUTS_CONVERSATIONS = (
    "conversations/*/conversation",
    "conversation_state/*/conversation_state/conversation",
)
HANGOUTS_EVENTS = ("conversations/*/events/*", "conversation_state/*/conversation_state/event/*")
HANGOUTS_PATTERNS = (*HANGOUTS_CONVERSATIONS, *HANGOUTS_EVENTS)
# Keys of a Hangouts conversation object (current shape, then the pre-2018 inner one).
CONVERSATION_KEYS = frozenset(["conversation_id", "conversation", "participant_data"])
HANGOUTS_USER_EVENTS = frozenset(["REGULAR_CHAT_MESSAGE", "SMS", "VOICEMAIL"])


def is_hangouts_event(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("sender_id"), dict) and "timestamp" in value


@dataclass(slots=True)
class _HangoutsState:
    """The conversation being read and its participants' names (one at a time)."""

    index: int = -1
    conversation: Conversation | None = None
    names: dict[str, str] = field(default_factory=dict)


def read_hangouts(source: Source, entry: Entry, stream: IO[bytes], label: str) -> Iterator[Message | Skipped]:
    state = _HangoutsState()
    seen = False
    for hit in json_walk(entry, stream, HANGOUTS_PATTERNS, "events"):
        if isinstance(hit, Skipped):
            yield hit
            return
        seen = True
        value = hit.value
        if hit.pattern in HANGOUTS_CONVERSATIONS:
            state.index = hit.indices[0]
            state.conversation, state.names = _hangouts_conversation(value, f"{label}#{state.index}")
            continue
        outer, inner = hit.indices
        location = f"{entry.location}#{hit.pointer}"
        if not isinstance(value, dict):
            yield Skipped(location, "event is not an object")
            continue
        if state.index != outer or state.conversation is None:
            cid = json_id(json_obj(value.get("conversation_id")).get("id")) or f"{label}#{outer}"
            state.index = outer
            state.conversation = Conversation(id=cid, name=cid, kind=ConversationKind.GROUP)
            state.names = {}
        yield _hangouts_message(source, location, f"{label}#{outer}/{inner}", value, state)
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
