"""What WeChatMsg and MemoTrace records hold, whatever the file format: type codes, times,
authors, recall notices, and the encodings of a Chinese application's exports."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from scanner.model import Conversation
from scanner.readers.base import (
    CHINESE_ENCODINGS,
    EPOCH_MS_FROM,
    SNIFF_TEXT_BYTES,
    Entry,
    detect_encoding,
    dm_or_group,
    location_name,
)

PLATFORM = "wechat"

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
RECALLED = "撤回了一条消息"

MAX_AUTHORS = 4096


def encoding_of(head: bytes) -> str:
    """WeChat exports are Chinese: valid GB18030 beats charset-normalizer's other guesses."""
    return detect_encoding(head, CHINESE_ENCODINGS)


def raw_lines(entry: Entry, encoding: str) -> Iterator[str]:
    """Decoded lines with their line ends (for the csv module), a BOM dropped."""
    fh = entry.open()
    with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
        for n, raw in enumerate(text):
            yield raw.lstrip("\ufeff") if n == 0 else raw


def epoch_time(value: Any) -> datetime | None:
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


def local_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")  # no zone in the export
    except ValueError:
        return None


def int_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,20}", value.strip()):
        return int(value.strip())
    return None


def chat_name(entry: Entry) -> str:
    stem = PurePosixPath(location_name(entry.location)).stem
    return stem.removesuffix("_utf8") or stem


@dataclass(slots=True)
class Authors:
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


def recalled(system: bool, text: str) -> bool:
    return system and RECALLED in text


def head_and_encoding(entry: Entry, n: int = SNIFF_TEXT_BYTES) -> tuple[str, str]:
    head = entry.head(n)
    enc = encoding_of(head[:SNIFF_TEXT_BYTES])
    return head.decode(enc, errors="replace").lstrip("\ufeff"), enc
