"""Discord histories as DiscordChatExporter (DCE) writes them: JSON and CSV, one file per channel.

JSON (DCE ``JsonMessageWriter``; shared notes, section 2.4)::

    {"guild": {id, name, iconUrl} | null,
     "channel": {id, type, categoryId, category, name, topic},   # for a thread, category = parent
     "dateRange": {…}, "exportedAt": "…",
     "messages": [{id, type, timestamp, timestampEdited, isPinned, content,
                   author {id, name, discriminator, nickname, isBot, …},
                   attachments [{id, url, fileName, fileSizeBytes}], embeds, stickers,
                   reactions, mentions, reference {type, messageId, channelId, guildId}}, …],
     "messageCount": n}

CSV (DCE ``CsvMessageWriter``): a header ``AuthorID,Author,Date,Content,Attachments,Reactions``,
every field quoted; ``Date`` in the exporting machine's locale and local time (.NET format
"g"), attachments as comma-joined URLs or paths.

File names are ``<Guild> - <Category> - <Channel> [<channel id>].json``; a channel split by
``--partition`` adds `` [part N]``. Media downloaded with ``--media`` lie in a folder beside
the files (``<file>_Files/``, ``media/``, ``_media/``).

Decisions worth knowing:

* ``message_id`` is the Discord ``id`` (a snowflake string). CSV rows have no id: a row is
  ``<file>#<line>``, ``<line>`` the 1-based line it starts on (a row may span lines).
* The conversation is the channel (``id`` = channel id), so the ``[part N]`` files of one
  channel are one conversation; parts are read in part order. Kind: a 1:1 DM is ``dm``
  (2 members), a group DM ``group``, a guild channel, voice chat or thread ``channel``.
  A thread file's messages carry ``thread_id`` = the thread's channel id. The name is
  ``Guild / Category / Channel`` (for DMs the recipients' names, as DCE writes them).
* ``kind`` is user for message types ``Default`` and ``Reply`` (bots included: the author
  is the bot); every other type (joins, pins, calls, thread starts …) is system. ``reply_to``
  is ``reference.messageId`` (not for forwards); ``edited`` is ``timestampEdited`` set.
* ``text`` is ``content`` exactly (DCE already rendered mentions as ``@name``); embeds,
  stickers and forwarded copies are not part of it.
* Author name is the ``nickname`` (the display name DCE resolved), else ``name``.
* Attachments: ``fileName`` and ``fileSizeBytes``; ``path`` is the ``url`` when it is a path
  inside the export (downloaded media; Windows ``\\`` separators normalised), never a web URL.
* CSV: the author is ``AuthorID``/``Author``; the time is naive (no zone in the file), with
  day/month order decided per file; system rows are recognised by DCE's fixed notice texts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

import ijson

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_EMBED,
    PART_FILE_METADATA,
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
    TOO_DEEP,
    Entry,
    JsonTruncated,
    Source,
    allow_long_csv_fields,
    build_value,
    csv_rows,
    dm_or_group,
    entry_label,
    first_char,
    first_json_value,
    guarded,
    head_text,
    iso_time,
    iter_lines,
    json_id,
    json_obj,
    json_str,
    open_json,
    skip_value,
)
from scanner.readers.locale_dates import locale_time, survey_day_first
from scanner.readers.textparts import Parts

PLATFORM = "discord"

USER_TYPES = frozenset({"Default", "Reply", "0", "19"})
CSV_HEADER = ("authorid", "author", "date", "content", "attachments", "reactions")
SUFFIXES = (".json", ".csv")
# Folders DCE (or users) put downloaded media in: "<file>_Files", "media", "_media".
_MEDIA_DIR = re.compile(r"(?i)(?:.*_files|_?media|assets|attachments)")
# DCE's default name "<Guild> - <Category> - <Channel> [<id>]", then an optional date range
# " (after 2024-01-01)" / " (2024-01-01 to 2024-02-01)", then " [part N]" for partitions.
_FILE_NAME = re.compile(
    r"(?P<name>.*?) \[(?P<id>[^\[\]]+)\]"
    r"(?: \((?:after |before )?\d{4}-\d{2}-\d{2}(?: to \d{4}-\d{2}-\d{2})?\))?"
    r"(?: \[part (?P<part>\d+)\])?"
)
_PART = re.compile(r" \[part (\d+)\](?=\.[^.]*$)")
DM_GUILD_NAME = "Direct Messages"  # DCE's pseudo-guild for DMs (id "0")

SNIFF_BYTES = 1024 * 1024
SNIFF_ENTRIES = 20


class DiscordReader:
    """DiscordChatExporter JSON or CSV: one file, or a folder/zip of channel files with media."""

    name: ClassVar[str] = "discord"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Discord, as DiscordChatExporter writes it: JSON or CSV per channel (file, folder or zip)"
    )
    detection: ClassVar[str] = (
        "a .json object with 'guild', 'channel' {id, type, name} and a 'messages' list of "
        "{id, type, timestamp, author} objects; or a .csv whose header is "
        "AuthorID,Author,Date,Content,Attachments,Reactions; or a folder/zip of such files (media "
        "folders beside them)"
    )

    def sniff(self, source: Source) -> bool:
        entries = source.entries()
        if source.kind == "file":
            return len(entries) == 1 and _claims(entries[0])
        files = [e for e in entries if not _in_media_dir(e.name)]
        if not files or any(e.suffix not in SUFFIXES for e in files):
            return False
        return all(_claims(e) for e in files[:SNIFF_ENTRIES])

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            entries = source.entries()
            if len(entries) != 1:
                raise ReaderError(source.display, "expected one file")
            yield from guarded(entries[0].location, _read_entry(source, entries[0]))
            return
        files = [e for e in source.entries() if not _in_media_dir(e.name)]
        if not files:
            raise ReaderError(source.display, "no DiscordChatExporter files found")
        for entry in sorted(files, key=_part_order):
            if entry.suffix not in SUFFIXES:
                if entry.size:
                    yield Skipped(entry.location, "not a DiscordChatExporter file; not read")
                continue
            try:
                yield from guarded(entry.location, _read_entry(source, entry))
            except ReaderError as exc:
                yield Skipped(exc.location, exc.reason)


def _read_entry(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    if entry.suffix == ".csv" or (entry.suffix != ".json" and first_char(entry) not in ("{", "[")):
        return _read_csv(source, entry)
    return _read_json(source, entry)


def _in_media_dir(name: str) -> bool:
    return any(_MEDIA_DIR.fullmatch(part) for part in PurePosixPath(name).parts[:-1])


def _part_order(entry: Entry) -> tuple[str, int, str]:
    """Sort key that keeps the parts of one channel together and in part order (2 before 10)."""
    m = _PART.search(entry.name)
    base = _PART.sub("", entry.name) if m else entry.name
    return (base, int(m.group(1)) if m else 1, entry.name)


def _file_stem(source: Source, entry: Entry) -> str:
    return PurePosixPath(entry_label(source, entry)).stem


# --- sniffing -------------------------------------------------------------------------


def _claims(entry: Entry) -> bool:
    if entry.suffix == ".json":
        return first_char(entry) == "{" and _sniff_json(entry)
    if entry.suffix == ".csv":
        return _csv_header(entry)
    return False


def _csv_header(entry: Entry) -> bool:
    text = head_text(entry, 4096).lstrip("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        row = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    return tuple(c.strip().lower() for c in row) == CSV_HEADER


def _sniff_json(entry: Entry) -> bool:
    """The head of the file (at most SNIFF_BYTES) is a DCE export: guild and channel, then messages."""
    top = first_json_value(entry, SNIFF_BYTES)
    if not isinstance(top, dict) or "guild" not in top or "messages" not in top:
        return False
    channel, guild, messages = top.get("channel"), top.get("guild"), top.get("messages")
    if not isinstance(channel, dict) or not json_id(channel.get("id")):
        return False
    if not ("type" in channel or "name" in channel):
        return False
    if guild is not None and not isinstance(guild, dict):
        return False
    if not isinstance(messages, list):
        return False
    first = next((m for m in messages if isinstance(m, dict) and len(m) >= 3), None)
    if first is None:
        return not messages or len(messages) == 1  # empty, or the first one cut by the head
    return "id" in first and "timestamp" in first and "author" in first


# --- JSON -----------------------------------------------------------------------------


def _read_json(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    ctx = _JsonContext(source, entry, entry_label(source, entry))
    count = 0
    with stream:
        events = ijson.basic_parse(stream)
        try:
            first = next(events, None)
            if first is None or first[0] != "start_map":
                yield Skipped(entry.location, "not a DiscordChatExporter export (top level is not an object)")
                return
            seen_messages = False
            for event, value in events:
                if event == "end_map":
                    break
                key = value
                event, value = next(events, ("", None))
                if not event:
                    raise JsonTruncated
                if key == "messages" and event == "start_array":
                    seen_messages = True
                    for item_event, item_value in events:
                        if item_event == "end_array":
                            break
                        built = build_value(item_event, item_value, events, MAX_JSON_DEPTH - 2)
                        location = f"{entry.location}#/messages/{count}"
                        if built is TOO_DEEP:
                            yield Skipped(
                                location,
                                f"JSON nested deeper than {MAX_JSON_DEPTH} levels; file not read further",
                            )
                            return
                        yield ctx.message(built, count, location)
                        count += 1
                elif key in ("guild", "channel"):
                    built = build_value(event, value, events, MAX_JSON_DEPTH - 1)
                    if built is TOO_DEEP:
                        yield Skipped(entry.location, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
                        return
                    ctx.meta[key] = built
                    ctx.conversation = None
                else:
                    skip_value(event, events)
        except IJSON_ERRORS:  # JsonTruncated included
            # ijson's messages quote the input, so the reason is built from structure only.
            yield Skipped(entry.location, f"invalid or truncated JSON after {count} messages")
            return
    if not seen_messages:
        yield Skipped(entry.location, "not a DiscordChatExporter export (no messages list)")


@dataclass(slots=True)
class _JsonContext:
    source: Source
    entry: Entry
    label: str
    meta: dict[str, Any] = field(default_factory=dict)
    conversation: Conversation | None = None
    thread_id: str | None = None

    def _conversation(self) -> Conversation:
        if self.conversation is None:
            self.conversation, self.thread_id = _json_conversation(
                self.meta, _file_stem(self.source, self.entry)
            )
        return self.conversation

    def message(self, rec: Any, index: int, location: str) -> Message | Skipped:
        if not isinstance(rec, dict):
            return Skipped(location, "message is not a JSON object")
        conversation = self._conversation()
        msg_type = json_id(rec.get("type")) or "Default"
        author = json_obj(rec.get("author"))
        author_id = json_id(author.get("id"))
        author_name = json_str(author.get("nickname")) or json_str(author.get("name")) or author_id
        reference = json_obj(rec.get("reference"))
        reply_to = None
        if json_str(reference.get("type")) != "Forward":
            reply_to = json_id(reference.get("messageId")) or None
        content = rec.get("content")
        return Message(
            platform=PLATFORM,
            source=self.source.display,
            location=location,
            conversation=conversation,
            message_id=json_id(rec.get("id")) or f"{self.label}#{index}",
            author=Author(author_id or author_name, author_name),
            timestamp=iso_time(rec.get("timestamp")),
            text=content if isinstance(content, str) else "",
            thread_id=self.thread_id,
            reply_to=reply_to,
            attachments=self._attachments(rec.get("attachments")),
            edited=bool(rec.get("timestampEdited")),
            kind=MessageKind.USER if msg_type in USER_TYPES else MessageKind.SYSTEM,
            parts=_parts(rec, location),
        )

    def _attachments(self, value: Any) -> tuple[Attachment, ...]:
        if not isinstance(value, list):
            return ()
        out: list[Attachment] = []
        for item in value:
            if not isinstance(item, dict):
                continue
            url = json_str(item.get("url"))
            name = json_str(item.get("fileName")) or _url_name(url) or json_id(item.get("id"))
            size = item.get("fileSizeBytes")
            out.append(
                Attachment(
                    name=name,
                    size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
                    path=_local_path(self.entry, url),
                )
            )
        return tuple(out)


def _json_conversation(meta: dict[str, Any], stem: str) -> tuple[Conversation, str | None]:
    """The channel of a DCE file, and the thread id when the channel is a thread."""
    guild = meta.get("guild")
    guild_d = guild if isinstance(guild, dict) else {}
    channel = json_obj(meta.get("channel"))
    from_name = _FILE_NAME.fullmatch(stem)
    cid = json_id(channel.get("id")) or (from_name.group("id") if from_name else stem)
    name = json_str(channel.get("name")) or (from_name.group("name") if from_name else stem)
    ctype = json_str(channel.get("type"))
    guild_id, guild_name = json_id(guild_d.get("id")), json_str(guild_d.get("name"))
    direct = "Direct" in ctype or (
        not ctype and (guild is None or guild_id == "0" or guild_name == DM_GUILD_NAME)
    )
    if direct:
        group = "Group" in ctype or (not ctype and ", " in name)
        return dm_or_group(cid, name or cid, group), None
    parts = [p for p in (guild_name, json_str(channel.get("category")), name) if p]
    conv = Conversation(id=cid, name=" / ".join(parts) or cid, kind=ConversationKind.CHANNEL)
    return conv, cid if ctype.endswith("Thread") else None


# --- CSV ------------------------------------------------------------------------------

# DCE's fallback texts for system messages (Message.Parse / GetFallbackContent), old and new.
_CSV_NOTICE = re.compile(
    r"Added a recipient\.|Removed a recipient\.|Left the group\.|Joined the server\."
    r"|Pinned a message\.|Started a thread\.|Changed the channel icon\.|Changed the channel name\."
    r"|Changed the channel name: .*|Started a call(?: that lasted \d+ minutes?)?\."
    r"|Added .+ to the group\.|Removed .+ from the group\."
)


def _read_csv(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    allow_long_csv_fields()  # before the survey, which reads rows too
    day_first = survey_day_first(entry, CSV_HEADER.index("date"))
    lines, encoding = iter_lines(entry)
    source.encodings.add(encoding)
    label = entry_label(source, entry)
    conversation = _csv_conversation(_file_stem(source, entry))
    header: list[str] | None = None
    for item in csv_rows(entry, lines):
        if isinstance(item, Skipped):
            yield item
            continue
        start, row = item
        if header is None:
            header = [c.lstrip("\ufeff").strip().lower() for c in row]
            if "content" not in header:
                raise ReaderError(entry.location, "CSV header has no 'Content' column")
            continue
        fields = dict(zip(header, row, strict=False))
        location = f"{entry.location}:{start}"
        if len(row) < len(header):
            yield Skipped(location, f"CSV row has {len(row)} of {len(header)} columns")
            continue
        text = fields.get("content", "")
        author_id, author_name = fields.get("authorid", ""), fields.get("author", "")
        yield Message(
            platform=PLATFORM,
            source=source.display,
            location=location,
            conversation=conversation,
            message_id=f"{label}#{start}",
            author=Author(author_id or author_name, author_name or author_id),
            timestamp=locale_time(fields.get("date", ""), day_first),
            text=text,
            attachments=_csv_attachments(entry, links := fields.get("attachments", "")),
            kind=MessageKind.SYSTEM if _CSV_NOTICE.fullmatch(text) else MessageKind.USER,
            # The links to the files (a CSV cell has no finer location than its row).
            parts=(TextPart(PART_FILE_METADATA, links, location),) if links.strip() else (),
        )


def _parts(rec: dict[str, Any], location: str) -> tuple[TextPart, ...]:
    """File names and links, embeds (title, description, fields, footer, author) and the
    text of a forwarded message."""
    content = rec.get("content")
    parts = Parts(location, content if isinstance(content, str) else "")
    _message_parts(parts, rec, ())
    forwarded = rec.get("forwardedMessage")
    if isinstance(forwarded, dict):
        parts.add(PART_EMBED, forwarded.get("content"), "forwardedMessage", "content")
        _message_parts(parts, forwarded, ("forwardedMessage",))
    return parts.result()


def _message_parts(parts: Parts, rec: dict[str, Any], path: tuple[str, ...]) -> None:
    attachments = rec.get("attachments")
    for i, item in enumerate(attachments if isinstance(attachments, list) else ()):
        parts.fields(PART_ATTACHMENT_NAME, item, ("fileName",), *path, "attachments", i)
        parts.fields(PART_FILE_METADATA, item, ("url",), *path, "attachments", i)
    embeds = rec.get("embeds")
    for i, embed in enumerate(embeds if isinstance(embeds, list) else ()):
        if not isinstance(embed, dict):
            continue
        at: tuple[str | int, ...] = (*path, "embeds", i)
        parts.fields(PART_EMBED, embed, ("title", "description", "url"), *at)
        parts.fields(PART_EMBED, embed.get("author"), ("name", "url"), *at, "author")
        parts.fields(PART_EMBED, embed.get("footer"), ("text",), *at, "footer")
        fields = embed.get("fields")
        for j, fld in enumerate(fields if isinstance(fields, list) else ()):
            parts.fields(PART_EMBED, fld, ("name", "value"), *at, "fields", j)


def _csv_conversation(stem: str) -> Conversation:
    """A CSV names no channel: take it from DCE's file name ``Guild - Category - Channel [id]``."""
    m = _FILE_NAME.fullmatch(stem)
    name, cid = (m.group("name"), m.group("id")) if m else (stem, stem)
    if name.startswith(f"{DM_GUILD_NAME} - "):
        recipients = name[len(DM_GUILD_NAME) + 3 :]
        # DCE writes "<Guild> - <Category> - <Channel>"; older or renamed files drop the category.
        recipients = recipients.split(" - ", 1)[1] if " - " in recipients else recipients
        return dm_or_group(cid, recipients, group=", " in recipients)
    return Conversation(id=cid, name=name.replace(" - ", " / "), kind=ConversationKind.CHANNEL)


def _csv_attachments(entry: Entry, value: str) -> tuple[Attachment, ...]:
    out: list[Attachment] = []
    for url in (u.strip() for u in value.split(",")):
        if url:
            out.append(Attachment(name=_url_name(url) or url, path=_local_path(entry, url)))
    return tuple(out)


# --- helpers --------------------------------------------------------------------------


def _url_name(url: str) -> str:
    """The file name at the end of a URL or (Windows or POSIX) path."""
    if not url:
        return ""
    path = urlsplit(url).path if "://" in url else url
    return unquote(path.replace("\\", "/").rstrip("/").rpartition("/")[2])


def _local_path(entry: Entry, url: str) -> str | None:
    """Where a downloaded file lies inside the input, if ``url`` is a relative path."""
    if not url or "://" in url or url.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", url):
        return None
    rel = url.replace("\\", "/")
    folder = entry.name.rpartition("/")[0]
    parts: list[str] = folder.split("/") if folder else []
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) or None
