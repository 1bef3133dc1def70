"""Facebook Messenger and Instagram "Download Your Information" JSON (shared notes, section 2.10).

Both write the same shape, one thread per folder, split into ``message_1.json``,
``message_2.json`` … of at most ~10 000 messages each, **newest first**::

    {"participants": [{"name"}], "messages": [{"sender_name", "timestamp_ms", "content",
      "photos"|"videos"|"audio_files"|"gifs"|"files": [{"uri"}], "sticker": {"uri"},
      "share": {"link", "share_text"}, "is_unsent", "type", "reactions"} …],
     "title", "is_still_participant", "thread_path": "inbox/<thread>", "thread_type"?}

under ``your_facebook_activity/messages/{inbox,archived_threads,filtered_threads,
message_requests,e2ee_cutover}/<thread>/`` (older packages: ``messages/inbox/…``), or
``your_instagram_activity/messages/inbox/<thread>/`` for Instagram. Messenger's end-to-end
encrypted download (``senderName``, ``timestamp``, ``text``, ``isUnsent``, ``media``) is
read too.

**Mojibake.** Meta writes every UTF-8 *byte* as its own ``\\u00XX`` escape, so after JSON
decoding a string reads as Latin-1 ("JosÃ©"). Every string used (text, names, title,
paths) is repaired with ``s.encode("latin-1").decode("utf-8")`` when that round-trips;
otherwise (a fixed export, or text that is not mojibake) it is kept as it is.

Which product wrote an input (the files do not say) is decided in ``meta_detect``.

Decisions worth knowing:

* The ``message_N.json`` files of one folder are one conversation, read in file order
  (N ascending, each newest first). Its id is ``thread_path``, else the folder inside the
  export, else the file; its name the ``title``, else the participants. Title and
  thread_path come after the messages, so a first pass over ``message_1.json`` reads
  them (skipping the messages without building them).
* ``message_id`` is ``<file>#<index>``: the file as named inside the export and the
  message's index in that file's ``messages`` array (Meta has no message ids).
* Authors have no ids in the export: id and name are both the repaired ``sender_name``.
* ``is_unsent`` is ``deleted``; calls, the old Subscribe/Unsubscribe types and Instagram's
  reaction notices ("Liked a message", "Reacted ❤️ to your message") are system.
* Media become attachments named after the ``uri``'s file name, with ``path`` the file
  inside the input when it is there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import (
    PART_EMBED,
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
    Entry,
    JsonTooDeep,
    Source,
    epoch_ms,
    in_folder,
    json_obj,
    json_str,
    json_walk,
    open_json,
    open_utf8,
    read_each,
    stream_values,
)
from scanner.readers.meta_detect import (
    INSTAGRAM,
    MEDIA_FOLDERS,
    MESSAGE_FILE,
    MESSENGER,
    claim,
    file_order,
    is_int,
    platform_of,
    sniff_entry,
)
from scanner.readers.textparts import Parts

META_KEYS = ("participants", "title", "thread_path", "thread_type", "threadName")
META_WANTED = frozenset(META_KEYS)
MEDIA_KEYS = ("photos", "videos", "audio_files", "gifs", "files", "media")
SYSTEM_TYPES = frozenset(["Call", "Subscribe", "Unsubscribe"])
# Reactions Instagram writes as messages of their own ("Liked a message", "Reacted ❤️ to your
# message"): notices, not posts. Matched whole, so a sentence that merely contains the words
# stays a user message.
REACTION_NOTICE = re.compile(r"(?:.{1,100} )?(?:[Ll]iked a message|[Rr]eacted .{1,16} to your message)")
# Folders of the package itself (never taken for a wrapper around it).
PACKAGE_FOLDERS = frozenset(
    [
        *("your_facebook_activity", "your_instagram_activity", "messages", "inbox"),
        *("archived_threads", "filtered_threads", "message_requests", "e2ee_cutover"),
    ]
)


def repair(text: str) -> str:
    """Undo Meta's mojibake: UTF-8 bytes written as ``\\u00XX`` escapes, read back as Latin-1.

    Text that does not round-trip (already proper Unicode, or Latin-1 that is not UTF-8)
    is returned unchanged.
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


