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
import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar

from scanner.errors import ReaderError
from scanner.model import Attachment, Author, Conversation, Message, MessageKind, Skipped
from scanner.readers.base import (
    CHINESE_ENCODINGS,
    EPOCH_MS_FROM,
    MAX_MESSAGE_CHARS,
    MAX_SNIFF_LINE,
    READ_ERRORS,
    Entry,
    Source,
    TextBlock,
    csv_rows,
    detect_encoding,
    dm_or_group,
    entry_folder,
    guarded,
    header_blocks,
    in_folder,
    location_name,
    text_lines,
)
from scanner.readers.jsliteral import (
    Broken,
    CharStream,
    JsLiteralParser,
    JsSyntaxError,
    array_items,
    clean_surrogates,
)

PLATFORM = "wechat"

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

SYSTEM_TYPES = frozenset({0, 10000, 10002})  # 0: WeChatMsg HTML's system records
MEDIA_TYPES = frozenset({3, 34, 43, 47})
APP_TYPE = 49
FILE_SUBTYPE = 6
LINK_SUBTYPES = frozenset({3, 5})
# MemoTrace's 64-bit type codes (wxManager MessageType).
MT_FILE = 25769803825
MT_LINKS = frozenset(
    {21474836529, 292057776177, 4294967345, 326417514545, 17179869233, 12884901937, 219043332145}
)
MT_QUOTE = 244813135921
MEMOTRACE_SYSTEM_LABELS = frozenset({"系统消息", "拍一拍"})
MEMOTRACE_MEDIA_LABELS = frozenset({"图片", "语音", "视频", "表情包", "文件"})
_RECALLED = "撤回了一条消息"

MAX_AUTHORS = 4096
MAX_STRING_CHARS = 16 * 1024 * 1024
MAX_DEPTH = 64
SNIFF_BYTES = 64 * 1024
HTML_SNIFF_BYTES = 1024 * 1024
HEAD_KEEP = 2 * 1024 * 1024  # characters of the page before the array searched for its title
SNIFF_LINES = 60
SNIFF_ENTRIES = 20

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

_ARRAY_START = re.compile(r"\bchatMessages\s*=\s*\[")
_TITLE = re.compile(r"<title>(?P<title>[^<]{0,512})</title>", re.IGNORECASE)
_EMOJI_IMG = re.compile(
    r"<img\b[^<>]*?\bclass=\"emoji_img\"[^<>]*>|<img\b[^<>]*?\bid=\"[^\"]*\"[^<>]*?emoji_img[^<>]*>"
)
_IMG_ID = re.compile(r"\bid=\"(?P<id>[^\"]*)\"")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _encoding(head: bytes) -> str:
    """WeChat exports are Chinese: valid GB18030 beats charset-normalizer's other guesses."""
    return detect_encoding(head, CHINESE_ENCODINGS)


def _raw_lines(entry: Entry, encoding: str) -> Iterator[str]:
    """Decoded lines with their line ends (for the csv module), a BOM dropped."""
    fh = entry.open()
    with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
        for n, raw in enumerate(text):
            yield raw.lstrip("\ufeff") if n == 0 else raw


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{1,12}(?:\.\d+)?", value):
            return None
        value = float(value)
    if not isinstance(value, int | float) or value != value or value <= 0:
        return None
    if value >= EPOCH_MS_FROM:  # milliseconds
        value /= 1000
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _local_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")  # no zone in the export
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,20}", value.strip()):
        return int(value.strip())
    return None


def _chat_name(entry: Entry) -> str:
    stem = PurePosixPath(location_name(entry.location)).stem
    return stem.removesuffix("_utf8") or stem


@dataclass(slots=True)
class _Authors:
    """Distinct names seen (capped) and whether the export marked the chat as a group."""

    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    group: bool = False

    def add(self, name: str, uid: str = "") -> None:
        if len(self.names) < MAX_AUTHORS and name:
            self.names.add(name)
        if len(self.ids) < MAX_AUTHORS and (uid or name):
            self.ids.add(uid or name)

    def conversation(self, cid: str, name: str) -> Conversation:
        return dm_or_group(cid or name, name or cid, self.group or len(self.ids) > 2, self.names)


def _deleted(system: bool, text: str) -> bool:
    return system and _RECALLED in text


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
    for item in csv_rows(entry, _raw_lines(entry, encoding)):
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
    return _int(row.get("Type")) in SYSTEM_TYPES


def _read_csv(source: Source, entry: Entry, encoding: str) -> Iterator[Message | Skipped]:
    authors = _Authors()
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
    name = _chat_name(entry)
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
        when = _local_time(row.get("时间", ""))
        text = row.get("内容", "")
        media = row.get("类型", "").strip() in MEMOTRACE_MEDIA_LABELS
    else:
        mid = row.get("localId", "").strip()
        when = _epoch(row.get("CreateTime")) or _local_time(row.get("StrTime", ""))
        text = row.get("StrContent", "")
        kind, sub = _int(row.get("Type")), _int(row.get("SubType"))
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
        deleted=_deleted(system, text),
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
    when = _local_time(f"{m['date']} {m['time']}")
    if when is None:
        return None
    return _TxtHeader(when, rest)


