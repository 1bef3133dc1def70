"""Signal text exports, as written by signal-export (``sigexport``) and read by chat-miner.

Signal itself has no plain-text export; what reaches a DPO comes from ``sigexport``, which
decrypts Signal Desktop's database into one folder per chat (shared notes, section 2.12):

```
<dest>/
  style.css, exported_stickers/…            (optional, export level)
  <chat name>/chat.md                       the transcript (``index.md`` in old versions)
  <chat name>/data.json                     the same messages, one JSON object a line
  <chat name>/index.html, media/…           rendered copy and attachments
```

Transcript lines (sigexport ``models.Message.to_md``; merge.py reads them back with
``^\\[(\\d{4}-\\d{2}-\\d{2},? \\d{2}:\\d{2}(?::\\d{2})?)] (.*?): ?(.*\\n)``):

* ``[2023-01-05 10:23:45] Name: text`` — current ``chat.md``: seconds, a blank line after
  each message, a markdown hard break (two spaces) after the body, attachments appended as
  ``![name](./media/<file>)`` (``!`` for images), quotes as ``> …`` lines, reactions as
  ``(- Name: 👍 -)``, ``(This message was deleted)`` for deletions;
* ``[2023-01-05 10:23] Name: text`` — old ``index.md``;
* ``[2019-12-24, 12:23] Name: text`` — the chat-miner sample (``test_export.txt``).

Any line that does not start with a header of the file's dominant shape continues the
message above (multi-line messages). WhatsApp's bracketed headers always carry seconds and
use other date orders, so the WhatsApp reader leaves ISO dates without seconds to this one;
a ``.txt`` with ISO dates *and* seconds is WhatsApp's (iOS in some locales) and is not
claimed here, while ``.md`` transcripts are Signal's whatever their seconds.

Decisions worth knowing:

* ``message_id`` is ``L<n>``, n the 1-based line where the message starts. In ``data.json``
  (read only for a chat folder without a transcript, so messages are not counted twice)
  it is ``data.json#<n>``, n the line.
* ``text`` is the transcript's body exactly, minus trailing whitespace (the markdown hard
  break and the blank separator line). Quotes, reactions and attachment links stay in it:
  they are what the export holds (file names leak personal data too).
* Timestamps are naive: sigexport writes local time without a zone.
* The conversation is named after the chat folder (or the file, outside the layout); it is
  a group when more than two authors write in it. ``Me`` is the exporting account.
* Call notices (``Missed voice call`` …) and sender-less entries with no text (group
  updates, sigexport's ``No-Sender``) are system messages.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import unquote

from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_EMBED,
    Attachment,
    Author,
    Conversation,
    Message,
    MessageKind,
    Skipped,
)
from scanner.readers.base import (
    MAX_MESSAGE_CHARS,
    SNIFF_TEXT_BYTES,
    Entry,
    Source,
    TextBlock,
    attachment_at,
    dm_or_group,
    dominant_headers,
    entry_folder,
    first_line_object,
    head_text,
    header_blocks,
    iter_lines,
    json_lines,
    json_list,
    location_name,
    location_parts,
    read_each,
    sniff_each,
    split_author,
)
from scanner.readers.textparts import Parts

log = logging.getLogger(__name__)

PLATFORM = "signal"
TRANSCRIPTS = ("chat.md", "index.md")  # in order of preference
DATA_FILE = "data.json"
CHAT_FILES = frozenset({*TRANSCRIPTS, DATA_FILE, "index.html"})
TEXT_SUFFIXES = (".txt", ".md")
JSON_SUFFIXES = (".json", ".jsonl")
# Export-level files sigexport writes beside the chat folders.
EXPORT_LEVEL_SUFFIXES = frozenset({".css", ".js", ".html"})
MEDIA_FOLDERS = frozenset({"media", "exported_stickers"})

# How many header lines decide the file's dominant header shape.
DOMINANT_WINDOW = 100
# One message longer than this (characters) is cut at a line boundary (see whatsapp.py).
MAX_AUTHORS = 4096

_LEAD = "\u200e\ufeff"
_HEADER = re.compile(
    rf"[{_LEAD}]*\[(?P<y>\d{{4}})-(?P<mo>\d{{2}})-(?P<d>\d{{2}})(?P<comma>,?) "
    r"(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\] (?P<rest>.*)",
    re.DOTALL,
)
# sigexport appends attachments as markdown links into ./media/ (images with a leading "!"),
# with whitespace in the file name written as %20.
_MEDIA_LINK = re.compile(r"!?\[(?P<name>[^\]\n]*)\]\(\./(?P<path>media/[^)\s]+)\)")
_DELETED = "(This message was deleted)"
# sigexport create._format_call; legacy exports say only "Incoming call"/"Outgoing call".
_CALL = re.compile(r"(?:Incoming|Outgoing|Missed) (?:(?:voice|video) )?call(?: \([^\n]*\))?")
NO_SENDER = "No-Sender"

_MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".vcf": "text/vcard",
}

# (comma after the date, seconds): one export writes one shape.
_Shape = tuple[bool, bool]


@dataclass(frozen=True, slots=True)
class _Header:
    shape: _Shape
    stamp: tuple[int, int, int, int, int, int]
    rest: str

    @property
    def timestamp(self) -> datetime | None:
        try:
            return datetime(*self.stamp)  # sigexport writes local time, no zone
        except ValueError:
            return None


def _parse_header(line: str) -> _Header | None:
    m = _HEADER.match(line)
    if m is None:
        return None
    stamp = (int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"] or 0))
    return _Header((bool(m["comma"]), m["s"] is not None), stamp, m["rest"])


# --- file classification ----------------------------------------------------------------


def _first_line(entry: Entry) -> str | None:
    for raw in head_text(entry, SNIFF_TEXT_BYTES).split("\n"):
        line = raw.rstrip("\r").lstrip(_LEAD)
        if line.strip():
            return line
    return None


def _is_transcript(entry: Entry) -> bool:
    """A .md whose first line is a Signal header, or a .txt whose first line is one without
    seconds (with seconds, an ISO-dated bracketed line is a WhatsApp iOS header)."""
    suffix = entry.suffix
    if suffix not in TEXT_SUFFIXES:
        return False
    line = _first_line(entry)
    h = _parse_header(line) if line is not None else None
    if h is None or split_author(h.rest)[0] is None:
        return False
    return suffix == ".md" or not h.shape[1]


def _is_data_json(entry: Entry) -> bool:
    """sigexport's ``data.json``: one object a line with date, sender and body."""
    if entry.suffix not in JSON_SUFFIXES:
        return False
    obj = first_line_object(entry)  # the whole first line, however long its body
    return obj is not None and {"date", "sender", "body"} <= obj.keys()


