"""QQ PC message manager text export (消息管理器 → 导出 → 文本文件 ``.txt``, "not re-importable").

Layout (shared notes, section 2.16; the blank lines and separators as a QQ 6.1 export writes them)::

    消息记录（此消息记录为文本格式，不支持重新导入）

    ================================================================
    消息分组:我的好友                                 the contact group (or 我的QQ群 …)
    ================================================================
    消息对象:小明                                     the conversation
    ================================================================

    2019-07-16 18:15:05 小明                          friend chats: the nickname only
    first line of the message
    second line

    2019-07-16 18:15:11 【管理员】土豆(123456789)     group chats: the QQ number …
    2019-07-16 18:15:20 番茄<tomato@example.com>      … or an e-mail address

An "export all" file holds many ``消息对象`` blocks; each is one conversation. Hours may be
unpadded (``9:41:32``). Files are UTF-8 (often with BOM), UTF-16 or GB18030.

Where messages start: a line that parses as a header (date, time, sender). Real exports put a
blank line before every header, so a body line that happens to start with a date and a time
(a pasted log, "2019-07-16 18:00:00 meeting") must not split a message. Whether a file keeps
that convention is decided per file: if most header-looking lines (not counting the first of
each conversation, which follows the layout lines anyway) follow a blank line, only those start
messages; otherwise (a re-saved or hand-edited file without blank lines) every one does.
Reading is two passes (files re-open cheaply): the first decides this and gathers each
conversation's participants and kind, the second yields messages.

Decisions worth knowing:

* ``message_id`` is ``L<n>``, n the 1-based line of the header; ``timestamp`` is naive
  (QQ writes local time without a zone).
* ``text`` is the lines after the header, joined with ``\\n``; the blank lines that separate
  messages are not part of it (blank lines inside a message are).
* Separator lines (only ``=``) are layout, never message text; ``消息分组:``/``消息对象:`` lines
  are metadata only right after a separator (or before the first message).
* Author: id is the QQ number or e-mail address when the header gives one, else the name;
  the name drops role prefixes such as ``【管理员】``. ``系统消息(10000)`` is a system message.
* Kind: group when the 消息分组 names a group (群, 讨论组, 多人聊天), when headers carry QQ
  numbers (friend chats never do), or when more than two people write; else a DM of two.
  ``member_count`` is 2 for a DM and unknown for a group (the export does not say);
  ``members`` are the names seen.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.model import Attachment, Author, Conversation, Message, MessageKind, Skipped
from scanner.readers.base import (
    CHINESE_ENCODINGS,
    MAX_MESSAGE_CHARS,
    SNIFF_TEXT_BYTES,
    Entry,
    Source,
    detect_encoding,
    dm_or_group,
    guarded,
    head_text,
    location_name,
    read_each,
    sniff_text_export,
    text_lines,
)

PLATFORM = "qq"

PREAMBLE = "消息记录（此消息记录为文本格式"
_SEPARATOR = re.compile(r"={16,}\s*")
_GROUP_LINE = re.compile(r"消息分组[:：](?P<value>.*)")
_OBJECT_LINE = re.compile(r"消息对象[:：](?P<value>.*)")
# 2019-07-16 18:15:05 <sender>; QQ pads the date, not always the hour. The sender is never empty.
_HEADER = re.compile(
    r"(?P<y>\d{4})(?P<ds>[-/])(?P<mo>\d{1,2})(?P=ds)(?P<d>\d{1,2}) "
    r"(?P<h>\d{1,2}):(?P<mi>\d{2}):(?P<s>\d{2}) (?P<rest>\S.*)"
)
# The sender's id: a QQ number (5-12 digits) in ASCII parentheses or an e-mail address in <>.
# Anything else in parentheses ("张三(销售部)") is part of the name.
_SENDER_ID = re.compile(r"(?P<name>.*?)(?:\((?P<qq>\d{5,12})\)|<(?P<mail>[^<>\s@]+@[^<>\s]+)>)")
_ROLE_PREFIX = re.compile(r"(?:【[^】\n]{0,20}】\s*)+")
# A contact group that is a QQ group or discussion group, not a friend list.
_GROUP_SECTION = re.compile(r"群|讨论组|多人聊天")
_SYSTEM_IDS = frozenset({"10000"})
_SYSTEM_NAMES = frozenset({"系统消息"})
_RECALLED = ("撤回了一条消息", "撤回了一条成员消息")
# Placeholders QQ writes for media in a text export.
_MEDIA = re.compile(r"\[(?:图片|语音|视频|文件)\]")

# One message longer than this (in characters) is cut at a line boundary, so a file with a
# single header and gigabytes of continuation lines cannot exhaust memory. Each part keeps
# author and time; its id is the line where it starts.
# Distinct author names kept per conversation (a QQ group holds at most a few thousand).
MAX_AUTHORS = 4096
SNIFF_LINES = 200


# --- headers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Header:
    stamp: tuple[int, int, int, int, int, int]
    name: str  # display name, role prefixes removed
    uid: str  # QQ number or e-mail address, "" when the header has none

    @property
    def author_id(self) -> str:
        return self.uid or self.name

    @property
    def when(self) -> datetime | None:
        try:
            return datetime(*self.stamp)  # QQ writes local time without a zone
        except ValueError:
            return None  # 2019-02-30: a header still, without a time


def _parse_header(line: str) -> _Header | None:
    if not line[:4].isdigit():
        return None  # the common case, cheaply
    m = _HEADER.fullmatch(line)
    if m is None:
        return None
    rest = m["rest"]
    if rest.startswith(("- ", "\u2013 ")):
        return None  # a WhatsApp-style "date time - Name: text" line, not a QQ sender
    stamp = (int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"]))
    if not (
        1 <= stamp[1] <= 12 and 1 <= stamp[2] <= 31 and stamp[3] <= 23 and stamp[4] <= 59 and stamp[5] <= 59
    ):
        return None
    ident = _SENDER_ID.fullmatch(rest)
    uid = ""
    name = rest
    if ident is not None:
        uid = ident["qq"] or ident["mail"] or ""
        name = ident["name"]
    role = _ROLE_PREFIX.match(name)
    name = (name[role.end() :] if role else name).strip()
    return _Header(stamp, name or uid, uid)


# --- the line scanner (shared by both passes) -------------------------------------------


@dataclass(slots=True)
class _Event:
    """One classified line. ``kind``: section | header | text | blank."""

    kind: str
    line: int
    text: str = ""
    header: _Header | None = None
    after_blank: bool = False  # the line before was blank, layout, or the start of the file
    group: str = ""  # section events: the 消息分组 in force
    obj: str | None = None  # section events: the 消息对象, None for a 消息分组 line
    names_open: bool = False  # a 消息对象 naming the section its 消息分组 line just opened


def _scan(lines: Iterator[str]) -> Iterator[_Event]:
    """Classify lines: layout (preamble, separators, 消息分组/消息对象) versus message lines."""
    after_blank = True  # the start of the file counts as a break
    after_layout = True  # the last non-blank line was layout (or none yet): meta lines allowed
    seen_header = False
    group = ""
    group_pending = False  # a 消息分组 line opened a section that has no 消息对象 yet
    for n, line in enumerate(lines, start=1):
        if _SEPARATOR.fullmatch(line):
            after_blank = after_layout = True
            continue
        if after_layout or not seen_header:
            g = _GROUP_LINE.fullmatch(line)
            o = _OBJECT_LINE.fullmatch(line) if g is None else None
            if g is not None:
                group, group_pending = g["value"].strip(), True
                yield _Event("section", n, group=group, obj=None)
                after_blank = after_layout = True
                continue
            if o is not None:
                # 消息对象 right after its 消息分组 names that section; otherwise it opens a new one
                yield _Event("section", n, group=group, obj=o["value"].strip(), names_open=group_pending)
                group_pending = False
                after_blank = after_layout = True
                continue
            if not seen_header and line.startswith(PREAMBLE):
                after_blank = after_layout = True
                continue
        if not line.strip():
            yield _Event("blank", n, line)
            after_blank = True
            continue
        after_layout = False
        h = _parse_header(line)
        if h is not None:
            seen_header = True
            yield _Event("header", n, line, header=h, after_blank=after_blank)
        else:
            yield _Event("text", n, line)
        after_blank = False


# --- survey (first pass) ------------------------------------------------------------------


@dataclass(slots=True)
class _Section:
    """What one conversation's headers say, under both header policies."""

    group: str
    obj: str | None
    authors: tuple[set[str], set[str]] = field(default_factory=lambda: (set(), set()))
    with_ids: list[bool] = field(default_factory=lambda: [False, False])

    def add(self, policy: int, h: _Header) -> None:
        if h.uid in _SYSTEM_IDS or h.name in _SYSTEM_NAMES:
            return
        if len(self.authors[policy]) < MAX_AUTHORS:
            self.authors[policy].add(h.name)
        self.with_ids[policy] |= bool(h.uid)