@dataclass(slots=True)
class _TxtTrack:
    """Authors of the messages a header policy would find (used by the survey)."""

    strict: bool
    authors: _Authors = field(default_factory=_Authors)
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


def _txt_survey(entry: Entry, encoding: str) -> tuple[bool, _Authors, int]:
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
    name = _chat_name(entry)
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
            deleted=_deleted(system, text),
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


@dataclass(slots=True)
class _HtmlHead:
    title: str = ""
    chatroom: bool = False
    found: bool = False


def _html_records(entry: Entry, encoding: str, head: _HtmlHead) -> Iterator[tuple[int, Any] | Broken]:
    """(index, record) for each element of ``chatMessages``; a broken element is a _Broken."""
    fh = entry.open()
    with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
        chars = CharStream(text)
        seen: list[str] = []  # the page before the array (its first HEAD_KEEP characters)
        kept = 0
        m: re.Match[str] | None = None
        while True:
            chars.fill(chars.CHUNK)
            m = _ARRAY_START.search(chars.buf, chars.pos)
            if m is not None:
                stop = m.start()
            else:
                stop = len(chars.buf) if chars.eof else max(chars.pos, len(chars.buf) - 64)
            if kept < HEAD_KEEP:
                piece = chars.buf[chars.pos : stop][: HEAD_KEEP - kept]
                seen.append(piece)
                kept += len(piece)
            if m is not None:
                chars.pos = m.end()  # just after "["
                break
            chars.pos = stop
            if chars.eof:
                break
            chars.fill(len(chars.buf) - chars.pos + chars.CHUNK)
        page = "".join(seen)
        title = _TITLE.search(page)
        head.title = html.unescape(title["title"]).strip() if title else ""
        head.chatroom = "@chatroom" in page
        if m is None:
            return
        head.found = True
        yield from array_items(chars)


def _html_text(value: Any) -> str:
    """WeChatMsg's HTML-escaped text (with emoji <img> tags) as plain text."""
    if not isinstance(value, str):
        return ""
    value = clean_surrogates(value)
    if "<" in value:
        value = _EMOJI_IMG.sub(_emoji_name, value)
        value = _BR.sub("\n", value)
        value = _TAG.sub("", value)
    return html.unescape(value)


def _emoji_name(m: re.Match[str]) -> str:
    ident = _IMG_ID.search(m.group())
    return f"[{ident['id']}]" if ident else ""


def _first(rec: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = rec.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float | str) and str(value).strip():
            return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return ""


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value) and not isinstance(value, dict | list)


def _html_name(rec: dict[str, Any]) -> str:
    return _html_text(rec.get("displayname", rec.get("display_name", ""))).strip()


def _html_kind(rec: dict[str, Any]) -> tuple[int | None, int | None]:
    return _int(rec.get("type")), _int(rec.get("sub_type"))


def _html_system(rec: dict[str, Any]) -> bool:
    return _html_kind(rec)[0] in SYSTEM_TYPES


def _media_path(value: str, source: Source, folder: str) -> tuple[str, str | None, int | None]:
    """(file name, path inside the export if the file is there, size)."""
    ref = value.strip().replace("\\", "/")
    if not ref or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", ref):
        name = PurePosixPath(ref.split("?", 1)[0]).name if ref else ""
        return name, None, None  # a URL (emoji CDN) or nothing
    ref = ref.removeprefix("./")
    name = PurePosixPath(ref).name
    if source.kind == "file" or ".." in ref.split("/"):
        return name, None, None
    found = source.get(f"{folder}{ref}")
    if found is None:
        return name, None, None
    return name, f"{folder}{ref}", found.size