def _claims(entry: Entry) -> bool:
    return _is_transcript(entry) or _is_data_json(entry)


@dataclass(slots=True)
class _Layout:
    """The chat files of a folder or zip, one per chat folder (prefix '' for a chat folder itself)."""

    chats: dict[str, Entry] = field(default_factory=dict)
    loose: list[Entry] = field(default_factory=list)  # files sigexport does not write


def _layout(source: Source) -> _Layout:
    """Sort the entries of a sigexport tree: ``[<chat>/](chat.md|index.md|data.json|index.html|media/…)``,
    plus export-level style files and ``exported_stickers/``."""
    root = source.strip_root()
    layout = _Layout()
    found: dict[str, dict[str, Entry]] = {}
    for entry in source.entries():
        parts = entry.name[len(root) :].split("/")
        if parts[0] in MEDIA_FOLDERS and len(parts) > 1:
            continue
        if len(parts) == 1 and parts[0] in CHAT_FILES:
            found.setdefault(root, {})[parts[0]] = entry
        elif len(parts) == 1 and PurePosixPath(parts[0]).suffix.lower() in EXPORT_LEVEL_SUFFIXES:
            continue
        elif len(parts) == 2 and parts[1] in CHAT_FILES:
            found.setdefault(f"{root}{parts[0]}/", {})[parts[1]] = entry
        elif len(parts) > 2 and parts[1] == "media":
            continue
        else:
            layout.loose.append(entry)
    for prefix in sorted(found):
        files = found[prefix]
        chosen = next((files[n] for n in (*TRANSCRIPTS, DATA_FILE) if n in files), None)
        if chosen is not None:
            layout.chats[prefix] = chosen
    return layout


