"""Signal reader: goldens over synthetic sigexport trees and transcripts, sniffing, robustness."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers import signal
from scanner.readers.base import Source
from scanner.readers.imessage import IMessageReader
from scanner.readers.lanying import LanyingReader
from scanner.readers.signal import SignalReader
from scanner.readers.whatsapp import WhatsAppReader
from tests.golden import assert_golden
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_refuses,
    fixture_id,
    other_fixture_paths,
    read_any,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SIG = FIXTURES / "signal"
ROOT = str(FIXTURES) + "/"
EXPORT = SIG / "export"
TRANSCRIPT = SIG / "Jane Roe.txt"

READER = SignalReader()
# Fixtures of other formats that look like a Signal transcript on purpose.
SIGNAL_LIKE = {FIXTURES / "whatsapp" / "negatives" / "signal.txt"}


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped], conversation: str | None = None) -> dict[str, Message]:
    return {
        m.message_id: m
        for m in messages(items)
        if conversation is None or m.conversation.name == conversation
    }


# --- goldens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("transcript", TRANSCRIPT),
        ("export", EXPORT),
        ("index_md", SIG / "old"),
        ("data_json", SIG / "data_only"),
    ],
)
def test_golden(name: str, path: Path, update_goldens: bool) -> None:
    items = read(path)
    assert items
    assert_golden(f"signal_{name}", items, update_goldens, root=ROOT)


@pytest.fixture
def export_zip(tmp_path: Path) -> Path:
    """The export folder zipped as one would hand it over: under a wrapping folder."""
    path = tmp_path / "signal-export.zip"
    zip_tree(EXPORT, path, "signal-export/")
    return path


def test_golden_zip(export_zip: Path, tmp_path: Path, update_goldens: bool) -> None:
    source = Source.open(export_zip)
    assert READER.sniff(source)
    items = list(READER.read(source))
    assert_golden("signal_export_zip", items, update_goldens, root=str(tmp_path) + "/")
    folder = by_id(read(EXPORT), "Alice Moe")
    zipped = by_id(items, "Alice Moe")
    assert [(m.message_id, m.text, m.timestamp) for m in zipped.values()] == [
        (m.message_id, m.text, m.timestamp) for m in folder.values()
    ]
    photo = zipped["L5"].attachments[0]
    assert photo.path == "signal-export/Alice Moe/media/2023-01-05T10-25-00.000_00_IMG_0001.jpg"
    assert photo.size == len(b"\xff\xd8\xff\xe0 not really a jpeg")


# --- behaviour --------------------------------------------------------------------------


def test_transcript_continuations_and_kinds() -> None:
    msgs = by_id(read(TRANSCRIPT))
    assert list(msgs) == ["L1", "L2", "L5", "L6", "L7"]
    # A line of another header shape (no comma) continues the message above.
    assert msgs["L2"].text == (
        "Thanks\ncould you send it anyway?\n"
        "[2021-01-01 00:00] Old Name: a pasted line in another shape stays a continuation"
    )
    assert msgs["L5"].text == "[2021-01-01, 00:00] is when we moved in"
    assert msgs["L6"].kind is MessageKind.SYSTEM  # a call notice
    assert msgs["L7"].text == "电话 13800000000 (fake), 住址: 示例路1号\n\nthat was all"
    assert msgs["L1"].timestamp == datetime(2022, 3, 1, 9, 15)
    assert msgs["L1"].timestamp_naive
    conv = msgs["L1"].conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "Jane Roe",
        "Jane Roe",
        ConversationKind.DM,
        2,
    )


def test_sigexport_markdown() -> None:
    items = read(EXPORT)
    assert not [i for i in items if isinstance(i, Skipped)]  # style.css, index.html, media: not reported
    dm = by_id(items, "Alice Moe")
    assert list(dm) == ["L1", "L3", "L5", "L7", "L9", "L16", "L18", "L20"]  # chat.md, not data.json
    assert dm["L1"].text == "Hi! Are we still on for Friday?"  # markdown hard break and blank line dropped
    assert dm["L1"].timestamp == datetime(2023, 1, 5, 10, 23, 45)
    pdf = dm["L7"].attachments[0]
    assert (pdf.name, pdf.path, pdf.mime) == (
        "2023-01-05T10-26-00.000_00_Lease draft.pdf",
        "Alice Moe/media/2023-01-05T10-26-00.000_00_Lease draft.pdf",
        "application/pdf",
    )
    assert dm["L9"].text.startswith("\n\n> Yes. My new number")  # the quote stays in the text
    assert dm["L16"].deleted and dm["L16"].text == "(This message was deleted)"
    assert dm["L18"].kind is MessageKind.SYSTEM
    assert dm["L20"].text == "Multi-line\nfirst line\nsecond line"
    group = by_id(items, "Book Club")
    assert group["L1"].kind is MessageKind.SYSTEM and group["L1"].text == ""  # No-Sender group update
    conv = group["L3"].conversation
    assert (conv.kind, conv.member_count) == (ConversationKind.GROUP, 4)
    assert conv.members == ("Alice Moe", "Bob Loe", "Carol Zoe", "Me")


def test_data_json_is_read_only_without_a_transcript() -> None:
    msgs = by_id(read(SIG / "data_only"))
    assert list(msgs) == ["data.json#1", "data.json#2", "data.json#3", "data.json#4"]
    assert msgs["data.json#1"].attachments[0].size == len(b"%PDF-1.4 form")
    assert msgs["data.json#2"].deleted
    assert msgs["data.json#3"].kind is MessageKind.SYSTEM  # "call": true
    assert msgs["data.json#4"].text == "Call me back please"


def test_chat_md_alone_is_named_after_its_folder(tmp_path: Path) -> None:
    source = Source.open(EXPORT / "Alice Moe" / "chat.md")
    assert READER.sniff(source)
    assert {m.conversation.name for m in messages(list(READER.read(source)))} == {"Alice Moe"}
    folder = tmp_path / "Alice Moe"
    shutil.copytree(EXPORT / "Alice Moe", folder)
    assert READER.sniff(Source.open(folder))
    assert by_id(read(folder))["L5"].attachments[0].path == "media/2023-01-05T10-25-00.000_00_IMG_0001.jpg"


def test_oversized_message_is_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signal, "MAX_MESSAGE_CHARS", 20)
    path = tmp_path / "chat.txt"
    path.write_text("[2022-03-01, 09:15] A: start\n" + "".join(f"line {i:04}\n" for i in range(6)), "utf-8")
    msgs = messages(read(path))
    assert len(msgs) > 1 and {m.author.name for m in msgs} == {"A"}
    assert "\n".join(m.text for m in msgs) == "start\n" + "\n".join(f"line {i:04}" for i in range(6))


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        TRANSCRIPT,
        EXPORT,
        EXPORT / "Alice Moe",
        EXPORT / "Book Club" / "chat.md",
        SIG / "old",
        SIG / "data_only",
        SIG / "data_only" / "Carol Zoe" / "data.json",
        *SIGNAL_LIKE,
    ],
    ids=fixture_id,
)
def test_sniff_claims(path: Path) -> None:
    assert READER.sniff(Source.open(path))


def _other_fixtures() -> list[Path]:
    """Every file and first-level folder of the other formats' fixtures."""
    return [p for p in other_fixture_paths("signal", deep=False) if p not in SIGNAL_LIKE]


