"""iMessage text exports written by imessage-exporter (``--format txt``).

imessage-exporter (ReagentX) reads macOS ``chat.db`` or an iOS backup and writes one ``.txt``
per conversation plus ``orphaned.txt`` (messages without a chat), attachments optionally
copied under ``attachments/`` (shared notes, section 2.13; ``exporters/txt.rs``).

A top-level message is a block ended by a blank line::

    May 17, 2022  5:29:42 PM (Read by you after 1 hour, 49 seconds)
    Sample Contact
    Hello world
    attachments/12/IMG_0001.jpeg
    Tapbacks:
    Loved by Me
    <blank>
        May 17, 2022  5:31:00 PM
        Me
        a threaded reply, indented by four spaces
    <blank>
    This message responded to an earlier message.
    <blank>

The date line is chrono's ``%b %d, %Y %l:%M:%S %p`` (English month, zero-padded day,
space-padded hour, so ``5:29`` has two spaces before it), local time without a zone,
optionally followed by a read receipt ``(Read by you|them|<name> after …)``. The sender line
is ``Me`` (or ``--custom-name``), a contact name, a phone number or an e-mail address, or
``Unknown``. Announcements are one line, ``<date> <who> renamed the conversation to …``
(``added … to the conversation.``, ``left the conversation.``, ``unsent a message!`` …).

Decisions worth knowing:

* A message starts at an unindented date line that follows a blank line (or opens the
  file). Blank lines also occur inside a block (after tapbacks and replies, inside text),
  and edited messages render their history as ``<date> <old text>`` / ``Edited 1 minute
  later: <new text>`` lines, so a date line with text after it starts a message only when
  it reads as an announcement.
* ``message_id`` is ``L<n>``, n the 1-based line of the date line (the announcement line).
* ``text`` is the message's own lines, joined with ``\\n``: the exporter's annotations are
  left out (the read receipt, ``Tapbacks:``/``Reactions:`` blocks, ``This message was
  deleted from the conversation!``, ``This message responded to an earlier message.``) so
  participant names in them are not reported as leaks in the message. Edit history lines
  stay: earlier versions of a message are what a leak scan must see.
* Threaded replies appear twice in the export: inline (indented) under the message they
  answer, and as top-level messages in time order with the "responded" note. The inline
  copy is left out of the parent's text and not yielded again; the top-level copy gets
  ``reply_to``/``thread_id`` = the parent's id when the parent was read before it.
* Attachment lines (paths under ``attachments/`` or ``…/Library/Messages/Attachments/``,
  ``Attachment missing!``, sticker lines) become ``attachments`` and stay in the text.
* The conversation comes from the file name: ``<group name> - <chat id>.txt`` is a named
  group; otherwise the name lists the participants (``A, B and 3 others``), one of them
  being a DM; ``orphaned.txt`` holds messages without a chat.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import ClassVar

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
    MAX_MESSAGE_CHARS,
    SNIFF_TEXT_BYTES,
    Entry,
    Source,
    attachment_at,
    entry_folder,
    head_text,
    iter_lines,
    location_name,
    read_each,
    sniff_each,
    strip_eol,
)

log = logging.getLogger(__name__)

PLATFORM = "imessage"
ORPHANED = "orphaned"
ATTACHMENTS_FOLDER = "attachments"
INDENT = "    "
MAX_AUTHORS = 4096
# Inline replies remembered to link their top-level copies (oldest forgotten first).
MAX_REPLY_LINKS = 100_000

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# chrono "%b %d, %Y %l:%M:%S %p": %l pads the hour with a space, hence one or two spaces.
_DATE = (
    rf"(?P<mon>{'|'.join(_MONTHS)}) (?P<day>\d{{2}}), (?P<year>\d{{4}}) {{1,2}}"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2}):(?P<s>\d{2}) (?P<ampm>AM|PM)"
)
_STAMP = re.compile(rf"(?P<indent> *){_DATE}(?P<tail>.*)", re.DOTALL)
_RECEIPT = re.compile(r" \(Read by .+ after .+\)")
# TXT.format_announcement (and the older "named the conversation" wording).
_ANNOUNCEMENT = re.compile(
    r" (?P<who>.+?) (?P<action>"
    r"(?:re)?named the conversation(?: to)? .*"
    r"|added .+ to the conversation\."
    r"|removed .+ from the conversation\."
    r"|left the conversation\."
    r"|changed the group photo\."
    r"|removed the group photo\."
    r"|kept an audio message\."
    r"|unsent a message!"
    r"|performed unknown action -?\d+)"
)
_TAPBACK_HEADERS = frozenset({"Tapbacks:", "Reactions:"})
_REPLY_NOTE = "This message responded to an earlier message."
_DELETED_NOTE = "This message was deleted from the conversation!"
_EDITED = re.compile(rf"(?:{_DATE} .*|Edited .+ later: .*)", re.DOTALL)
_UNSENT = re.compile(r".+ unsent this message part(?: .+ after sending)?!")
_ATTACHMENT_MISSING = frozenset({"Attachment missing!", "Attachment missing name metadata!"})
# A path imessage-exporter printed for an attachment: copied into the export, or the
# original under ~/Library/Messages/Attachments (macOS) or a backup's hashed path.
_ATTACHMENT_PATH = re.compile(
    r"(?:attachments/|~/Library/(?:Messages|SMS)/Attachments/|/(?:Users|private/var)/\S.*?/Attachments/)"
    r"[^\n]*\S"
)
_STICKER = re.compile(r"(?:.+ )?Sticker from .+?: (?P<path>\S.*?)(?: \((?:App|Genmoji prompt): .*\))?")
_NAMED_GROUP = re.compile(r"(?P<name>.+) - (?P<id>\d+)")
_OTHERS = re.compile(r"(?P<names>.*), and (?P<n>\d+) others")

_MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".heic": "image/heic",
    ".mov": "video/quicktime",
    ".mp4": "video/mp4",
    ".caf": "audio/x-caf",
    ".m4a": "audio/mp4",
    ".pdf": "application/pdf",
    ".vcf": "text/vcard",
}


@dataclass(frozen=True, slots=True)
class _Stamp:
    indent: int
    date: str  # the date as written, without the read receipt
    when: datetime | None
    tail: str

    @property
    def plain(self) -> bool:
        """A message's date line: nothing after the date but an optional read receipt."""
        return not self.tail or _RECEIPT.fullmatch(self.tail) is not None