def _conversation_name(entry: Entry) -> str:
    """The chat folder's name for ``chat.md``/``index.md``/``data.json``, else the file's stem."""
    parts = location_parts(entry.location)
    if not parts:
        return ""
    leaf = parts[-1]
    if leaf in CHAT_FILES and len(parts) > 1:
        folder = parts[-2]
        return folder[:-4] if folder.lower().endswith(".zip") else folder
    return PurePosixPath(leaf).stem


def _attachment(name: str, path: str, source: Source, folder: str) -> Attachment:
    path = unquote(path)
    mime = _MIME.get(PurePosixPath(path).suffix.lower())
    return attachment_at(source, f"{folder}{path}", name or PurePosixPath(path).name, mime)


def _conversation(name: str, authors: set[str]) -> Conversation:
    return dm_or_group(name, name, len(authors) > 2, authors, len(authors))


def _kind(author: str | None, text: str) -> MessageKind:
    if author is None or _CALL.fullmatch(text):
        return MessageKind.SYSTEM
    if author == NO_SENDER and not text:
        return MessageKind.SYSTEM
    return MessageKind.USER


# --- transcripts -----------------------------------------------------------------------


@dataclass(slots=True)
class _Survey:
    encoding: str = "utf-8"
    shape: _Shape | None = None
    authors: set[str] = field(default_factory=set)


def _survey(entry: Entry) -> _Survey:
    """First pass: the dominant header shape and the authors (for the conversation's kind)."""
    survey = _Survey()
    lines, survey.encoding = iter_lines(entry)
    for h in dominant_headers(lines, _parse_header, DOMINANT_WINDOW):
        survey.shape = h.shape
        if len(survey.authors) >= MAX_AUTHORS:
            continue
        author, _ = split_author(h.rest)
        if author is not None and author != NO_SENDER:
            survey.authors.add(author)
    return survey


