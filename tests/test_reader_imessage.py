"""iMessage reader (imessage-exporter txt): goldens, block parsing, sniffing, robustness."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.model import ConversationKind, Message, MessageKind, Skipped
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
IM = FIXTURES / "imessage"
EXPORT = IM / "export"
ROOT = str(FIXTURES) + "/"
DM = EXPORT / "+15555550123.txt"
GROUP = EXPORT / "Book Club - 12.txt"
UNNAMED = EXPORT / "jane.roe@example.com, +15555550199.txt"

READER = IMessageReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def messages(items: list[Message | Skipped]) -> list[Message]:
    return [m for m in items if isinstance(m, Message)]


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in messages(items)}


# --- goldens ----------------------------------------------------------------------------


def test_golden_export_folder(update_goldens: bool) -> None:
    items = read(EXPORT)
    assert not [i for i in items if isinstance(i, Skipped)]  # empty orphaned.txt, attachments/: silent
    assert_golden("imessage_export", items, update_goldens, root=ROOT)


def test_golden_zip(tmp_path: Path, update_goldens: bool) -> None:
    path = tmp_path / "imessage-export.zip"
    zip_tree(EXPORT, path)
    source = Source.open(path)
    assert READER.sniff(source)
    items = list(READER.read(source))
    assert_golden("imessage_export_zip", items, update_goldens, root=str(tmp_path) + "/")
    assert [(m.message_id, m.text) for m in messages(items)] == [
        (m.message_id, m.text) for m in messages(read(EXPORT))
    ]


# --- behaviour --------------------------------------------------------------------------


def test_dm_blocks() -> None:
    msgs = by_id(read(DM))
    assert list(msgs) == ["L1", "L5", "L13", "L21", "L26", "L32", "L37", "L42", "L49"]
    first = msgs["L1"]
    assert (first.author.name, first.text) == ("+15555550123", "Hi, are you coming tomorrow?")
    assert first.timestamp == datetime(2023, 1, 5, 9, 2, 11) and first.timestamp_naive
    assert first.location.endswith("+15555550123.txt:1")
    conv = first.conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "+15555550123",
        "+15555550123",
        ConversationKind.DM,
        2,
    )
    assert conv.members == ("+15555550123", "Me")


def test_annotations_are_not_message_text() -> None:
    msgs = by_id(read(DM))
    ticket = msgs["L5"]
    assert ticket.text == "Yes! Here is the ticket\nattachments/1/IMG_0001.jpeg"  # no "Tapbacks:" block
    att = ticket.attachments[0]
    assert (att.name, att.mime) == ("IMG_0001.jpeg", "image/jpeg")
    assert att.path is None and att.size is None  # a single-file source has no attachments folder
    assert msgs["L32"].deleted and msgs["L32"].text == "My passport number is X0000000 (fake)"
    missing = msgs["L37"]
    assert missing.attachments[0].name == "" and missing.timestamp == datetime(2023, 1, 8, 0, 0, 1)
    assert msgs["L42"].text == "Address:\n1 Example Street\n\nSpringfield"  # a blank line inside the text
    assert msgs["L49"].deleted and msgs["L49"].edited


def test_threaded_reply_is_read_once_and_linked() -> None:
    msgs = by_id(read(DM))
    parent, reply = msgs["L13"], msgs["L21"]
    assert parent.text == "Great, my door code is 4711"  # the inline (indented) copy is left out
    assert parent.timestamp == datetime(2023, 1, 5, 10, 23, 45)  # read receipt not part of the date
    assert (reply.text, reply.reply_to, reply.thread_id, reply.author.name) == (
        "Noted, see you",
        "L13",
        "L13",
        "Me",
    )
    assert sum("Noted, see you" in m.text for m in msgs.values()) == 1


def test_edit_history_stays_in_the_text() -> None:
    edited = by_id(read(DM))["L26"]
    assert edited.edited
    assert edited.text == "Jan 06, 2023  8:00:00 PM Meet at 7\nEdited 1 minute later: Meet at 8, gate B"
    assert edited.timestamp == datetime(2023, 1, 6, 20, 0)


def test_group_announcements_and_names() -> None:
    msgs = by_id(read(GROUP))
    assert list(msgs) == ["L1", "L3", "L5", "L9", "L13", "L17"]
    renamed = msgs["L1"]
    assert renamed.kind is MessageKind.SYSTEM and renamed.author.name == "Me"
    assert renamed.text == "You renamed the conversation to Book Club"
    assert msgs["L17"].author.name == "Bob Loe" and msgs["L17"].kind is MessageKind.SYSTEM
    assert msgs["L13"].timestamp == datetime(2023, 2, 1, 18, 3)
    conv = msgs["L5"].conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "Book Club - 12",
        "Book Club",
        ConversationKind.GROUP,
        None,
    )
    assert conv.members == ("Alice Moe", "Bob Loe", "Me")
    unnamed = messages(read(UNNAMED))[0].conversation
    assert (unnamed.kind, unnamed.member_count) == (ConversationKind.GROUP, 3)
    assert unnamed.members == ("+15555550199", "jane.roe@example.com")


def test_truncated_participant_list(tmp_path: Path) -> None:
    path = tmp_path / "Ann, Ben, and 4 others.txt"
    path.write_text("Mar 03, 2023 11:59:59 PM\nAnn\nhi\n\n", "utf-8")
    conv = messages(read(path))[0].conversation
    assert (conv.kind, conv.member_count) == (ConversationKind.GROUP, 7)


def test_attachments_in_the_export_folder() -> None:
    dm = [m for m in read(EXPORT) if isinstance(m, Message) and m.conversation.id == "+15555550123"]
    att = by_id(list(dm))["L5"].attachments[0]
    assert (att.path, att.size) == ("attachments/1/IMG_0001.jpeg", len(b"\xff\xd8 not really a jpeg"))


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DM, GROUP, UNNAMED, EXPORT], ids=lambda p: p.name)
def test_sniff_claims(path: Path) -> None:
    assert READER.sniff(Source.open(path))


@pytest.mark.parametrize("path", other_fixture_paths("imessage", deep=False), ids=fixture_id)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert_refuses(READER, path)


@pytest.mark.parametrize("path", [DM, GROUP, UNNAMED, EXPORT, IM], ids=lambda p: p.name)
def test_other_readers_refuse_imessage(path: Path) -> None:
    source = Source.open(path)
    for reader in (WhatsAppReader(), SignalReader(), LanyingReader()):
        assert not reader.sniff(source), reader.name


def test_sniff_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DM.read_text("utf-8"), "utf-8")
    (tmp_path / "notes.md").write_text("notes\n", "utf-8")
    assert not READER.sniff(Source.open(tmp_path))


def test_sniff_needs_a_sender_line(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("May 17, 2022  5:29:42 PM\n\nhello\n", "utf-8")
    assert not READER.sniff(Source.open(path))


# --- robustness ---------------------------------------------------------------------------


def test_truncated_file_after_a_date_line(tmp_path: Path) -> None:
    path = tmp_path / "Jane Roe.txt"
    text = DM.read_text("utf-8")
    cut = text.index("\n", text.index("Jan 05, 2023 10:23:45 AM")) + 1
    path.write_text(text[:cut], "utf-8")  # the file ends right after a date line
    items = read(path)
    assert [m.message_id for m in messages(items)] == ["L1", "L5"]
    assert isinstance(items[-1], Skipped)
    assert items[-1].location.endswith("Jane Roe.txt:13") and "sender" in items[-1].reason


def test_stray_lines_are_reported_without_content(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("secret preamble\n\nMay 17, 2022  5:29:42 PM\nMe\nhello\n", "utf-8")
    items = read(path)
    assert isinstance(items[0], Skipped) and items[0].location.endswith("x.txt:1")
    assert "secret" not in items[0].reason
    assert [m.text for m in messages(items)] == ["hello"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_or_reader_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(data)
    read_any(READER, path)


_LINES = st.sampled_from(
    [
        "May 17, 2022  5:29:42 PM",
        "May 17, 2022 10:29:42 AM (Read by you after 1 minute)",
        "    May 17, 2022  5:30:00 PM",
        "Feb 30, 2023  6:00:00 PM You left the conversation.",
        "Me",
        "    Me",
        "",
        "Tapbacks:",
        "Loved by Me",
        "This message responded to an earlier message.",
        "This message was deleted from the conversation!",
        "attachments/1/x.jpeg",
        "Attachment missing!",
        "text",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINES, max_size=20))
def test_block_like_text_gives_messages_or_reader_error(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "Ann.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    read_any(READER, path)
