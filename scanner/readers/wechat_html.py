"""WeChatMsg / MemoTrace HTML pages: the ``const chatMessages = [ … ]`` array in the page's
``<script>`` read record by record (see ``jsliteral``), each record mapped to a message."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from scanner.errors import ReaderError
from scanner.model import (
    PART_ATTACHMENT_NAME,
    Attachment,
    Author,
    Conversation,
    Message,
    MessageKind,
    Skipped,
    TextPart,
)
from scanner.readers.base import (
    MAX_SNIFF_LINE,
    READ_ERRORS,
    Entry,
    Source,
    entry_folder,
    location_name,
)
from scanner.readers.jsliteral import (
    Broken,
    CharStream,
    JsLiteralParser,
    JsSyntaxError,
    array_items,
    clean_surrogates,
)
from scanner.readers.textparts import Parts
from scanner.readers.wechat_records import (
    APP_TYPE,
    FILE_SUBTYPE,
    LINK_SUBTYPES,
    MEDIA_TYPES,
    MT_FILE,
    MT_LINKS,
    MT_QUOTE,
    PLATFORM,
    SYSTEM_TYPES,
    Authors,
    chat_name,
    epoch_time,
    head_and_encoding,
    int_value,
    recalled,
)

_ARRAY_START = re.compile(r"\bchatMessages\s*=\s*\[")
_TITLE = re.compile(r"<title>(?P<title>[^<]{0,512})</title>", re.IGNORECASE)
_EMOJI_IMG = re.compile(
    r"<img\b[^<>]*?\bclass=\"emoji_img\"[^<>]*>|<img\b[^<>]*?\bid=\"[^\"]*\"[^<>]*?emoji_img[^<>]*>"
)
_IMG_ID = re.compile(r"\bid=\"(?P<id>[^\"]*)\"")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


HTML_SNIFF_BYTES = 1024 * 1024
HEAD_KEEP = 2 * 1024 * 1024  # characters of the page before the array searched for its title


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
    return int_value(rec.get("type")), int_value(rec.get("sub_type"))


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
    found = None if ".." in ref.split("/") else source.member(f"{folder}{ref}")
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
    location = f"{entry.location}#/chatMessages/{index}"
    kind, sub = _html_kind(rec)
    system = kind in SYSTEM_TYPES
    attachments: tuple[Attachment, ...] = ()
    if kind in MEDIA_TYPES or kind == MT_FILE or (kind == APP_TYPE and sub == FILE_SUBTYPE):
        ref = _first(rec, "path") or _first(rec, "text")  # MemoTrace: path; WeChatMsg: text
        name, path, size = _media_path(_html_text(ref), source, folder)
        if kind in (MT_FILE, APP_TYPE):  # a file keeps its own name; media are named by the exporter
            name = _html_text(rec.get("file_name")).strip() or name
        declared = int_value(rec.get("file_size"))
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
        location=location,
        conversation=conversation,
        message_id=_first(rec, "server_id", "MsgSvrID", "msgSvrId", "localId", "local_id")
        or f"{location_name(entry.location)}#{index}",
        author=Author("", "") if system else Author(name, name),
        timestamp=epoch_time(rec.get("timestamp")),
        text=text,
        reply_to=quote if kind == MT_QUOTE and quote and quote != "0" else None,
        attachments=attachments,
        parts=_file_name_part(location, rec, kind, text),
        deleted=recalled(system, text),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


def _file_name_part(location: str, rec: dict[str, Any], kind: int | None, text: str) -> tuple[TextPart, ...]:
    """The name a sender gave a file card (media are named by the exporter)."""
    parts = Parts(location, text)
    if kind in (MT_FILE, APP_TYPE):
        parts.add(PART_ATTACHMENT_NAME, _html_text(rec.get("file_name")).strip(), "file_name")
    return parts.result()


def read_html(source: Source, entry: Entry, encoding: str) -> Iterator[Message | Skipped]:
    head = _HtmlHead()
    authors = Authors()
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
    name = head.title or chat_name(entry)
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


def looks_like_html(entry: Entry) -> bool:
    """A ``chatMessages = [`` array in the page's head whose first record is a message. The
    record is streamed from the file, so a first message longer than the head still counts."""
    head, encoding = head_and_encoding(entry, HTML_SNIFF_BYTES)
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