@dataclass(slots=True)
class _Survey:
    encoding: str
    sections: list[_Section] = field(default_factory=list)
    headers: int = 0
    counted: int = 0  # headers that are not the first of their section
    headers_after_blank: int = 0

    @property
    def require_blank(self) -> bool:
        """Only header lines after a blank line start messages (the export's own layout)."""
        return 2 * self.headers_after_blank >= self.counted


def _survey(entry: Entry, encoding: str) -> _Survey:
    survey = _Survey(encoding, [_Section("", None)])
    first = True  # the next header is the first of its section
    for ev in _scan(text_lines(entry, encoding)):
        if ev.kind == "section":
            _enter_section(survey.sections, ev)
            first = True
        elif ev.kind == "header" and ev.header is not None:
            survey.headers += 1
            # The first header of a section follows the layout lines whatever the file's
            # convention: only the later ones tell whether messages are separated by blank lines.
            if not first:
                survey.counted += 1
                survey.headers_after_blank += ev.after_blank
            first = False
            section = survey.sections[-1]
            section.add(1, ev.header)  # policy 1: every header line starts a message
            if ev.after_blank:
                section.add(0, ev.header)  # policy 0: only after a blank line
    return survey


def _enter_section(sections: list[_Section], ev: _Event) -> None:
    """A 消息分组 line opens a section; its 消息对象 names it; a lone 消息对象 opens one too."""
    if ev.names_open:
        sections[-1].obj = ev.obj
    else:
        sections.append(_Section(ev.group, ev.obj))


