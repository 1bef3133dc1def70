"""WeChat chats exported by WeChatMsg / MemoTrace (留痕): CSV, TXT and HTML.

WeChat has no text export of its own; DPOs receive the output of these decrypt-and-export
tools (shared notes, section 2.15; layouts read from LC044/WeChatMsg ``app/util/exporter``
and MemoTrace's ``exporter/`` and ``wxManager/model/message.py``). One chat is written to
``data/聊天记录/<remark>/`` as any of:

* CSV ``<remark>_utf8.csv`` (UTF-8 with BOM; GBK once re-saved by Excel), columns
  ``localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,
  NickName,Sender``; MemoTrace writes ``消息ID,类型,发送人,时间,内容,备注,昵称,更多信息``.
  Type codes: 1 text, 3 image, 34 voice, 43 video, 47 sticker, 49 app (sub-type 6 file,
  5 link, 57 quote, 3 music), 50 call, 10000 system.
* TXT ``<remark>.txt``: per message ``<YYYY-MM-DD HH:MM:SS> <name>`` then the content lines,
  a blank line between messages. WeChatMsg writes system messages as one line
  ``<time> <notice>``; MemoTrace as a bare ``<time>`` line followed by the notice.
* HTML ``<remark>.html``: the page embeds the messages as ``const chatMessages = [ … ]`` in a
  ``<script>``: WeChatMsg as JavaScript object literals (``{ type:1, text: '…', is_send:0,
  timestamp:1672883025, displayname:'…' },``), MemoTrace as JSON (``"server_id"``,
  ``"display_name"``, ``"type": "1"`` …). The array is parsed as a stream, record by record
  (JSON records and flat literals are decoded by the json module, anything else by a small
  token parser); a broken record is skipped and reading resumes at the next one.
* TXT without blank lines between messages (re-saved by hand) splits at every header line;
  whether a file keeps the blank lines is decided per file, as in the QQ reader.

A folder or zip of such chat folders is read too. A chat folder usually holds the same chat
in several formats (and ``image/``, ``voice/`` … media folders): of the files of one chat
(same folder, same name up to ``_utf8``) only the richest is read (CSV, else HTML, else TXT)
and the others are reported, so no message is counted twice.

Decisions worth knowing:

* ``message_id``: CSV ``localId`` / ``消息ID``; HTML ``server_id``/``MsgSvrID``/``localId``
  where present, else ``<file>#<index>``; TXT ``L<n>`` (n the header line).
* ``timestamp``: epoch seconds (CSV ``CreateTime``, HTML ``timestamp``) are aware UTC; the
  formatted local times (``StrTime``, TXT headers) stay naive (Asia/Shanghai is typical but
  the export does not say).
* ``text``: CSV ``StrContent``/``内容`` exactly; TXT the content lines; HTML the ``text`` value
  with WeChatMsg's markup undone (emoji ``<img … id="微笑">`` back to ``[微笑]``, ``<br>`` to a
  newline, other tags dropped, entities decoded); link cards are title, description and URL.
* Author: the sender's display name (CSV ``Remark``, else ``NickName``) and wxid (``Sender``)
  where the export has it. System messages (type 10000, recall notices …) have no author.
* Kind: group when the talker is a ``…@chatroom`` or the record says ``is_chatroom``, or when
  more than two people write; else a DM of two. ``members`` are the names seen.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from scanner.errors import ReaderError
from scanner.model import Attachment, Author, Conversation, Message, MessageKind, Skipped
from scanner.readers.base import (
    MAX_MESSAGE_CHARS,
    SNIFF_ENTRIES,
    Entry,
    Source,
    TextBlock,
    csv_rows,
    guarded,
    header_blocks,
    in_folder,
    isolated,
    location_name,
    sniff_each,
    text_lines,
)
from scanner.readers.wechat_html import looks_like_html, read_html
from scanner.readers.wechat_records import (
    APP_TYPE,
    FILE_SUBTYPE,
    MEDIA_TYPES,
    MEMOTRACE_MEDIA_LABELS,
    MEMOTRACE_SYSTEM_LABELS,
    PLATFORM,
    SYSTEM_TYPES,
    Authors,
    chat_name,
    encoding_of,
    epoch_time,
    head_and_encoding,
    int_value,
    local_time,
    raw_lines,
    recalled,
)

# --- layout constants -----------------------------------------------------------------------

CSV_COLUMNS = ("localId", "TalkerId", "Type", "IsSender", "CreateTime", "StrContent")
MEMOTRACE_CSV_COLUMNS = ("消息ID", "类型", "发送人", "时间", "内容")
HTML_SUFFIXES = (".html", ".htm")
# Folders WeChatMsg/MemoTrace fill with the chat's media next to the chat files.
MEDIA_DIRS = frozenset({"image", "image_t", "emoji", "video", "voice", "file", "avatar", "icon", "music"})
# Other files an exporter writes beside a chat (DOCX export, MemoTrace's ``.html.json``
# copy): part of the export, not read by this reader.
OTHER_EXPORT_SUFFIXES = (".docx", ".json")
FORMAT_PREFERENCE = ("csv", "html", "txt")

SNIFF_LINES = 60

# TXT: "2023-01-05 10:23:45 张三" (StrTime is always zero-padded), or the time alone.
_TXT_HEADER = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?: (?P<rest>.*))?")
# What other exports put in the same place: QQ's preamble, section lines and sender ids.
_QQ_MARKERS = ("消息记录（此消息记录为文本格式", "消息分组:", "消息对象:", "消息分组：", "消息对象：")
_QQ_SENDER_ID = re.compile(r"\(\d{5,12}\)$|<[^<>\s@]+@[^<>\s]+>$")
_SEPARATOR = re.compile(r"={16,}\s*")
_TXT_MEDIA = re.compile(
    r"\[(?:图片|语音|视频|表情包|文件)\]|【(?:图片|语音|视频|表情包)】.*|【文件】(?P<file>.*)"
)
_TXT_FILE_NAME = re.compile(r"(?P<name>.+?) \d+(?:\.\d+)? MB(?: |$)")

# --- CSV ------------------------------------------------------------------------------------


def _csv_header(line: str) -> list[str] | None:
    try:
        row = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    names = [c.strip().lstrip("\ufeff") for c in row]
    if all(c in names for c in CSV_COLUMNS) or all(c in names for c in MEMOTRACE_CSV_COLUMNS):
        return names
    return None


def _csv_rows(entry: Entry, encoding: str) -> Iterator[tuple[int, dict[str, str]] | Skipped]:
    """(start line, row by column) for each data row; a malformed row is a Skipped."""
    header: list[str] | None = None
    for item in csv_rows(entry, raw_lines(entry, encoding)):
        if isinstance(item, Skipped):
            yield item
            continue
        start, row = item
        if header is None:
            header = [c.strip().lstrip("\ufeff") for c in row]
            if not (all(c in header for c in CSV_COLUMNS) or all(c in header for c in MEMOTRACE_CSV_COLUMNS)):
                raise ReaderError(entry.location, "not a WeChat CSV export (header columns)")
            continue
        if len(row) < len(header):
            yield Skipped(f"{entry.location}:{start}", f"row has {len(row)} of {len(header)} columns")
            continue
        yield start, dict(zip(header, row, strict=False))


def _csv_is_memotrace(row: dict[str, str]) -> bool:
    return "消息ID" in row and "localId" not in row


def _csv_author(row: dict[str, str]) -> tuple[str, str]:
    """(wxid or name, display name)."""
    if _csv_is_memotrace(row):
        name = row.get("发送人", "") or row.get("备注", "") or row.get("昵称", "")
        return name, name
    uid = row.get("Sender", "")
    if not uid and row.get("IsSender", "").strip() == "0":
        uid = row.get("TalkerId", "")  # a DM row without sender columns: the talker wrote it
    name = row.get("Remark", "") or row.get("NickName", "") or uid
    return uid or name, name


def _csv_system(row: dict[str, str]) -> bool:
    if _csv_is_memotrace(row):
        return row.get("类型", "").strip() in MEMOTRACE_SYSTEM_LABELS
    return int_value(row.get("Type")) in SYSTEM_TYPES


def _read_csv(source: Source, entry: Entry, encoding: str) -> Iterator[Message | Skipped]:
    authors = Authors()
    talker = ""
    for item in _csv_rows(entry, encoding):
        if isinstance(item, Skipped):
            continue
        row = item[1]
        talker = talker or row.get("TalkerId", "").strip()
        if not _csv_system(row):
            uid, display = _csv_author(row)
            authors.add(display, uid)
    authors.group |= talker.endswith("@chatroom")
    name = chat_name(entry)
    conversation = authors.conversation(talker, name)
    label = location_name(entry.location)
    index = 0
    for item in _csv_rows(entry, encoding):
        if isinstance(item, Skipped):
            yield item
            continue
        index += 1
        line, row = item
        yield _csv_message(source, entry, conversation, line, row, f"{label}#{index}")


def _csv_message(
    source: Source, entry: Entry, conversation: Conversation, line: int, row: dict[str, str], fallback: str
) -> Message:
    system = _csv_system(row)
    uid, name = _csv_author(row)
    if _csv_is_memotrace(row):
        mid = row.get("消息ID", "").strip()
        when = local_time(row.get("时间", ""))
        text = row.get("内容", "")
        media = row.get("类型", "").strip() in MEMOTRACE_MEDIA_LABELS
    else:
        mid = row.get("localId", "").strip()
        when = epoch_time(row.get("CreateTime")) or local_time(row.get("StrTime", ""))
        text = row.get("StrContent", "")
        kind, sub = int_value(row.get("Type")), int_value(row.get("SubType"))
        media = kind in MEDIA_TYPES or (kind == APP_TYPE and sub == FILE_SUBTYPE)
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=f"{entry.location}:{line}",
        conversation=conversation,
        message_id=mid or fallback,
        author=Author("", "") if system else Author(uid, name),
        timestamp=when,
        text=text,
        attachments=(Attachment(name=""),) if media and not system else (),
        deleted=recalled(system, text),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


# --- TXT ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TxtHeader:
    when: datetime | None
    rest: str | None  # the sender (or a WeChatMsg system notice); None for a bare time line


def _txt_header(line: str) -> _TxtHeader | None:
    m = _TXT_HEADER.fullmatch(line)
    if m is None:
        return None
    rest = m["rest"]
    if rest is not None and rest.startswith(("- ", "\u2013 ")):
        return None  # "2019-01-01 11:25:03 - Name: text" is a WhatsApp shape
    when = local_time(f"{m['date']} {m['time']}")
    if when is None:
        return None
    return _TxtHeader(when, rest)


@dataclass(slots=True)
class _TxtTrack:
    """Authors of the messages a header policy would find (used by the survey)."""

    strict: bool
    authors: Authors = field(default_factory=Authors)
    rest: str | None = None
    open: bool = False
    body: bool = False

    def header(self, h: _TxtHeader) -> None:
        self.finish()
        self.rest, self.open, self.body = h.rest, True, False

    def content(self, line: str) -> None:
        self.body |= bool(line.strip())

    def finish(self) -> None:
        if self.open and self.rest is not None and self.body:
            self.authors.add(self.rest)
        self.open = False


def _txt_survey(entry: Entry, encoding: str) -> tuple[bool, Authors, int]:
    """(only headers after a blank line start messages?, authors under that policy, headers)."""
    tracks = (_TxtTrack(strict=True), _TxtTrack(strict=False))
    headers = counted = after_blank = 0
    prev_blank = True
    for line in text_lines(entry, encoding):
        h = _txt_header(line)
        if h is not None:
            # The first header follows the start of the file whatever the layout: only the
            # later ones tell whether messages are separated by blank lines.
            if headers:
                counted += 1
                after_blank += prev_blank
            headers += 1
            for t in tracks:
                if prev_blank or not t.strict:
                    t.header(h)
                else:
                    t.content(line)
        else:
            for t in tracks:
                t.content(line)
        prev_blank = not line.strip()
    for t in tracks:
        t.finish()
    strict = 2 * after_blank >= counted
    return strict, tracks[0 if strict else 1].authors, headers


def _txt_media(text: str) -> tuple[Attachment, ...]:
    first = text.split("\n", 1)[0].strip()
    m = _TXT_MEDIA.fullmatch(first)
    if m is None:
        return ()
    name = ""
    if m["file"] is not None:
        f = _TXT_FILE_NAME.match(m["file"])
        name = f["name"].strip() if f else ""
    return (Attachment(name=name),)


def _read_txt(source: Source, entry: Entry, encoding: str) -> Iterator[Message | Skipped]:
    strict, authors, headers = _txt_survey(entry, encoding)
    if headers == 0:
        if entry.size:
            yield Skipped(f"{entry.location}:1", "no WeChat message header found; file not read")
        return
    name = chat_name(entry)
    conversation = authors.conversation(name, name)

    def build(p: TextBlock[_TxtHeader]) -> Message:
        parts = list(p.parts)
        while parts and not parts[-1].strip():
            parts.pop()  # the blank line between messages is layout
        body = "\n".join(parts)
        rest = p.header.rest
        # WeChatMsg: "<time> <notice>" with no body; MemoTrace: "<time>" then the notice.
        system = rest is None or not body.strip()
        text = body if rest is None or body.strip() else rest
        return Message(
            platform=PLATFORM,
            source=source.display,
            location=f"{entry.location}:{p.line}",
            conversation=conversation,
            message_id=f"L{p.line}",
            author=Author("", "") if system else Author(rest or "", rest or ""),
            timestamp=p.header.when,
            text=text,
            attachments=() if system else _txt_media(text),
            deleted=recalled(system, text),
            kind=MessageKind.SYSTEM if system else MessageKind.USER,
        )

    lines = text_lines(entry, encoding)
    for block in header_blocks(
        entry,
        lines,
        _txt_header,
        lambda h: None,
        MAX_MESSAGE_CHARS,
        after_blank=strict,
        preamble="line(s) before the first message",
    ):
        yield block if isinstance(block, Skipped) else build(block)


# --- per-file dispatch and sniffing ---------------------------------------------------------


def _looks_like_txt(text: str) -> bool:
    """The first line is a WeChat header, messages have bodies and are separated by blank
    lines (a log file of timestamped lines is not a chat), and nothing says QQ."""
    lines = text.splitlines()[:SNIFF_LINES]
    nonblank = [line for line in lines if line.strip()]
    if not nonblank or any(line.startswith(_QQ_MARKERS) or _SEPARATOR.fullmatch(line) for line in nonblank):
        return False
    if _txt_header(nonblank[0]) is None:
        return False
    headers = 0
    separated = body = False
    prev_blank = True
    for line in lines:
        h = _txt_header(line)
        if h is not None:
            if h.rest and _QQ_SENDER_ID.search(h.rest):
                return False  # "Name(123456789)": a QQ sender
            separated |= headers > 0 and prev_blank
            headers += 1
        elif line.strip():
            body = True
        prev_blank = not line.strip()
    return body and (headers == 1 or separated)


def chat_format(entry: Entry) -> str | None:
    """'csv', 'html' or 'txt' for a WeChatMsg/MemoTrace chat file, else None (reads a head only)."""
    suffix = entry.suffix
    if suffix == ".csv":
        text, _ = head_and_encoding(entry)
        first = next((line for line in text.splitlines() if line.strip()), "")
        return "csv" if _csv_header(first) is not None else None
    if suffix in HTML_SUFFIXES:
        return "html" if looks_like_html(entry) else None
    if suffix == ".txt":
        text, _ = head_and_encoding(entry)
        return "txt" if _looks_like_txt(text) else None
    return None


_READERS: dict[str, Callable[[Source, Entry, str], Iterator[Message | Skipped]]] = {
    "csv": _read_csv,
    "html": read_html,
    "txt": _read_txt,
}


def _read_entry(source: Source, entry: Entry, fmt: str) -> Iterator[Message | Skipped]:
    encoding = encoding_of(entry.head())
    source.encodings.add(encoding)
    yield from guarded(entry.location, _READERS[fmt](source, entry, encoding))


def _forced_format(entry: Entry) -> str:
    """The format of a file the user named with --input-format: by its suffix."""
    if entry.suffix == ".csv":
        return "csv"
    if entry.suffix in HTML_SUFFIXES:
        return "html"
    return "txt"


@dataclass(slots=True)
class _Layout:
    """Chat files by chat (folder and name), and the files that are neither chats nor media."""

    chats: dict[str, list[tuple[Entry, str]]] = field(default_factory=dict)
    others: list[Entry] = field(default_factory=list)
    extras: list[Entry] = field(default_factory=list)


def _layout(source: Source, limit: int | None = None) -> _Layout:
    layout = _Layout()
    checked = 0
    for entry in source.entries():
        if in_folder(entry.name, MEDIA_DIRS):
            continue
        if limit is not None and checked >= limit:
            break
        checked += 1
        fmt = chat_format(entry)
        if fmt is not None:
            # One chat is "<remark>_utf8.csv", "<remark>.html", "<remark>.txt" in one folder.
            chat = f"{entry.name.rpartition('/')[0]}/{chat_name(entry)}"
            layout.chats.setdefault(chat, []).append((entry, fmt))
        elif entry.suffix in OTHER_EXPORT_SUFFIXES:
            layout.extras.append(entry)
        else:
            layout.others.append(entry)
    return layout


class WeChatReader:
    """WeChatMsg / MemoTrace (留痕) chat exports: CSV, TXT or HTML; a file, or folders of them."""

    name: ClassVar[str] = "wechat"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = "WeChat chats exported by WeChatMsg / MemoTrace (留痕): CSV, TXT, HTML"
    detection: ClassVar[str] = (
        "a .csv whose header has localId/TalkerId/Type/IsSender/CreateTime/StrContent (or MemoTrace's "
        "消息ID/类型/发送人/时间/内容); a .txt whose first line is '2023-01-05 10:23:45 Name' (and no QQ "
        "markers); an .html with a 'chatMessages = [' array of message records; or a folder/zip of "
        "chat folders holding only such files and their media folders"
    )

    def sniff(self, source: Source) -> bool:
        if source.is_file:
            return sniff_each(source, lambda e: chat_format(e) is not None)
        layout = _layout(source, SNIFF_ENTRIES)
        return bool(layout.chats) and not layout.others

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.is_file:
            entry = source.entries()[0]
            yield from _read_entry(source, entry, chat_format(entry) or _forced_format(entry))
            return
        layout = _layout(source)
        for entry in layout.others:
            if entry.size:
                yield Skipped(entry.location, "not a WeChat export file; not read")
        for entry in layout.extras:
            yield Skipped(entry.location, "WeChat export file in a format this reader does not read")
        for chat in sorted(layout.chats):
            files = layout.chats[chat]
            best = min(FORMAT_PREFERENCE.index(fmt) for _, fmt in files)
            for entry, fmt in sorted(files, key=lambda f: f[0].name):
                if FORMAT_PREFERENCE.index(fmt) != best:
                    yield Skipped(
                        entry.location, f"the same chat is read from its {FORMAT_PREFERENCE[best]} export"
                    )
                    continue
                yield from isolated(entry, functools.partial(_read_entry, source, fmt=fmt))