def _parse_stamp(line: str) -> _Stamp | None:
    m = _STAMP.match(line)
    if m is None:
        return None
    hour = int(m["h"]) % 12 + (12 if m["ampm"] == "PM" else 0)
    try:
        when: datetime | None = datetime(
            int(m["year"]), _MONTHS.index(m["mon"]) + 1, int(m["day"]), hour, int(m["mi"]), int(m["s"])
        )
    except ValueError:
        when = None
    date = line[len(m["indent"]) : m.start("tail")]
    return _Stamp(len(m["indent"]), date, when, m["tail"])


def _header(line: str, after_blank: bool) -> _Stamp | None:
    """The stamp of a line that starts a top-level block (message or announcement), else None."""
    if not after_blank or line.startswith(" "):
        return None
    stamp = _parse_stamp(line)
    if stamp is None or stamp.indent:
        return None
    if stamp.plain or _ANNOUNCEMENT.fullmatch(stamp.tail):
        return stamp
    return None


# --- conversation from the file name ------------------------------------------------------


def _conversation_stem(entry: Entry) -> str:
    return PurePosixPath(location_name(entry.location)).stem


def _conversation(stem: str, authors: set[str]) -> Conversation:
    if stem == ORPHANED:
        return Conversation(id=stem, name=stem, kind=ConversationKind.GROUP, members=tuple(sorted(authors)))
    named = _NAMED_GROUP.fullmatch(stem)
    if named is not None:
        return Conversation(
            id=stem, name=named["name"], kind=ConversationKind.GROUP, members=tuple(sorted(authors))
        )
    others = _OTHERS.fullmatch(stem)
    listed = others["names"] if others is not None else stem
    participants = [p for p in listed.split(", ") if p]
    count = len(participants) + (int(others["n"]) if others is not None else 0)
    members = tuple(sorted(set(participants) | authors))
    if count <= 1 and len(authors - {"Me"}) <= 1:
        return Conversation(id=stem, name=stem, kind=ConversationKind.DM, member_count=2, members=members)
    return Conversation(
        id=stem, name=stem, kind=ConversationKind.GROUP, member_count=count + 1, members=members
    )


# --- reading ---------------------------------------------------------------------------------