@pytest.mark.parametrize("path", _other_fixtures(), ids=fixture_id)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


@pytest.mark.parametrize(
    "path",
    [TRANSCRIPT, EXPORT, EXPORT / "Alice Moe", SIG / "old", SIG / "data_only", SIG],
    ids=fixture_id,
)
def test_other_readers_refuse_signal(path: Path) -> None:
    source = Source.open(path)
    for reader in (WhatsAppReader(), IMessageReader(), LanyingReader()):
        assert not reader.sniff(source), reader.name


def test_sniff_leaves_mixed_folders_to_be_split(tmp_path: Path) -> None:
    shutil.copy(TRANSCRIPT, tmp_path / "Jane Roe.txt")
    (tmp_path / "notes.txt").write_text("just notes\n", "utf-8")
    assert not READER.sniff(Source.open(tmp_path))
    assert not READER.sniff(Source.open(SIG))  # several exports side by side


def test_whatsapp_style_seconds_in_txt_are_not_claimed(tmp_path: Path) -> None:
    """ISO-dated bracketed headers with seconds in a .txt are WhatsApp's (iOS) shape."""
    path = tmp_path / "chat.txt"
    path.write_text("[2019-12-24, 12:23:45] Jane Doe: hi\n", "utf-8")
    assert not READER.sniff(Source.open(path))
    md = tmp_path / "chat.md"
    md.write_text("[2019-12-24 12:23:45] Jane Doe: hi\n", "utf-8")
    assert READER.sniff(Source.open(md))


# --- robustness ---------------------------------------------------------------------------


def test_preamble_is_skipped_with_its_location(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("garbage\nmore\n[2022-03-01, 09:15] A: hello\n", "utf-8")
    items = read(path)
    assert isinstance(items[0], Skipped)
    assert items[0].location.endswith("chat.txt:1") and "garbage" not in items[0].reason
    assert [m.text for m in messages(items)] == ["hello"]


def test_truncated_data_json(tmp_path: Path) -> None:
    folder = tmp_path / "Carol Zoe"
    folder.mkdir()
    data = (SIG / "data_only" / "Carol Zoe" / "data.json").read_bytes()
    (folder / "data.json").write_bytes(data[: data.rindex(b"Call me") + 4])
    items = read(folder)
    assert [m.message_id for m in messages(items)] == ["data.json#1", "data.json#2", "data.json#3"]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].location.endswith("data.json:4")
    assert "Call" not in skipped[0].reason


def test_forced_read_of_a_non_export(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("nothing here\n", "utf-8")
    items = read(path)
    assert len(items) == 1 and isinstance(items[0], Skipped) and "nothing" not in items[0].reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES, suffix=st.sampled_from([".txt", ".md", ".json"]))
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"chat{suffix}"
    path.write_bytes(data)
    read_any(READER, path)


_HEADERISH = st.sampled_from(
    ["[2023-01-05 10:23:45] ", "[2019-12-24, 12:23] ", "[2020-13-45 25:61] ", "[0000-00-00 00:00] ", ""]
)
_BODY = st.lists(
    st.sampled_from([*"ab :\n\r![]().-", "Me: ", "No-Sender: ", "(This message was deleted)", "](./media/x"]),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(_HEADERISH, _BODY), max_size=12))
def test_header_like_text_gives_messages_or_reader_error(
    tmp_path: Path, lines: list[tuple[str, str]]
) -> None:
    path = tmp_path / "chat.md"
    path.write_text("\n".join(h + b for h, b in lines), encoding="utf-8")
    read_any(READER, path)
