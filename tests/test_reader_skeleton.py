"""The reader skeleton across formats: a first record longer than any sniff window is still
detected, and in any folder or zip layout every good entry is read and every broken one is
skipped with its location."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import Message, Skipped
from scanner.readers import detect
from scanner.readers.base import Entry, Source
from scanner.readers.line import LineReader

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Longer than every window a sniffer reads (64 KiB heads, 1 MiB JSON windows).
LONG = "x" * (10 * 1024 * 1024)


def _pad_line(path: Path, marker: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert marker in text
    path.write_text(text.replace(marker, f"{marker} {LONG}", 1), encoding=encoding)


def _pad_json(key: str) -> Callable[[Path], None]:
    def pad(path: Path) -> None:
        doc = json.loads(path.read_text(encoding="utf-8"))

        def walk(o: object) -> bool:
            if isinstance(o, dict):
                if isinstance(o.get(key), str) and o[key]:
                    o[key] += " " + LONG
                    return True
                return any(walk(v) for v in o.values())
            return isinstance(o, list) and any(walk(v) for v in o)

        assert walk(doc)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    return pad


def _pad_json_lines(key: str) -> Callable[[Path], None]:
    def pad(path: Path) -> None:
        lines = path.read_text(encoding="utf-8").split("\n")
        first = json.loads(lines[0])
        first[key] += " " + LONG
        lines[0] = json.dumps(first, ensure_ascii=False)
        path.write_text("\n".join(lines), encoding="utf-8")

    return pad


def _pad_html(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'("text"\s*:\s*")', lambda m: m.group(1) + LONG, page, count=1), encoding="utf-8")


# fixture → (the file inside it to pad, "" for the fixture itself; how to pad it)
LONG_FIRST_RECORDS = {
    "googlechat": (
        "googlechat/Takeout",
        "Google Chat/Groups/DM a1b2c3AAAAE/messages.json",
        _pad_json("text"),
    ),
    "hangouts": ("googlechat/hangouts_2015/Hangouts.json", "", _pad_json("text")),
    "messenger": (
        "meta/facebook-janeplaceholder-2024-03-05",
        "your_facebook_activity/messages/inbox/falconteam_9876543210/message_1.json",
        _pad_json("content"),
    ),
    "matrix": ("matrix/matrix-Project Falcon-export-2024-03-05.json", "", _pad_json("body")),
    "rocketchat": ("rocketchat/room_export", "falcon-launch.json", _pad_json_lines("msg")),
    "rocketchat-array": ("rocketchat/messages_array.json", "", _pad_json("msg")),
    "zulip": ("zulip/zulip-export-test", "messages-000001.json", _pad_json("content")),
    "signal": ("signal/data_only", "Carol Zoe/data.json", _pad_json_lines("body")),
    "wechat-html": ("wechat/测试项目群.html", "", _pad_html),
    "wechat-txt": ("wechat/陈样例.txt", "", lambda p: _pad_line(p, "护照号")),
    "qq": ("qq/全部消息记录.txt", "", lambda p: _pad_line(p, ")", "utf-8-sig")),
    "line": ("line/[LINE] Chat with Mika Test.txt", "", lambda p: _pad_line(p, "Hi Jane")),
    "imessage": ("imessage/export", "+15555550123.txt", lambda p: _pad_line(p, "are you coming")),
    # Formats whose sniffers use the toolkit's first-value and first-line readers.
    "discord": (
        "discord/export",
        "Direct Messages - Private - Rob Example [900000000000000033].json",
        _pad_json("content"),
    ),
    "teams": (
        "teams/export",
        "teams/00000000-0000-4000-8000-00000000700a/messages_00000000-0000-4000-8000-00000000700a.json",
        _pad_json("Content"),
    ),
    "slack": ("slack/export", "general/2024-03-04.json", _pad_json("text")),
    "telegram": ("telegram/ChatExport_2024-03-05", "result.json", _pad_json("text")),
    "lanying": ("lanying/response.json", "", _pad_json("content")),
    "jsonl": ("generic/messages.jsonl", "", _pad_json_lines("text")),
    "whatsapp": (
        "whatsapp/WhatsApp Chat with Jane Roe.txt",
        "",
        lambda p: _pad_line(p, "Ready for the trip"),
    ),
}


@pytest.mark.parametrize("case", sorted(LONG_FIRST_RECORDS))
def test_a_first_record_longer_than_the_sniff_window_is_detected(case: str, tmp_path: Path) -> None:
    fixture, inner, pad = LONG_FIRST_RECORDS[case]
    src = FIXTURES / fixture
    expected = [reader.name for _, reader in detect(src)[0]]
    copy = tmp_path / src.name
    if src.is_dir():
        shutil.copytree(src, copy)
    else:
        shutil.copy(src, copy)
    pad(copy / inner if inner else copy)
    found, skipped = detect(copy)
    assert [reader.name for _, reader in found] == expected
    assert skipped == []


# --- any layout, broken entries among good ones ------------------------------------------


def _chat(n: int, messages: int) -> bytes:
    lines = [f"[LINE] Chat history with Person {n}", "Saved on: 2023/01/06 09:00", "", "2023/01/05(Thu)"]
    lines += [f"10:{m:02d}\tPerson {n}\tmessage {m} of chat {n}" for m in range(messages)]
    return ("\n".join(lines) + "\n").encode()


def _failing_opener(data: bytes, after: int | None) -> Callable[[], IO[bytes]]:
    """Opens to ``data`` and fails with an I/O error after ``after`` bytes (None: at once)."""

    class Failing(io.RawIOBase):
        def __init__(self) -> None:
            self.pos = 0

        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            if after is not None and self.pos >= after:
                raise OSError(5, "Input/output error")
            n = min(len(b), len(data) - self.pos, (after or len(data)) - self.pos)
            b[:n] = data[self.pos : self.pos + n]
            self.pos += n
            return n

    def opener() -> IO[bytes]:
        if after is None:
            raise PermissionError(13, "Permission denied")
        return io.BufferedReader(Failing(), buffer_size=64)

    return opener


_names = st.lists(
    st.lists(st.sampled_from(["a", "b", "chats", "2023", "日本"]), min_size=0, max_size=2),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    folders=_names,
    broken=st.lists(st.sampled_from([None, 0, 40, 200]), min_size=8, max_size=8),
    sizes=st.lists(st.integers(1, 6), min_size=8, max_size=8),
    kind=st.sampled_from(["dir", "zip"]),
)
def test_every_good_entry_is_read_and_every_broken_one_skipped_where_it_is(
    folders: list[list[str]], broken: list[int | None], sizes: list[int], kind: str
) -> None:
    entries: list[Entry] = []
    good: dict[str, int] = {}
    bad: set[str] = set()
    for i, parts in enumerate(folders):
        name = "/".join([*parts, f"[LINE] Chat {i}.txt"])
        data = _chat(i, sizes[i])
        location = f"/in/{name}" if kind == "dir" else f"/in.zip!{name}"
        cut = broken[i]
        if cut is None:
            entries.append(Entry(name, location, len(data), lambda d=data: io.BytesIO(d)))
            good[location] = sizes[i]
        else:
            after = None if cut == 0 else min(cut, len(data) - 1)
            entries.append(Entry(name, location, len(data), _failing_opener(data, after)))
            bad.add(location)
    source = Source(Path("/in"), entries, kind, screen=False)
    items = list(LineReader().read(source))
    read: dict[str, int] = {}
    skipped: set[str] = set()
    for item in items:
        if isinstance(item, Message):
            where = item.location.rpartition(":")[0]
            read[where] = read.get(where, 0) + 1
        else:
            skipped.add(item.location.rpartition(":")[0] if item.location not in bad else item.location)
    for location, count in good.items():
        assert read.get(location) == count
    assert bad <= skipped
    reasons = {i.reason for i in items if isinstance(i, Skipped) and i.location in bad}
    assert all(r.startswith(("read failed", "cannot read")) for r in reasons)


def test_damaged_zip_members_are_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "chats.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(3):
            zf.writestr(f"chat{i}/[LINE] Chat {i}.txt", _chat(i, 3))
    raw = bytearray(path.read_bytes())
    at = raw.index(b"message 2 of chat 1")
    raw[at : at + 7] = b"MESSAGE"  # the stored bytes no longer match the member's CRC
    path.write_bytes(bytes(raw))
    source = Source.open(path)
    items = list(LineReader().read(source))
    members = {e.name: e.location for e in source.entries()}
    for i in (0, 2):
        location = members[f"chat{i}/[LINE] Chat {i}.txt"]
        assert sum(isinstance(m, Message) and m.location.startswith(location) for m in items) == 3
    assert Skipped(members["chat1/[LINE] Chat 1.txt"], "read failed: BadZipFile") in items