def _read_transcript(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    survey = _survey(entry)
    source.encodings.add(survey.encoding)
    if survey.shape is None:
        if entry.size:
            yield Skipped(f"{entry.location}:1", "no Signal message header found; file not read")
        return
    conversation = _conversation(_conversation_name(entry), survey.authors)
    folder = entry_folder(entry)
    log.debug("signal %s: shape %s", entry.location, survey.shape)

    def build(p: TextBlock[_Header]) -> Message:
        text = "\n".join(p.parts).rstrip()
        author, _ = split_author(p.header.rest)
        attachments = tuple(
            _attachment(m["name"], m["path"], source, folder) for m in _MEDIA_LINK.finditer(text)
        )
        return Message(
            platform=PLATFORM,
            source=source.display,
            location=f"{entry.location}:{p.line}",
            conversation=conversation,
            message_id=f"L{p.line}",
            author=Author(author, author) if author is not None else Author("", ""),
            timestamp=p.header.timestamp,
            text=text,
            attachments=attachments,
            deleted=text == _DELETED,
            kind=_kind(author, text),
        )

    def start(line: str) -> _Header | None:
        h = _parse_header(line)
        return h if h is not None and h.shape == survey.shape else None

    lines, _ = iter_lines(entry)
    for block in header_blocks(entry, lines, start, lambda h: split_author(h.rest)[1], MAX_MESSAGE_CHARS):
        yield block if isinstance(block, Skipped) else build(block)


# --- data.json ---------------------------------------------------------------------------


def _read_data_json(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    """sigexport's JSON Lines twin of the transcript: ``{date, sender, body, quote, sticker,
    reactions, attachments: [{name, path}], deleted, call, missed}``."""
    authors: set[str] = set()
    lines, encoding = iter_lines(entry)
    source.encodings.add(encoding)
    for raw in lines:
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        sender = obj.get("sender") if isinstance(obj, dict) else None
        if isinstance(sender, str) and sender != NO_SENDER and len(authors) < MAX_AUTHORS:
            authors.add(sender)
    conversation = _conversation(_conversation_name(entry), authors)
    folder = entry_folder(entry)
    file_name = location_name(entry.location)
    lines, _ = iter_lines(entry)
    for item in json_lines(entry, lines):
        if isinstance(item, Skipped):
            yield item
            continue
        n, location, obj = item
        if not isinstance(obj, dict):
            yield Skipped(location, "not a JSON object")
            continue
        body = obj.get("body")
        if not isinstance(body, str):
            yield Skipped(location, "record has no string 'body'")
            continue
        yield _data_message(source, entry, obj, body, location, f"{file_name}#{n}", conversation, folder)


def _data_message(
    source: Source,
    entry: Entry,
    obj: dict[str, Any],
    body: str,
    location: str,
    message_id: str,
    conversation: Conversation,
    folder: str,
) -> Message:
    sender = obj.get("sender")
    author = sender if isinstance(sender, str) else None
    text = body.rstrip()
    stamp: datetime | None = None
    if isinstance(obj.get("date"), str):
        try:
            stamp = datetime.fromisoformat(obj["date"])
        except ValueError:
            stamp = None
    attachments: list[Attachment] = []
    parts = Parts(location, text)
    for i, att in enumerate(json_list(obj.get("attachments"))):
        if isinstance(att, dict) and isinstance(att.get("path"), str):
            name = att.get("name") if isinstance(att.get("name"), str) else ""
            attachments.append(_attachment(str(name), att["path"], source, folder))
            parts.add(PART_ATTACHMENT_NAME, name, "attachments", i, "name")
    parts.add(PART_EMBED, obj.get("quote"), "quote")
    kind = MessageKind.SYSTEM if obj.get("call") is True else _kind(author, text)
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=location,
        conversation=conversation,
        message_id=message_id,
        author=Author(author, author) if author is not None else Author("", ""),
        timestamp=stamp,
        text=text,
        attachments=tuple(attachments),
        parts=parts.result(),
        deleted=obj.get("deleted") is True or text == _DELETED,
        kind=kind,
    )


# --- the reader --------------------------------------------------------------------------


class SignalReader:
    """Signal chat exports: sigexport folders (chat.md, data.json) and text transcripts."""

    name: ClassVar[str] = "signal"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Signal export by signal-export/sigexport (chat folders with chat.md or data.json) "
        "and '[YYYY-MM-DD, HH:MM] Name: text' transcripts"
    )
    detection: ClassVar[str] = (
        "a .md whose first line is '[2023-01-05 10:23(:45)] Name: text', a .txt whose first line is "
        "'[2019-12-24(,) 12:23] Name: text' (ISO date, no seconds), a JSON-lines file of "
        "{date, sender, body} objects, or a folder/zip of sigexport chat folders"
    )

    def sniff(self, source: Source) -> bool:
        if source.is_file:
            return sniff_each(source, _claims)
        layout = _layout(source)
        return not layout.loose and sniff_each(source, _claims, layout.chats.values())

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        layout = None if source.is_file else _layout(source)
        yield from read_each(
            source,
            functools.partial(self._read_entry, source),
            None if layout is None else [*layout.chats.values(), *layout.loose],
            accept=_claims,
            not_ours="not a Signal export file; not read",
        )

    def _read_entry(self, source: Source, entry: Entry) -> Iterator[Message | Skipped]:
        if entry.suffix in JSON_SUFFIXES:
            yield from _read_data_json(source, entry)
        else:
            yield from _read_transcript(source, entry)