def _survey(entry: Entry) -> tuple[set[str], str]:
    """First pass: the senders of top-level messages, and the encoding."""
    authors: set[str] = set()
    lines, encoding = iter_lines(entry)
    after_blank, want_sender = True, False
    for raw in lines:
        line = strip_eol(raw)
        if want_sender:
            want_sender = False
            if line.strip() and len(authors) < MAX_AUTHORS:
                authors.add(line)
        stamp = _header(line, after_blank)
        if stamp is not None and stamp.plain:
            want_sender = True
        after_blank = not line.strip()
    return authors, encoding


@dataclass(slots=True)
class _Block:
    stamp: _Stamp
    line: int
    sender: str | None = None
    body: list[str] = field(default_factory=list)
    size: int = 0


@dataclass(slots=True)
class _Parsed:
    text: str
    attachments: tuple[Attachment, ...]
    replies: list[tuple[str, str]]  # (date, sender) of inline replies
    is_reply: bool
    edited: bool
    deleted: bool


def _parse_body(body: list[str], source: Source, folder: str) -> _Parsed:
    keep: list[str] = []
    attachments: list[Attachment] = []
    replies: list[tuple[str, str]] = []
    is_reply = edited = deleted = False
    i = 0
    while i < len(body):
        line = body[i]
        stamp = _parse_stamp(line) if line.startswith(INDENT) else None
        if stamp is not None and stamp.indent == len(INDENT) and stamp.plain:
            # An inline threaded reply: its date, its sender, its lines up to a blank line.
            sender = body[i + 1].strip() if i + 1 < len(body) else ""
            replies.append((stamp.date, sender))
            i += 2
            while i < len(body) and body[i].strip():
                i += 1
            i += 1
            continue
        if line in _TAPBACK_HEADERS:
            i += 1
            while i < len(body) and body[i].strip():
                i += 1
            i += 1
            continue
        if line == _REPLY_NOTE:
            is_reply = True
        elif line == _DELETED_NOTE:
            deleted = True
        else:
            if _EDITED.fullmatch(line):
                edited = True
            elif _UNSENT.fullmatch(line):
                edited = deleted = True
            found = _attachment(line, source, folder)
            if found is not None:
                attachments.append(found)
            keep.append(line)
        i += 1
    text = "\n".join(keep).rstrip()
    return _Parsed(text, tuple(attachments), replies, is_reply, edited, deleted)


def _attachment(line: str, source: Source, folder: str) -> Attachment | None:
    if line in _ATTACHMENT_MISSING:
        return Attachment(name="")
    sticker = _STICKER.fullmatch(line)
    path = sticker["path"] if sticker is not None else line if _ATTACHMENT_PATH.fullmatch(line) else None
    if path is None or "/" not in path:  # "Sticker from Bob: nice" is text, not a sticker's path
        return None
    name = PurePosixPath(path).name
    mime = _MIME.get(PurePosixPath(name).suffix.lower())
    # An absolute or home path is where the exporter found the file, never inside the export.
    member = None if path.startswith(("/", "~")) else f"{folder}{path}"
    return attachment_at(source, member, name, mime)


class _Links:
    """Inline replies seen so far: (date, sender) → the id of the message they answer."""

    def __init__(self) -> None:
        self._map: dict[tuple[str, str], str] = {}

    def add(self, key: tuple[str, str], parent: str) -> None:
        self._map.pop(key, None)
        self._map[key] = parent
        if len(self._map) > MAX_REPLY_LINKS:
            self._map.pop(next(iter(self._map)))

    def get(self, key: tuple[str, str]) -> str | None:
        return self._map.get(key)