class _MetaReader:
    """Shared reading; the subclasses differ only in the platform they claim."""

    name: ClassVar[str]
    platform: ClassVar[str]
    description: ClassVar[str]
    detection: ClassVar[str]

    def sniff(self, source: Source) -> bool:
        probe = claim(source)
        return probe is not None and platform_of(source, probe) == self.platform

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.is_file:
            entry = source.entries()[0]
            yield from _read_thread(source, [entry], self.platform)
            return
        threads: dict[str, list[Entry]] = {}
        found = False
        root = source.strip_root()
        for entry in source.entries():
            if entry.suffix != ".json" or in_folder(entry.name[len(root) :], MEDIA_FOLDERS):
                continue
            if sniff_entry(entry) is None:
                if entry.size:
                    yield Skipped(entry.location, f"not a {self.platform.title()} message file; not read")
                continue
            found = True
            folder = entry.name.rpartition("/")[0]
            # message_N.json files of one folder are one thread; any other file stands alone.
            key = folder if MESSAGE_FILE.fullmatch(entry.basename) else entry.name
            threads.setdefault(key, []).append(entry)
        if not found:
            raise ReaderError(source.display, f"no {self.platform.title()} message file found")
        for key in sorted(threads):
            yield from _read_thread(source, sorted(threads[key], key=file_order), self.platform)


class MessengerReader(_MetaReader):
    """Facebook Messenger "Download Your Information" JSON (message_N.json per thread)."""

    name: ClassVar[str] = MESSENGER
    platform: ClassVar[str] = MESSENGER
    description: ClassVar[str] = (
        "Facebook Messenger 'Download Your Information' JSON (messages/inbox/<thread>/message_N.json)"
    )
    detection: ClassVar[str] = (
        "a .json object whose 'messages' hold sender_name + timestamp_ms (or participants with an "
        "empty thread), or a folder/zip of such message_N.json files with their media; Messenger "
        "rather than Instagram by your_facebook_activity/ paths, thread_type, a facebook-… input "
        "name, or by default when the file lists participants"
    )


class InstagramReader(_MetaReader):
    """Instagram "Download Your Information" JSON (same shape as Messenger's)."""

    name: ClassVar[str] = INSTAGRAM
    platform: ClassVar[str] = INSTAGRAM
    description: ClassVar[str] = (
        "Instagram 'Download Your Information' JSON (your_instagram_activity/messages/inbox/…/message_N.json)"
    )
    detection: ClassVar[str] = (
        "the Messenger shape (messages with sender_name + timestamp_ms), told apart by "
        "your_instagram_activity/ paths, an instagram-… input name, or a file without participants"
    )


# --- reading --------------------------------------------------------------------------


def _label(source: Source, entry: Entry) -> str:
    """The file as named inside the export: a wrapping folder (a zip's, or the download's own
    ``facebook-<user>-<date>/``) is left out, the package's folders are kept."""
    if not entry.name:
        return PurePosixPath(source.path.as_posix().rpartition("!")[2]).name
    return entry.name.removeprefix(_wrapper(source))


def _wrapper(source: Source) -> str:
    root = source.strip_root()
    if not root or root.rstrip("/") in PACKAGE_FOLDERS:
        return ""
    if any(MESSAGE_FILE.fullmatch(name[len(root) :]) for name in source.names()):
        return ""  # the input is one thread's folder, not a wrapper
    return root


def _read_thread(source: Source, entries: list[Entry], platform: str) -> Iterator[Message | Skipped]:
    """One conversation: its message_N.json files in order."""
    meta = _thread_meta(entries[0])
    first_label = _label(source, entries[0])
    folder = first_label.rpartition("/")[0] if MESSAGE_FILE.fullmatch(entries[0].basename) else ""
    conversation = _conversation(meta, folder or first_label)
    resolver = _Resolver(source)
    read = functools.partial(_read_file, source, conversation, resolver, platform)
    yield from read_each(source, read, entries)


def _thread_meta(entry: Entry) -> dict[str, Any]:
    """Participants, title, thread_path … of a thread (written after its messages)."""
    meta: dict[str, Any] = {}
    try:
        stream, _ = open_utf8(entry)
    except ReaderError:
        return meta
    with stream:
        try:
            for prefix, _, value in stream_values(stream, META_WANTED):
                meta[prefix] = value
        except (*IJSON_ERRORS, JsonTooDeep):
            pass  # the reading pass reports the break
    return meta


