"""LINE chat history text export (chat ≡ → Settings → Export chat history, ``.txt``).

Layout (shared notes, section 2.14, after hellodigua/ChatLab ``line-native-txt.ts`` and
meyfa/line-chat-parser)::

    [LINE] Chat history with Mika Test          title: "with" a DM, "in" a group; localised:
    Saved on: 2023/01/06 09:00                    與X的聊天記錄 / X的聊天記錄, Xとのトーク履歴 …
    (blank)
    2023/01/05(Thu)                             a date line starts each day (also "Thu, 01/05/2023",
    10:23<TAB>Mika Test<TAB>Hello                 "2025.12.10 Wednesday", "2026/1/30周五")
    10:24<TAB>Jane Roe<TAB>"First line          a message with line breaks is wrapped in quotes
    second line"
    10:25<TAB><TAB>Jane Roe joined the group.   a system line has no sender
    下午02:05<TAB>Mika Test<TAB>[Photo]          times may read 上午/下午, 午前/午後, or 2:05PM

There are no seconds, no zone and no message ids. Messages start at time lines only; every
other line continues the message before it. Inside an open quote even lines that look like
a date or a time line are message text (a pasted chat log stays one message); a quote opens
only when the first line starts with ``"`` and holds no other lone ``"``, and it closes at
the first line that ends with ``"``.

Decisions worth knowing:

* ``message_id`` is ``L<n>``, n the 1-based line where the message starts; ``timestamp`` is
  the day of the last date line with the message's time, naive (None before any date line).
* ``text`` is the message as written; for a quoted multi-line message the wrapping quotes are
  removed and doubled quotes (``""``) inside read as one.
* Author: id and name are the sender's display name; system lines have none.
* Kind from the title ("with" → DM of two, "in" → group); without a title, a group when more
  than two people write. ``members`` are the names seen.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import ClassVar

from scanner.model import Attachment, Author, Conversation, Message, MessageKind, Skipped
from scanner.readers.base import (
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

PLATFORM = "line"

# Title lines: (pattern, is a group). Tried in order; the DM forms come first because the
# group forms of Chinese and Japanese are their suffixes.
_TITLES: tuple[tuple[re.Pattern[str], bool | None], ...] = (
    (re.compile(r"(?:\[LINE\]\s*)?Chat history with (?P<name>.+)"), False),
    (re.compile(r"(?:\[LINE\]\s*)?Chat history in (?P<name>.+)"), True),
    (re.compile(r"\[LINE\]\s*Chat with (?P<name>.+)"), False),
    (re.compile(r"\[LINE\]\s*Chat in (?P<name>.+)"), True),
    (re.compile(r"\[LINE\]\s*[與与](?P<name>.+)的聊天[記记][錄录]"), False),
    (re.compile(r"\[LINE\]\s*(?P<name>.+)的聊天[記记][錄录]"), True),
    (re.compile(r"\[LINE\]\s*(?P<name>.+)とのトーク履歴"), False),
    (re.compile(r"\[LINE\]\s*(?P<name>.+)のトーク履歴"), True),
    (re.compile(r"\[LINE\]\s*(?P<name>.*)"), None),
)
# "Saved on: 2023/01/06 09:00", "保存日期：…", "儲存日期：…", "保存日時：…": a label, a colon, a date.
_SAVED_ON = re.compile(r"[^\t\d:：]{1,24}[:：]\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}.*")
# Date lines. Year first: "2023/01/05(Thu)", "2025.12.10 Wednesday", "2026/1/30周五".
_DATE_YMD = re.compile(
    r"(?P<y>\d{4})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})"
    r"(?:\s*(?:\([^()\t]{1,12}\)|（[^（）\t]{1,12}）|[^\d\s\t:][^\t:]{0,14}))?\s*"
)
# Weekday first, month first (US English): "Thu, 01/05/2023".
_DATE_MDY = re.compile(r"(?P<wd>[^\d\t,/]{1,20}),\s*(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\s*")
# A message line: the time, a tab, then "sender<TAB>text" (or "<TAB>text" / "text" for system lines).
_MESSAGE = re.compile(
    r"(?:(?P<pre>上午|下午|午前|午後|오전|오후|AM|PM|am|pm)\s?)?(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?:\s?(?P<suf>[AaPp]\.?[Mm]\.?))?\t(?P<rest>.*)"
)
_PM = frozenset({"下午", "午後", "오후", "PM", "pm", "p"})
_AM = frozenset({"上午", "午前", "오전", "AM", "am", "a"})

# Placeholders LINE writes for media (English, Chinese, Japanese).
_MEDIA = re.compile(
    r"\[(?:Photo|Video|Voice message|File|Sticker|照片|影片|视频|語音訊息|语音信息|檔案|文件|貼圖|贴图"
    r"|写真|動画|ボイスメッセージ|ファイル|スタンプ)\](?P<name>.*)"
)
_FILE_PLACEHOLDERS = ("[File]", "[檔案]", "[文件]", "[ファイル]")
_UNSENT = ("unsent a message", "Message unsent.", "已收回訊息", "撤回了一条消息", "送信を取り消しました")

MAX_AUTHORS = 4096
SNIFF_LINES = 40


# --- line shapes ------------------------------------------------------------------------------


def _title(line: str) -> tuple[str, bool | None] | None:
    for pattern, group in _TITLES:
        m = pattern.fullmatch(line.strip())
        if m is not None:
            return m["name"].strip(), group
    return None


def _date_line(line: str) -> date | None:
    m = _DATE_YMD.fullmatch(line)
    if m is not None:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    else:
        m = _DATE_MDY.fullmatch(line)
        if m is None:
            return None
        y, a, b = int(m["y"]), int(m["a"]), int(m["b"])
        mo, d = (b, a) if a > 12 else (a, b)
    try:
        return date(y, mo, d)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Line:
    hour: int
    minute: int
    sender: str | None  # None for a system line
    text: str


def _message_line(line: str) -> _Line | None:
    m = _MESSAGE.fullmatch(line)
    if m is None:
        return None
    hour, minute = int(m["h"]), int(m["mi"])
    marker = m["pre"] or (m["suf"][0].lower() if m["suf"] else "")
    if marker and not 1 <= hour <= 12:
        if hour != 0:
            return None
    elif hour > 24:
        return None
    if minute > 59:
        return None
    if marker in _PM:
        hour = hour % 12 + 12
    elif marker in _AM:
        hour %= 12
    hour %= 24  # "24:53" is 00:53 (meyfa/line-chat-parser)
    sender, tab, text = m["rest"].partition("\t")
    if not tab:
        return _Line(hour, minute, None, sender)  # "10:00<TAB>notice"
    return _Line(hour, minute, sender.strip() or None, text)


def _opens_quote(text: str) -> bool:
    """A first line that opens a quoted multi-line message: '"' then no lone '"' after it
    (a lone quote would close the quoted text on this line, or show it is not quoted at all)."""
    if not text.startswith('"'):
        return False
    inner = text[1:].replace('""', "")
    return '"' not in inner


# --- survey and reading -----------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    line: int
    when: datetime | None
    sender: str | None
    parts: list[str]
    size: int
    quote: str = ""  # "" not quoted, "open", "closed"


@dataclass(slots=True)
class _Parse:
    """The state of one pass over the lines (both passes run the same machine)."""

    day: date | None = None
    current: _Pending | None = None
    title: tuple[str, bool | None] | None = None
    body_started: bool = False

    def feed(self, n: int, line: str) -> tuple[_Pending | None, bool]:
        """Process one line; returns (a finished message, whether the line was stray)."""
        cur = self.current
        if cur is not None and cur.quote == "open":
            self._append(cur, line)
            if line.endswith('"'):
                cur.quote = "closed"
            return self._split_if_long(n), False
        if not self.body_started:
            if self.title is None and n <= 3 and line.strip() and _title(line) is not None:
                self.title = _title(line)
                return None, False
            if n <= 4 and _SAVED_ON.fullmatch(line.strip()):
                return None, False
        day = _date_line(line)
        if day is not None:
            self.body_started = True
            self.day = day
            done, self.current = self.current, None
            return done, False
        msg = _message_line(line)
        if msg is not None:
            self.body_started = True
            when = (
                datetime(self.day.year, self.day.month, self.day.day, msg.hour, msg.minute)
                if self.day
                else None
            )
            done = self.current
            self.current = _Pending(n, when, msg.sender, [msg.text], len(msg.text))
            if _opens_quote(msg.text):
                self.current.quote = "open"
            return done, False
        if cur is None:
            return None, bool(line.strip())
        self._append(cur, line)
        return self._split_if_long(n), False

    def _append(self, cur: _Pending, line: str) -> None:
        cur.parts.append(line)
        cur.size += len(line) + 1

    def _split_if_long(self, n: int) -> _Pending | None:
        cur = self.current
        if cur is None or cur.size <= MAX_MESSAGE_CHARS:
            return None
        self.current = _Pending(n + 1, cur.when, cur.sender, [], 0, "open" if cur.quote == "open" else "")
        cur.quote = ""
        return cur

    def finish(self) -> _Pending | None:
        done, self.current = self.current, None
        return done


def _text(p: _Pending) -> str:
    parts = list(p.parts)
    if p.quote != "closed":
        while len(parts) > 1 and not parts[-1].strip():
            parts.pop()  # the blank line before the next day is layout
    text = "\n".join(parts)
    if p.quote == "closed" and len(text) >= 2:
        text = text[1:-1].replace('""', '"')
    return text


def _attachments(text: str) -> tuple[Attachment, ...]:
    m = _MEDIA.fullmatch(text.strip())
    if m is None:
        return ()
    name = m["name"].strip() if text.strip().startswith(_FILE_PLACEHOLDERS) else ""
    return (Attachment(name=name),)


def _file_name(entry: Entry) -> str:
    stem = PurePosixPath(location_name(entry.location)).stem
    stem = re.sub(r"^\[LINE\]\s*", "", stem)
    return re.sub(r"^(?:Chat history with|Chat history in|Chat with|Chat in)\s+", "", stem).strip() or stem


@dataclass(slots=True)
class _Survey:
    title: tuple[str, bool | None] | None = None
    authors: set[str] = field(default_factory=set)
    messages: int = 0


def _survey(entry: Entry, encoding: str) -> _Survey:
    survey = _Survey()
    state = _Parse()
    for n, line in enumerate(text_lines(entry, encoding), start=1):
        done, _ = state.feed(n, line)
        if done is not None:
            survey.messages += 1
            if done.sender and len(survey.authors) < MAX_AUTHORS:
                survey.authors.add(done.sender)
    done = state.finish()
    if done is not None:
        survey.messages += 1
        if done.sender and len(survey.authors) < MAX_AUTHORS:
            survey.authors.add(done.sender)
    survey.title = state.title
    return survey


def _conversation(survey: _Survey, entry: Entry) -> Conversation:
    name, group = survey.title if survey.title else ("", None)
    name = name or _file_name(entry)
    if group is None:
        group = len(survey.authors) > 2
    return dm_or_group(name, name, group, survey.authors)


def _read_entry(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    yield from guarded(entry.location, _messages(source, entry))


def _messages(source: Source, entry: Entry) -> Iterator[Message | Skipped]:
    encoding = detect_encoding(entry.head())
    source.encodings.add(encoding)
    survey = _survey(entry, encoding)
    if survey.messages == 0:
        if entry.size:
            yield Skipped(f"{entry.location}:1", "no LINE message line found; file not read")
        return
    conversation = _conversation(survey, entry)

    def build(p: _Pending) -> Message:
        text = _text(p)
        user = p.sender is not None
        return Message(
            platform=PLATFORM,
            source=source.display,
            location=f"{entry.location}:{p.line}",
            conversation=conversation,
            message_id=f"L{p.line}",
            author=Author(p.sender, p.sender) if p.sender is not None else Author("", ""),
            timestamp=p.when,
            text=text,
            attachments=_attachments(text) if user else (),
            deleted=any(phrase in text for phrase in _UNSENT) and "\n" not in text,
            kind=MessageKind.USER if user else MessageKind.SYSTEM,
        )

    state = _Parse()
    stray = 0
    stray_line = 0
    for n, line in enumerate(text_lines(entry, encoding), start=1):
        done, is_stray = state.feed(n, line)
        if is_stray:
            stray_line = stray_line or n
            stray += 1
        if done is not None:
            yield build(done)
        if stray and state.current is not None:
            yield Skipped(f"{entry.location}:{stray_line}", f"{stray} line(s) outside any message")
            stray = stray_line = 0
    done = state.finish()
    if done is not None:
        yield build(done)
    if stray:
        yield Skipped(f"{entry.location}:{stray_line}", f"{stray} line(s) outside any message")


# --- sniffing ---------------------------------------------------------------------------------


def looks_like_line(entry: Entry) -> bool:
    """A LINE export: a '[LINE] …' title (or 'Chat history with …' and a saved-on line), or,
    without a title, a date line followed by tab-separated message lines."""
    if entry.suffix != ".txt":
        return False
    lines = head_text(entry, SNIFF_TEXT_BYTES).lstrip("\ufeff").splitlines()[:SNIFF_LINES]
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        return False
    first = nonblank[0].strip()
    if first.startswith("[LINE]"):
        return True
    if first.startswith("Chat history "):
        return _title(first) is not None and any(_SAVED_ON.fullmatch(x.strip()) for x in nonblank[1:3])
    if _date_line(first) is None:
        return False
    following = [_message_line(x) for x in nonblank[1:10]]
    return any(m is not None and m.sender is not None for m in following)


class LineReader:
    """LINE chat history text export (.txt), one file or a folder/zip of them."""

    name: ClassVar[str] = "line"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = "LINE chat history text export (.txt), any language"
    detection: ClassVar[str] = (
        "a .txt whose first line is '[LINE] Chat history with …' (or a localised '[LINE] …' title), or "
        "which starts with a date line such as '2023/01/05(Thu)' followed by "
        "'HH:MM<TAB>Name<TAB>Text' lines; a folder or zip of nothing but such files"
    )

    def sniff(self, source: Source) -> bool:
        return sniff_text_export(source, looks_like_line)

    def read(self, source: Source) -> Iterator[Message | Skipped]:
        yield from read_each(
            source,
            functools.partial(_read_entry, source),
            accept=looks_like_line,
            not_ours="not a LINE chat export; not read",
        )