def _html_message(
    source: Source,
    entry: Entry,
    conversation: Conversation,
    index: int,
    rec: dict[str, Any],
    folder: str,
) -> Message:
    kind, sub = _html_kind(rec)
    system = kind in SYSTEM_TYPES
    attachments: tuple[Attachment, ...] = ()
    if kind in MEDIA_TYPES or kind == MT_FILE or (kind == APP_TYPE and sub == FILE_SUBTYPE):
        ref = _first(rec, "path") or _first(rec, "text")  # MemoTrace: path; WeChatMsg: text
        name, path, size = _media_path(_html_text(ref), source, folder)
        if kind in (MT_FILE, APP_TYPE):  # a file keeps its own name; media are named by the exporter
            name = _html_text(rec.get("file_name")).strip() or name
        declared = _int(rec.get("file_size"))
        attachments = (Attachment(name=name, size=size if size is not None else declared, path=path),)
        text = _html_text(rec.get("voice_to_text"))
    elif kind in MT_LINKS or (kind == APP_TYPE and sub in LINK_SUBTYPES):
        pieces = (_html_text(rec.get(k)).strip() for k in ("title", "description", "url", "link_url"))
        text = "\n".join(p for p in pieces if p)
    else:
        text = _html_text(rec.get("text"))
    name = _html_name(rec)
    quote = _first(rec, "quote_server_id")
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=f"{entry.location}#/chatMessages/{index}",
        conversation=conversation,
        message_id=_first(rec, "server_id", "MsgSvrID", "msgSvrId", "localId", "local_id")
        or f"{location_name(entry.location)}#{index}",
        author=Author("", "") if system else Author(name, name),
        timestamp=_epoch(rec.get("timestamp")),
        text=text,
        reply_to=quote if kind == MT_QUOTE and quote and quote != "0" else None,
        attachments=attachments,
        deleted=_deleted(system, text),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


def _read_html(source: Source, entry: Entry, encoding: str) -> Iterator[Message | Skipped]:
    head = _HtmlHead()
    authors = _Authors()
    for item in _html_records(entry, encoding, head):
        if isinstance(item, tuple) and isinstance(item[1], dict):
            rec = item[1]
            authors.group |= _truthy(rec.get("is_chatroom"))
            if not _html_system(rec):
                authors.add(_html_name(rec))
    if not head.found:
        yield Skipped(entry.location, "no WeChatMsg chatMessages array found; file not read")
        return
    authors.group |= head.chatroom
    name = head.title or _chat_name(entry)
    conversation = authors.conversation(name, name)
    folder = entry_folder(entry)
    for item in _html_records(entry, encoding, head):
        if isinstance(item, Broken):
            yield Skipped(f"{entry.location}#/chatMessages/{item.index}", item.reason)
            continue
        index, rec = item
        if not isinstance(rec, dict):
            yield Skipped(f"{entry.location}#/chatMessages/{index}", "record is not an object")
            continue
        yield _html_message(source, entry, conversation, index, rec, folder)


# --- per-file dispatch and sniffing ---------------------------------------------------------


def _head_text(entry: Entry, n: int = SNIFF_BYTES) -> tuple[str, str]:
    head = entry.head(n)
    enc = _encoding(head[:SNIFF_BYTES])
    return head.decode(enc, errors="replace").lstrip("\ufeff"), enc


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


def _looks_like_html(entry: Entry) -> bool:
    """A ``chatMessages = [`` array in the page's head whose first record is a message. The
    record is streamed from the file, so a first message longer than the head still counts."""
    head, encoding = _head_text(entry, HTML_SNIFF_BYTES)
    if _ARRAY_START.search(head) is None:
        return False
    try:
        fh = entry.open()
    except ReaderError:
        return False
    with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
        chars = CharStream(text, MAX_SNIFF_LINE)
        try:
            start = chars.find(_ARRAY_START)
            if start is None:
                return False
            chars.pos = start.end()
            first = JsLiteralParser(chars).value()
        except (JsSyntaxError, *READ_ERRORS):
            return False
    if not isinstance(first, dict):
        return False
    return "timestamp" in first and any(
        k in first for k in ("is_send", "displayname", "display_name", "server_id", "MsgSvrID")
    )


def chat_format(entry: Entry) -> str | None:
    """'csv', 'html' or 'txt' for a WeChatMsg/MemoTrace chat file, else None (reads a head only)."""
    suffix = entry.suffix
    if suffix == ".csv":
        text, _ = _head_text(entry)
        first = next((line for line in text.splitlines() if line.strip()), "")
        return "csv" if _csv_header(first) is not None else None
    if suffix in HTML_SUFFIXES:
        return "html" if _looks_like_html(entry) else None
    if suffix == ".txt":
        text, _ = _head_text(entry)
        return "txt" if _looks_like_txt(text) else None
    return None


_READERS: dict[str, Callable[[Source, Entry, str], Iterator[Message | Skipped]]] = {
    "csv": _read_csv,
    "html": _read_html,
    "txt": _read_txt,
}


def _read_entry(source: Source, entry: Entry, fmt: str) -> Iterator[Message | Skipped]:
    encoding = _encoding(entry.head())
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
            chat = f"{entry.name.rpartition('/')[0]}/{_chat_name(entry)}"
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
        entries = source.entries()
        if source.kind == "file":
            return len(entries) == 1 and chat_format(entries[0]) is not None
        layout = _layout(source, SNIFF_ENTRIES)
        return bool(layout.chats) and not layout.others

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        if source.kind == "file":
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
                try:
                    yield from _read_entry(source, entry, fmt)
                except ReaderError as exc:
                    yield Skipped(exc.location, exc.reason)