def _conversation(meta: dict[str, Any], fallback: str) -> Conversation:
    raw = meta.get("participants")
    names: list[str] = []
    if isinstance(raw, list):
        for p in raw:
            name = p.get("name") if isinstance(p, dict) else p
            if isinstance(name, str) and name:
                names.append(repair(name))
    members = tuple(dict.fromkeys(names))
    title = repair(json_str(meta.get("title")) or json_str(meta.get("threadName")))
    thread_path = repair(json_str(meta.get("thread_path")))
    thread_type = json_str(meta.get("thread_type"))
    if thread_type == "RegularGroup":
        kind = ConversationKind.GROUP
    elif thread_type == "Regular":
        kind = ConversationKind.DM
    elif members:
        kind = ConversationKind.DM if len(members) <= 2 else ConversationKind.GROUP
    else:
        kind = ConversationKind.GROUP  # the export does not say
    cid = thread_path or fallback
    return Conversation(
        id=cid,
        name=title or ", ".join(members) or cid,
        kind=kind,
        member_count=len(members) if isinstance(raw, list) else None,
        members=members,
    )


def _read_file(
    source: Source, conversation: Conversation, resolver: _Resolver, platform: str, entry: Entry
) -> Iterator[Message | Skipped]:
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    label = _label(source, entry)
    with stream:
        for hit in json_walk(entry, stream, ("messages/*",)):
            if isinstance(hit, Skipped):
                yield hit
                return
            location = f"{entry.location}#{hit.pointer}"
            if not isinstance(hit.value, dict):
                yield Skipped(location, "record is not an object")
                continue
            mid = f"{label}#{hit.indices[-1]}"
            yield _message(source, location, mid, hit.value, conversation, resolver, platform)


def _message(
    source: Source,
    location: str,
    message_id: str,
    rec: dict[str, Any],
    conversation: Conversation,
    resolver: _Resolver,
    platform: str,
) -> Message:
    sender = repair(json_str(rec.get("sender_name")) or json_str(rec.get("senderName")))
    text = rec.get("content")
    if not isinstance(text, str):
        text = rec.get("text")
    mtype = json_str(rec.get("type"))
    text = repair(text) if isinstance(text, str) else ""
    system = mtype in SYSTEM_TYPES or "call_duration" in rec or REACTION_NOTICE.fullmatch(text) is not None
    return Message(
        platform=platform,
        source=source.display,
        location=location,
        conversation=conversation,
        message_id=message_id,
        author=Author(id=sender, name=sender),
        timestamp=_timestamp(rec),
        text=text,
        attachments=_attachments(rec, resolver),
        parts=_parts(location, rec, text),
        deleted=rec.get("is_unsent") is True or rec.get("isUnsent") is True,
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


def _timestamp(rec: dict[str, Any]) -> datetime | None:
    millis = rec.get("timestamp_ms")
    if "timestamp_ms" not in rec and "senderName" in rec:
        millis = rec.get("timestamp")  # the E2EE download writes milliseconds as "timestamp"
    if (isinstance(millis, Decimal) and millis.is_finite()) or is_int(millis):
        return epoch_ms(millis)
    seconds = rec.get("timestamp")  # very old packages: whole seconds
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _attachments(rec: dict[str, Any], resolver: _Resolver) -> tuple[Attachment, ...]:
    refs: list[Any] = []
    for key in MEDIA_KEYS:
        items = rec.get(key)
        if isinstance(items, list):
            refs.extend(items)
    if isinstance(rec.get("sticker"), dict):
        refs.append(rec["sticker"])
    out: list[Attachment] = []
    for ref in refs:
        uri = ref.get("uri") if isinstance(ref, dict) else ref
        if not isinstance(uri, str) or not uri:
            continue
        uri = repair(uri)
        name = PurePosixPath(uri.split("?", 1)[0]).name or uri
        out.append(Attachment(name=name, path=resolver.find(uri)))
    return tuple(out)


def _parts(location: str, rec: dict[str, Any], text: str) -> tuple[TextPart, ...]:
    """A shared link and the text shared with it (Meta writes the rest as attachments)."""
    share = json_obj(rec.get("share"))
    parts = Parts(location, text)
    for key, name in (("link", PART_LINK), ("share_text", PART_EMBED)):
        value = repair(json_str(share.get(key)))
        if value not in text:
            parts.add(name, value, "share", key)
    return parts.result()


class _Resolver:
    """Finds a ``uri`` (relative to the package root) among the input's files.

    The input may be the whole package, its ``inbox`` folder or one thread folder, so the
    longest tail of the uri that names an entry wins.
    """

    def __init__(self, source: Source) -> None:
        self._source = source
        self._root = "" if source.is_file else _wrapper(source)

    def find(self, uri: str) -> str | None:
        if self._source.is_file or "://" in uri:
            return None
        parts = [p for p in uri.split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None
        for k in range(len(parts), 1, -1):
            name = self._root + "/".join(parts[-k:])
            if self._source.member(name) is not None:
                return name
        return None