def _conversation(section: _Section, policy: int, fallback: str) -> Conversation:
    authors = section.authors[policy]
    group = bool(_GROUP_SECTION.search(section.group)) or section.with_ids[policy] or len(authors) > 2
    name = section.obj or fallback
    cid = f"{section.group}/{name}" if section.group else name
    return dm_or_group(cid, name, group, authors)


# --- reading ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    header: _Header
    line: int
    parts: list[str]
    size: int


def _build(source: Source, entry: Entry, conversation: Conversation, p: _Pending) -> Message:
    parts = list(p.parts)
    while parts and not parts[-1].strip():
        parts.pop()  # the blank lines between messages are layout
    text = "\n".join(parts)
    h = p.header
    system = h.uid in _SYSTEM_IDS or h.name in _SYSTEM_NAMES
    bare = text.strip()
    return Message(
        platform=PLATFORM,
        source=source.display,
        location=f"{entry.location}:{p.line}",
        conversation=conversation,
        message_id=f"L{p.line}",
        author=Author(h.author_id, h.name),
        timestamp=h.when,
        text=text,
        attachments=tuple(Attachment(name="") for _ in _MEDIA.finditer(text)),
        deleted="\n" not in bare and bare.endswith(_RECALLED),
        kind=MessageKind.SYSTEM if system else MessageKind.USER,
    )


