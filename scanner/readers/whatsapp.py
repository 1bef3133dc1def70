"""WhatsApp chat exports: the per-chat ``.txt`` (Android or iOS), alone or in a ``.zip`` with media.

The export is line-oriented: a header (date, time, optional ``Name: ``) starts a message and
every other line continues it. The header's shape depends on the phone's locale, so it is
decided per file: the most common shape among the first header-looking lines is the file's
*dominant* header, and only lines of that exact shape start messages. A pasted line from
another chat (``2/11/19, 14:48 Alice: …`` inside an iOS export) or a date inside a body
(``2/11/19: Arrival``) therefore stays part of the message it is in, as WhatsApp wrote it.

Reading is two passes over the text (files re-open cheaply): the first decides the dominant
header, the day/month order and the conversation's kind from the headers alone; the second
yields messages. Memory holds one message at a time plus the set of author names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.errors import ReaderError
from scanner.model import PART_ATTACHMENT_NAME, Attachment, Author, Message, MessageKind, Skipped, TextPart
from scanner.readers.base import (
    Entry,
    Source,
    TextBlock,
    attachment_at,
    dm_or_group,
    dominant_headers,
    entry_folder,
    guarded,
    head_text,
    header_blocks,
    iter_lines,
    location_parts,
    split_author,
)

log = logging.getLogger(__name__)

# How many header-looking lines decide the file's dominant header shape. Exports are
# uniform; the window only has to outvote a few pasted lines from other chats.
DOMINANT_WINDOW = 100
# One message longer than this (in characters) is cut at a line boundary, so a file with a
# single header and gigabytes of continuation lines cannot exhaust memory. The parts keep
# author and time; each part's id is the line where it starts.
MAX_MESSAGE_CHARS = 1_000_000
# Distinct author names kept for the conversation's member list (a WhatsApp group holds at
# most 1024 members; the cap only guards against a misparsed file).
MAX_AUTHORS = 4096
# How many .txt entries of a folder or zip ``sniff`` looks at.
SNIFF_ENTRIES = 20

_SP = "[ \u00a0\u202f]"  # WhatsApp puts NBSP / narrow NBSP inside times, before am/pm
_INVISIBLE = "\u200e\u200f\u202a\u202c\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")

# One regex for every header shape seen in exports (after Pustur/whatsapp-chat-parser
# ``regexParser``, with named parts so the shape can be compared):
#   12/31/19, 23:59 - Name: text            Android, month- or day-first, 2-digit year
#   [31.12.19, 23:59:59] Name: text          iOS, seconds, leading U+200E on some lines
#   [01/30/19 20:49] Name: text              brackets without comma
#   09/17/19, 8:30:52 AM – Name: text        12-hour clock, U+2013 EN DASH separator
#   01/30/2019, 08:49 p. m. - Name: text     Spanish a. m./p. m.
#   2019/01/30, 20:49 - Name: text           year first
#   [12.3.2022 klo 14.08.18] Name: text      a short word between date and time, '.' in time
# The year is 4 digits or the last of three 2-digit parts; a 3-digit part is never a date.
_HEADER = re.compile(
    rf"(?P<lead>[{_INVISIBLE}]*)"
    r"(?P<open>\[)?"
    rf"(?P<d1>\d{{4}}|\d{{1,2}})(?P<dsep>[./-]){_SP}?(?P<d2>\d{{1,2}})(?P=dsep){_SP}?(?P<d3>\d{{4}}|\d{{1,2}})"
    rf"(?P<comma>[,.])?{_SP}+(?:[^\W\d_]{{1,5}}\.?{_SP}+)?"
    r"(?P<h>\d{1,2})(?P<tsep>[:.])(?P<mi>\d{2})(?:(?P=tsep)(?P<s>\d{2}))?"
    rf"(?:{_SP}?(?P<ampm>[AaPp]\.?{_SP}?[Mm]\.?)(?![^\W\d_]))?"
    r"(?P<close>\])?"
    rf"(?:{_SP}+(?P<dash>[-\u2013]){_SP}|{_SP})"
    r"(?P<rest>.*)",
    re.DOTALL,
)

# Phrases of WhatsApp's own notices. iOS writes group notices with the group's name as the
# "author" and the body led by U+200E (``Team: ‎Alice added Bob``); those are system lines.
_NOTICE = re.compile(
    r"end-to-end encrypted|created group|created this group|\badded\b|\bremoved\b|\bleft$"
    r"|changed the subject|changed this group's|changed the group|joined using this group's invite link"
    r"|changed their phone number|security code|disappearing messages",
    re.IGNORECASE,
)
# A system line that can only occur in a group (you are added to groups, never to a DM).
_GROUP_NOTICE = re.compile(
    r"\bgroup\b|\bwere added\b|\badded\b|\bremoved\b|\bleft$|changed the subject", re.IGNORECASE
)

# Media placeholders. Android writes one localised string when media is left out; iOS writes
# "<type> omitted"; with media included Android writes "<file> (file attached)" and iOS
# "<attached: <file>>". Names must end in an extension so ordinary "<a: b>" text is not taken.
_MEDIA_OMITTED = frozenset(
    s.casefold()
    for s in (
        "<Media omitted>",
        "<Medien ausgeschlossen>",
        "<Medien weggelassen>",
        "<Multimedia omitido>",
        "<Mídia oculta>",
        "<Médias omis>",
        "<Media omessi>",
        "<省略多媒体文件>",
        "<忽略多媒體檔>",
        "<メディアなし>",
    )
)
_IOS_OMITTED = re.compile(
    r"^(?:(?P<name>[^\u2022<>]+?\.[A-Za-z0-9]{1,5})\s*(?:\u2022[^<>]*?)?\s+)?"
    r"(?:image|video|audio|GIF|sticker|document|Contact card) omitted$"
)
_IOS_ATTACHED = re.compile(r"<[^<>:\n]{1,30}: (?P<name>[^<>\n]+?\.[A-Za-z0-9]{1,5})>")
_ANDROID_ATTACHED = re.compile(
    r"^(?P<name>[^\s<>][^<>\n]*?\.[A-Za-z0-9]{1,5}) "
    r"\((?:file attached|Datei angehängt|archivo adjunto|arquivo anexado|fichier joint|file allegato)\)"
)
_DELETED = frozenset(
    s.casefold()
    for s in (
        "This message was deleted",
        "You deleted this message",
        "Diese Nachricht wurde gelöscht",
        "Du hast diese Nachricht gelöscht",
        "Se eliminó este mensaje",
        "Eliminaste este mensaje",
        "Este mensaje fue eliminado",
        "Ce message a été supprimé",
        "Vous avez supprimé ce message",
        "此消息已删除",
        "你删除了此消息",
    )
)
_EDITED = "<This message was edited>"

# Localised file names of an export (mlomb/chat-analytics ``FilenamePatterns``); the chat's
# name is what follows. iOS zips are "WhatsApp Chat - <name>.zip" holding "_chat.txt".
_FILENAME = re.compile(
    r"^(?:WhatsApp Chat with|WhatsApp Chat mit|WhatsApp-Chat mit|Chat de WhatsApp con"
    r"|Conversa do WhatsApp com|Discussion WhatsApp avec|Chat WhatsApp con|Чат WhatsApp с"
    r"|WhatsApp Chat -|WhatsApp Chat)\s+(?P<name>.+)$"
)
_IOS_CHAT = re.compile(r"^_chat(?: (?P<n>\d+))?$")

# Files that never come with a WhatsApp export; a folder holding them is something else.
_NOT_MEDIA = frozenset({".json", ".jsonl", ".ndjson", ".csv", ".html", ".htm", ".xml"})

_MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".3gp": "video/3gpp",
    ".mov": "video/quicktime",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".aac": "audio/aac",
    ".pdf": "application/pdf",
    ".vcf": "text/vcard",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# The shape of a header: (bracketed, date separator, where the year is, comma/dot after the
# date, time separator, has seconds, has am/pm, dash separator). Zero-padding and am/pm case
# vary inside one export, so they are not part of it.
_Shape = tuple[bool, str, str, str, str, bool, bool, str]


@dataclass(frozen=True, slots=True)
class _Header:
    shape: _Shape
    year: int
    a: int  # the first non-year date part as written
    b: int  # the second non-year date part
    hour: int
    minute: int
    second: int
    ampm: str  # "a", "p" or ""
    rest: str  # everything after the separator: "Name: text" or a notice

    @property
    def strict(self) -> bool:
        """A shape a real export has: bracketed (iOS) or with a dash separator (Android)."""
        return self.shape[0] or bool(self.shape[7])


def _parse_header(line: str) -> _Header | None:
    m = _HEADER.match(line)
    if m is None or bool(m["open"]) != bool(m["close"]):
        return None
    d1, d2, d3 = m["d1"], m["d2"], m["d3"]
    if len(d1) == 4 and len(d3) == 4:
        return None
    if len(d1) == 4:
        where, year, a, b = "first", int(d1), int(d2), int(d3)
    else:
        where = "last4" if len(d3) == 4 else "last2"
        year, a, b = int(d3), int(d1), int(d2)
    if year < 100:
        year += 2000
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    if not (1 <= a <= 31 and 1 <= b <= 31 and hour <= 24 and minute <= 59 and second <= 59):
        return None
    ampm = m["ampm"][0].lower() if m["ampm"] else ""
    shape: _Shape = (
        bool(m["open"]),
        m["dsep"],
        where,
        m["comma"] or "",
        m["tsep"],
        m["s"] is not None,
        bool(ampm),
        m["dash"] or "",
    )
    return _Header(shape, year, a, b, hour, minute, second, ampm, m["rest"])


def _is_signal(h: _Header) -> bool:
    """Signal exporters write ``[2019-12-24, 12:23] Name: text``: ISO date, brackets, no seconds.

    WhatsApp's bracketed (iOS) headers always carry seconds, so this shape is left to Signal.
    """
    bracketed, dsep, where, _, _, seconds, _, _ = h.shape
    return bracketed and dsep == "-" and where == "first" and not seconds


def _classify(rest: str) -> tuple[str | None, str]:
    """(author or None for a system line, body). ``John Doe:.`` has no ": " and is therefore
    a notice, as in whatsapp-chat-parser and chat-miner."""
    author, body = split_author(rest)
    if author is not None and body.startswith("\u200e") and _NOTICE.search(body):
        return None, rest
    return author, body


# --- per-file survey (first pass) ------------------------------------------------------


@dataclass(slots=True)
class _Survey:
    encoding: str = "utf-8"
    shape: _Shape | None = None
    day_first: bool = True
    authors: set[str] = field(default_factory=set)
    group_notice: bool = False
    # day/month evidence (whatsapp-chat-parser ``daysBeforeMonths``)
    first_above_12: bool = False
    second_above_12: bool = False
    first_decreases: bool = False
    second_decreases: bool = False
    seen_dates: set[tuple[int, int, int]] = field(default_factory=set)
    last_by_year: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add(self, h: _Header) -> None:
        author, _ = _classify(h.rest)
        if author is None:
            if _GROUP_NOTICE.search(h.rest):
                self.group_notice = True
        elif len(self.authors) < MAX_AUTHORS:
            self.authors.add(author)
        self.first_above_12 |= h.a > 12
        self.second_above_12 |= h.b > 12
        key = (h.year, h.a, h.b)
        if key not in self.seen_dates:
            self.seen_dates.add(key)
            prev = self.last_by_year.get(h.year)
            if prev is not None:
                self.first_decreases |= h.a < prev[0]
                self.second_decreases |= h.b < prev[1]
            self.last_by_year[h.year] = (h.a, h.b)

    def decide_order(self) -> None:
        """Day before month? Values above 12 decide; else a part that decreases within a year
        must be the day (months only grow in a year, as whatsapp-chat-parser reasons).

        With neither signal the date separator decides: ``/`` is the US Android default
        ``M/D/YY`` (and how dateutil/pandas, thus Chatistics, read ``_chat 3.txt``), year-first
        dates are Y/M/D, and dotted or dashed dates are European day-first. whatsapp-chat-parser's
        last resort (which part changes more often) is not used: on short files it is noise,
        and it reads ``_chat 3.txt`` against its source's own test.
        """
        if self.first_above_12:
            self.day_first = True
        elif self.second_above_12:
            self.day_first = False
        elif self.first_decreases:
            self.day_first = True
        elif self.second_decreases:
            self.day_first = False
        elif self.shape is not None:
            self.day_first = not (self.shape[1] == "/" or self.shape[2] == "first")


def _survey(entry: Entry) -> _Survey:
    survey = _Survey()
    lines, survey.encoding = iter_lines(entry)
    for h in dominant_headers(lines, _parse_header, DOMINANT_WINDOW):
        survey.shape = h.shape
        survey.add(h)
    survey.decide_order()
    return survey


# --- message building -------------------------------------------------------------------


def _timestamp(h: _Header, day_first: bool) -> datetime | None:
    day, month = (h.a, h.b) if day_first else (h.b, h.a)
    hour = h.hour
    if h.ampm and 1 <= hour <= 12:
        hour = hour % 12 + (12 if h.ampm == "p" else 0)
    try:
        return datetime(h.year, month, day, hour, h.minute, h.second)  # exports carry no zone
    except ValueError:
        return None


def _attachments(text: str, source: Source, folder: str) -> tuple[Attachment, ...]:
    first = text.split("\n", 1)[0]
    bare = _INVISIBLE_RE.sub("", first).strip()
    names: list[str] = []
    if bare.casefold() in _MEDIA_OMITTED:
        return (Attachment(name=""),)
    m = _IOS_OMITTED.match(bare)
    if m is not None:
        names.append((m["name"] or "").strip())
    else:
        names.extend(a["name"].strip() for a in _IOS_ATTACHED.finditer(text))
        m = _ANDROID_ATTACHED.match(bare)
        if m is not None:
            names.append(m["name"].strip())
    return tuple(_attachment(n, source, folder) for n in names)


def _parts(attachments: tuple[Attachment, ...], text: str, location: str, line: int) -> tuple[TextPart, ...]:
    """The name of each attached file, located at the line that names it."""
    out: list[TextPart] = []
    for a in attachments:
        at = text.find(a.name) if a.name else -1
        if at >= 0:
            out.append(
                TextPart(PART_ATTACHMENT_NAME, a.name, f"{location}:{line + text.count(chr(10), 0, at)}")
            )
    return tuple(out)


def _attachment(name: str, source: Source, folder: str) -> Attachment:
    if not name:
        return Attachment(name="")
    return attachment_at(source, f"{folder}{name}", name, _MIME.get(PurePosixPath(name).suffix.lower()))


def _conversation_name(entry: Entry) -> str:
    """The chat's name from the file name, or for iOS ``_chat.txt`` from its zip or folder.

    The entry's location is used, not its name in the source, so a ``_chat.txt`` split out of
    ``WhatsApp Chat - Jane Doe.zip`` by format detection still knows its archive.
    """
    parts = location_parts(entry.location)
    if not parts:
        return ""
    stem = PurePosixPath(parts[-1]).stem
    ios = _IOS_CHAT.match(stem)
    if ios is None:
        return _name_from(stem)
    container = parts[-2] if len(parts) > 1 else ""
    if container.lower().endswith(".zip"):
        container = container[:-4]
    name = _name_from(container) if container else stem
    return f"{name} {ios['n']}" if ios["n"] else name


def _name_from(stem: str) -> str:
    m = _FILENAME.match(stem)
    if m is not None:
        return m["name"].strip()
    m = _FILENAME.match(stem.replace("_", " "))
    if m is not None:
        return m["name"].strip()
    return stem


class WhatsAppReader:
    """WhatsApp per-chat text export (Android or iOS), as ``.txt`` or a ``.zip`` with media."""

    name: ClassVar[str] = "whatsapp"
    platform: ClassVar[str] = "whatsapp"
    description: ClassVar[str] = (
        "WhatsApp chat export (.txt, or .zip with _chat.txt and media), Android and iOS"
    )
    detection: ClassVar[str] = (
        "a .txt (or a .txt inside a zip or folder) whose first non-empty line is a WhatsApp header "
        "such as '12/31/19, 23:59 - Name: text' or '[31.12.19, 23:59:59] Name: text'"
    )

    def sniff(self, source: Source) -> bool:
        """A chat file, or a folder/zip shaped like one export: flat (under at most one wrapping
        folder), no structured data files, and a chat .txt among the first entries.

        A folder holding other things (``examples/`` with a Slack export beside a chat) is
        left alone, so format detection splits it and finds each chat file on its own.
        """
        if source.kind == "file":
            return _looks_like_chat(source.entries()[0])
        root = source.strip_root()
        names = [e.name[len(root) :] for e in source.entries()]
        if any("/" in n or PurePosixPath(n).suffix.lower() in _NOT_MEDIA for n in names):
            return False
        return any(_looks_like_chat(e) for e in _candidates(source)[:SNIFF_ENTRIES])

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
            yield from self._read_entry(source, source.entries()[0])
            return
        for entry in _candidates(source):
            if not _looks_like_chat(entry):
                if entry.size:
                    yield Skipped(entry.location, "not a WhatsApp chat; not read")
                continue
            try:
                yield from self._read_entry(source, entry)
            except ReaderError as exc:
                yield Skipped(exc.location, exc.reason)

    def _read_entry(self, source: Source, entry: Entry) -> Iterator[Message | Skipped]:
        yield from guarded(entry.location, self._messages(source, entry))

    def _messages(self, source: Source, entry: Entry) -> Iterator[Message | Skipped]:
        survey = _survey(entry)
        source.encodings.add(survey.encoding)
        if survey.shape is None:
            if entry.size:
                yield Skipped(f"{entry.location}:1", "no WhatsApp message header found; file not read")
            return
        conv_name = _conversation_name(entry)
        group = survey.group_notice or len(survey.authors) > 2
        conversation = dm_or_group(conv_name, conv_name, group, survey.authors, len(survey.authors))
        folder = entry_folder(entry)
        log.debug("whatsapp %s: shape %s, day_first=%s", entry.location, survey.shape, survey.day_first)

        def build(p: TextBlock[_Header]) -> Message:
            author, _ = _classify(p.header.rest)
            text = "\n".join(p.parts)
            first = _INVISIBLE_RE.sub("", text.split("\n", 1)[0]).strip()
            user = author is not None
            attachments = _attachments(text, source, folder) if user else ()
            return Message(
                platform=self.platform,
                source=source.display,
                location=f"{entry.location}:{p.line}",
                conversation=conversation,
                message_id=f"L{p.line}",
                author=Author(author, author) if author is not None else Author("", ""),
                timestamp=_timestamp(p.header, survey.day_first),
                text=text,
                attachments=attachments,
                edited=user and text.rstrip().endswith(_EDITED),
                deleted=user and "\n" not in text and first.rstrip(".").casefold() in _DELETED,
                kind=MessageKind.USER if user else MessageKind.SYSTEM,
                parts=_parts(attachments, text, entry.location, p.line),
            )

        def start(line: str) -> _Header | None:
            h = _parse_header(line)
            return h if h is not None and h.shape == survey.shape else None

        lines, _ = iter_lines(entry)
        for block in header_blocks(entry, lines, start, lambda h: _classify(h.rest)[1], MAX_MESSAGE_CHARS):
            yield block if isinstance(block, Skipped) else build(block)


def _candidates(source: Source) -> list[Entry]:
    """Entries that may hold a chat: every .txt, export-named ones first."""
    entries = source.entries()
    if source.kind == "file":
        return entries
    txt = [e for e in entries if e.suffix == ".txt"]

    def rank(e: Entry) -> int:
        stem = PurePosixPath(e.name).stem
        return 0 if _IOS_CHAT.match(stem) or _FILENAME.match(stem.replace("_", " ")) else 1

    return sorted(txt, key=rank)


def _looks_like_chat(entry: Entry) -> bool:
    if entry.suffix != ".txt":
        return False
    for raw in head_text(entry, 16 * 1024).split("\n"):
        line = raw.rstrip("\r").lstrip(_INVISIBLE)
        if not line.strip():
            continue
        h = _parse_header(line)
        return h is not None and h.strict and not _is_signal(h)
    return False