def _read_file(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    authors, encoding = _survey(entry)
    source.encodings.add(encoding)
    conversation = _conversation(_conversation_stem(entry), authors)
    folder = entry_folder(entry)
    links = _Links()

    def build(block: _Block) -> Message:
        parsed = _parse_body(block.body, source, folder)
        mid = f"L{block.line}"
        for key in parsed.replies:
            links.add(key, mid)
        parent = links.get((block.stamp.date, block.sender or "")) if parsed.is_reply else None
        return Message(
            platform=PLATFORM,
            source=source.display,
            location=f"{entry.location}:{block.line}",
            conversation=conversation,
            message_id=mid,
            author=Author(block.sender, block.sender) if block.sender else Author("", ""),
            timestamp=block.stamp.when,
            text=parsed.text,
            thread_id=parent,
            reply_to=parent,
            attachments=parsed.attachments,
            edited=parsed.edited,
            deleted=parsed.deleted,
        )

    def announcement(line: int, stamp: _Stamp, who: str) -> Message:
        return Message(
            platform=PLATFORM,
            source=source.display,
            location=f"{entry.location}:{line}",
            conversation=conversation,
            message_id=f"L{line}",
            author=Author(who, who),
            timestamp=stamp.when,
            text=stamp.tail[1:],
            kind=MessageKind.SYSTEM,
        )

    lines, _ = iter_lines(entry)
    current: _Block | None = None
    after_blank = True
    seen = False
    stray, stray_from = 0, 0  # non-empty lines outside any message, and where they began

    def strays() -> Iterator[Skipped]:
        if stray:
            where = "before the first message" if not seen else "outside any message"
            yield Skipped(f"{entry.location}:{stray_from}", f"{stray} non-empty line(s) {where}")

    for n, raw in enumerate(lines, start=1):
        line = strip_eol(raw)
        stamp = _header(line, after_blank)
        after_blank = not line.strip()
        if stamp is not None:
            if current is not None:
                yield build(current)
            yield from strays()
            stray, current, seen = 0, None, True
            if stamp.plain:
                current = _Block(stamp, n)
                continue
            ann = _ANNOUNCEMENT.fullmatch(stamp.tail)
            if ann is not None:  # always: _header returns plain or announcement stamps
                yield announcement(n, stamp, "Me" if ann["who"] == "You" else ann["who"])
            continue
        if current is None:
            if line.strip():
                stray, stray_from = stray + 1, stray_from if stray else n
        elif current.sender is None:
            if line.strip():
                current.sender = line
            else:
                yield Skipped(f"{entry.location}:{current.line}", "message date line without a sender line")
                current = None
        elif current.size + len(line) > MAX_MESSAGE_CHARS:
            yield build(current)
            current = _Block(current.stamp, n, current.sender, [line], len(line))
        else:
            current.body.append(line)
            current.size += len(line) + 1
    if current is not None:
        if current.sender is None:
            yield Skipped(f"{entry.location}:{current.line}", "message date line without a sender line")
        else:
            yield build(current)
    yield from strays()


def _looks_like_export(entry: Entry) -> bool:
    """A .txt whose first non-empty line is an imessage-exporter date line (with the sender on
    the next line) or an announcement."""
    if entry.suffix != ".txt":
        return False
    lines = [ln.rstrip("\r") for ln in head_text(entry, SNIFF_TEXT_BYTES).lstrip("\ufeff").split("\n")]
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        stamp = _header(line, True)
        if stamp is None:
            return False
        if not stamp.plain:
            return True
        return i + 1 < len(lines) and bool(lines[i + 1].strip()) and not lines[i + 1].startswith(" ")
    return False


def _layout(source: Source) -> tuple[list[Entry], bool]:
    """The conversation files of an export folder (every top-level .txt) and whether the
    folder holds only what imessage-exporter writes (those and ``attachments/``)."""
    root = source.strip_root()
    files: list[Entry] = []
    only_ours = True
    for entry in source.entries():
        rel = entry.name[len(root) :]
        if rel.startswith(f"{ATTACHMENTS_FOLDER}/"):
            continue
        if "/" in rel or entry.suffix != ".txt":
            only_ours = False
            continue
        files.append(entry)
    return files, only_ours


class IMessageReader:
    """iMessage conversations exported as text by imessage-exporter (one .txt per chat)."""

    name: ClassVar[str] = "imessage"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "iMessage export by imessage-exporter --format txt (one .txt per conversation)"
    )
    detection: ClassVar[str] = (
        "a .txt whose first line is a date such as 'May 17, 2022  5:29:42 PM' (optionally with "
        "'(Read by … after …)') followed by a sender line, or a folder/zip of such files with an "
        "optional attachments/ folder"
    )

    def sniff(self, source: Source) -> bool:
        if source.is_file:
            return sniff_each(source, _looks_like_export)
        files, only_ours = _layout(source)
        return only_ours and sniff_each(source, _looks_like_export, [e for e in files if e.size])

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        files = _layout(source)[0] if not source.is_file else None
        yield from read_each(
            source,
            functools.partial(_read_file, source),
            files,
            accept=_looks_like_export,
            not_ours="not an iMessage export file; not read",
        )