def _read_entry(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    yield from guarded(entry.location, _messages(source, entry))


def _messages(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    # QQ is a Chinese application: valid GB18030 beats charset-normalizer's other guesses.
    encoding = detect_encoding(entry.head(), CHINESE_ENCODINGS)
    source.encodings.add(encoding)
    survey = _survey(entry, encoding)
    if survey.headers == 0:
        if entry.size:
            yield Skipped(f"{entry.location}:1", "no QQ message header found; file not read")
        return
    policy = 0 if survey.require_blank else 1
    label = PurePosixPath(location_name(entry.location)).stem
    conversations = [_conversation(s, policy, label) for s in survey.sections]
    index = 0
    current: _Pending | None = None
    stray = 0  # non-empty lines of a section before its first message
    stray_line = 0
    for ev in _scan(text_lines(entry, encoding)):
        if ev.kind == "section":
            if current is not None:
                yield _build(source, entry, conversations[index], current)
                current = None
            if stray:
                yield Skipped(f"{entry.location}:{stray_line}", f"{stray} line(s) before the first message")
                stray = 0
            if not ev.names_open:
                index = min(index + 1, len(conversations) - 1)
            continue
        if ev.kind == "header" and ev.header is not None and (policy == 1 or ev.after_blank):
            if current is not None:
                yield _build(source, entry, conversations[index], current)
            elif stray:
                yield Skipped(f"{entry.location}:{stray_line}", f"{stray} line(s) before the first message")
                stray = 0
            current = _Pending(ev.header, ev.line, [], 0)
            continue
        if current is None:
            if ev.kind != "blank":
                stray_line = stray_line if stray else ev.line
                stray += 1
            continue
        if current.size + len(ev.text) > MAX_MESSAGE_CHARS and current.parts:
            yield _build(source, entry, conversations[index], current)
            current = _Pending(current.header, ev.line, [], 0)
        current.parts.append(ev.text)
        current.size += len(ev.text) + 1
    if current is not None:
        yield _build(source, entry, conversations[index], current)
    elif stray:
        yield Skipped(f"{entry.location}:{stray_line}", f"{stray} line(s) before the first message")


# --- sniffing -----------------------------------------------------------------------------


def _head_lines(entry: Entry) -> list[str]:
    text = head_text(entry, SNIFF_TEXT_BYTES, CHINESE_ENCODINGS).lstrip("\ufeff")
    return text.splitlines()[:SNIFF_LINES]


def looks_like_qq(entry: Entry) -> bool:
    """A QQ text export: the preamble, a 消息分组/消息对象 block, or (when those were cut off)
    a first line that is a header carrying a QQ number or e-mail address."""
    if entry.suffix != ".txt":
        return False
    lines = [line for line in _head_lines(entry) if line.strip()]
    if not lines:
        return False
    first = lines[0]
    if first.startswith(PREAMBLE):
        return True
    if _SEPARATOR.fullmatch(first) or _GROUP_LINE.fullmatch(first) or _OBJECT_LINE.fullmatch(first):
        return any(_OBJECT_LINE.fullmatch(line) for line in lines[:8])
    h = _parse_header(first)
    return h is not None and bool(h.uid)


class QQReader:
    """QQ PC message manager text export (.txt), one file or a folder/zip of them."""

    name: ClassVar[str] = "qq"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = "QQ PC message manager text export (.txt; one or many conversations)"
    detection: ClassVar[str] = (
        "a .txt whose first line is '消息记录（此消息记录为文本格式…' or a '消息分组:'/'消息对象:' block, "
        "or whose first line is a header like '2019-07-16 18:15:05 Name(123456789)'; a folder or zip "
        "of nothing but such files"
    )

    def sniff(self, source: Source) -> bool:
        return sniff_text_export(source, looks_like_qq)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        yield from read_each(
            source,
            functools.partial(_read_entry, source),
            accept=lambda e: e.suffix == ".txt" and looks_like_qq(e),
            not_ours="not a QQ text export; not read",
        )
