"""Rocket.Chat reader: goldens over synthetic room exports, data downloads, mongoexport dumps and
REST pages; types, threads, attachments, sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.rocketchat import RocketChatReader
from tests.golden import assert_golden, serialise
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_refuses,
    assert_refuses_written,
    fixture_id,
    other_fixture_paths,
    sniff_and_read,
    sniff_and_read_any,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RC = FIXTURES / "rocketchat"
ROOT = str(FIXTURES) + "/"
ROOM = RC / "room_export"
DOWNLOAD = RC / "data_download"
DUMP = RC / "mongo_dump"
DM_ROOM = "JaneId00000000001RobId000000000002"
READER = RocketChatReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("rocketchat_room_export", ROOM),
        ("rocketchat_data_download", DOWNLOAD),
        ("rocketchat_mongo_dump", DUMP),
        ("rocketchat_channels_history", RC / "channels_history.json"),
        ("rocketchat_messages_array", RC / "messages_array.json"),
        ("rocketchat_truncated", RC / "truncated"),
    ],
)
def test_goldens(name: str, path: Path, update_goldens: bool) -> None:
    assert_golden(name, read(path), update_goldens, root=ROOT)


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "exportFile-abc-export.zip"
    zip_tree(DOWNLOAD, archive)
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!")
    from_dir = serialise(read(DOWNLOAD), root=f"{DOWNLOAD}/")
    assert from_zip == from_dir


# --- the file export ----------------------------------------------------------------------------


def test_room_export_records() -> None:
    msgs = by_id(read(ROOM))
    join = msgs["falcon-launch.json#0"]
    assert join.kind is MessageKind.SYSTEM and join.text == "Rob Example joined the channel"
    first = msgs["falcon-launch.json#1"]
    assert first.text == "Kick-off at 14:00, dial-in +44 20 7946 0000"
    assert first.timestamp == datetime(2024, 3, 5, 10, 1, 5, 120000, tzinfo=UTC)
    assert (first.author.id, first.author.name) == ("jane.placeholder", "jane.placeholder")
    assert first.location == f"{ROOM}/falcon-launch.json:2"
    conv = first.conversation
    assert (conv.id, conv.name, conv.kind) == ("falcon-launch", "falcon-launch", ConversationKind.GROUP)
    [budget] = msgs["falcon-launch.json#3"].attachments
    assert (budget.name, budget.path) == ("budget.xlsx", "assets/Fb7nQ2xYzW3kLmP9a-budget.xlsx")
    [photo] = msgs["falcon-launch.json#4"].attachments
    assert (photo.name, photo.size, photo.mime, photo.path) == ("whiteboard.png", 48213, "image/png", None)
    assert msgs["falcon-launch.json#5"].kind is MessageKind.SYSTEM  # room renamed


def test_data_download_rooms_from_channels_json() -> None:
    items = read(DOWNLOAD)
    assert not [s for s in items if isinstance(s, Skipped)]  # user.json, avatar, empty room: not messages
    msgs = by_id(items)
    general = msgs["general.json#1"].conversation
    assert (general.id, general.name, general.kind) == ("GENERAL", "general", ConversationKind.CHANNEL)
    dm = msgs[f"{DM_ROOM}.json#0"]
    assert (dm.conversation.id, dm.conversation.kind) == (DM_ROOM, ConversationKind.DM)
    # other users are pseudonymised by Rocket.Chat; kept as written
    assert msgs["general.json#1"].author.name == "User_1"
    assert [a.path for a in msgs[f"{DM_ROOM}.json#1"].attachments] == [
        "assets/Rc0000000000000001-receipt.pdf"
    ]
    assert [
        m.kind for m in items if isinstance(m, Message) and m.location.startswith(f"{DOWNLOAD}/general")
    ] == [
        MessageKind.SYSTEM,
        MessageKind.USER,
        MessageKind.USER,
        MessageKind.SYSTEM,
    ]


# --- the database dump ----------------------------------------------------------------------------


def test_dump_ids_users_rooms_and_times() -> None:
    msgs = by_id(read(DUMP))
    root = msgs["msg001aaaaaaaaaaa"]
    assert (root.author.id, root.author.name) == ("JaneId00000000001", "Jane Placeholder")
    assert root.timestamp == datetime(2024, 3, 5, 10, 31, tzinfo=UTC)
    conv = root.conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "GENERAL",
        "general",
        ConversationKind.CHANNEL,
        3,
    )
    private = msgs["msg009aaaaaaaaaaa"].conversation
    assert (private.name, private.kind) == ("Project Falcon 🚀", ConversationKind.GROUP)
    dm = msgs["msg010aaaaaaaaaaa"].conversation
    assert (dm.kind, dm.members, dm.member_count) == (
        ConversationKind.DM,
        ("jane.placeholder", "rob.example"),
        2,
    )
    # {"$date": {"$numberLong": ms}}, and a room the dump does not list
    late = msgs["msg011aaaaaaaaaaa"]
    assert late.timestamp == datetime(2024, 3, 5, 10, 11, tzinfo=UTC)
    assert (late.conversation.id, late.conversation.kind) == ("NoRoomInDump00001", ConversationKind.GROUP)


def test_dump_threads_quotes_edits_and_types() -> None:
    msgs = by_id(read(DUMP))
    assert msgs["msg001aaaaaaaaaaa"].thread_id == "msg001aaaaaaaaaaa"  # a root with replies
    reply = msgs["msg002aaaaaaaaaaa"]
    assert (reply.thread_id, reply.reply_to) == ("msg001aaaaaaaaaaa", "msg001aaaaaaaaaaa")
    assert msgs["msg003aaaaaaaaaaa"].edited and not reply.edited
    history = msgs["msg004aaaaaaaaaaa"]  # an older version of msg003
    assert (history.kind, history.edited, history.reply_to, history.text) == (
        MessageKind.SYSTEM,
        True,
        "msg003aaaaaaaaaaa",
        "Rotate",
    )
    quote = msgs["msg006aaaaaaaaaaa"]
    assert (quote.reply_to, quote.attachments) == ("msg001aaaaaaaaaaa", ())
    removed = msgs["msg007aaaaaaaaaaa"]
    assert (removed.deleted, removed.kind) == (True, MessageKind.USER)
    encrypted = msgs["msg008aaaaaaaaaaa"]
    assert encrypted.kind is MessageKind.USER  # t: e2e
    assert msgs["msg000aaaaaaaaaaa"].kind is MessageKind.SYSTEM  # uj
    assert msgs["msg009aaaaaaaaaaa"].kind is MessageKind.SYSTEM  # message_pinned


def test_dump_files_are_not_counted_twice() -> None:
    [contract] = by_id(read(DUMP))["msg005aaaaaaaaaaa"].attachments
    assert (contract.name, contract.size, contract.mime, contract.path) == (
        "合同扫描.pdf",
        18234,
        "application/pdf",
        None,
    )


def test_rest_pages_and_arrays() -> None:
    page = by_id(read(RC / "channels_history.json"))
    reply = page["ApiMsg00000000002"]
    assert (reply.thread_id, reply.reply_to) == ("ApiMsg00000000001", "ApiMsg00000000001")
    assert reply.location == f"{RC}/channels_history.json#/messages/1"
    array = [m for m in read(RC / "messages_array.json") if isinstance(m, Message)]
    assert [m.message_id for m in array] == ["msg001aaaaaaaaaaa", "msg002aaaaaaaaaaa", "msg003aaaaaaaaaaa"]
    assert array[2].location == f"{RC}/messages_array.json#/2"


# --- malformed input --------------------------------------------------------------------------------


def test_truncated_lines_keep_what_came_before() -> None:
    items = read(RC / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)] == ["general.json#0", "general.json#1"]
    assert items[-1] == Skipped(f"{RC}/truncated/general.json:3", "invalid JSON at column 8")


def test_a_broken_line_in_the_middle_is_skipped(tmp_path: Path) -> None:
    lines = (DOWNLOAD / "general.json").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "general.json"
    path.write_text(
        "\n".join([lines[0], lines[1], '{"msg": "cut', "[1, 2]", lines[2]]) + "\n", encoding="utf-8"
    )
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Message", "Message", "Skipped", "Skipped", "Message"]
    assert items[2] == Skipped(f"{path}:3", "invalid JSON at column 13")
    assert items[3] == Skipped(f"{path}:4", "record is not an object")
    assert [m.message_id for m in items if isinstance(m, Message)] == [
        "general.json#0",
        "general.json#1",
        "general.json#4",  # the broken lines keep their numbers
    ]


def test_truncated_array_keeps_what_came_before(tmp_path: Path) -> None:
    text = (RC / "messages_array.json").read_text(encoding="utf-8")
    path = tmp_path / "rocketchat_message.json"
    path.write_text(text[: text.index('"Rotated.')], encoding="utf-8")
    items = read(path)
    assert [m.message_id for m in items if isinstance(m, Message)] == [
        "msg001aaaaaaaaaaa",
        "msg002aaaaaaaaaaa",
    ]
    assert items[-1] == Skipped(str(path), "invalid or truncated JSON after 2 messages")


def test_bom_and_utf16_are_decoded(tmp_path: Path) -> None:
    text = (DOWNLOAD / "general.json").read_text(encoding="utf-8")
    for enc in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{enc}.json"
        path.write_text(text, encoding=enc)
        source = Source.open(path)
        assert READER.sniff(source)
        assert by_id(list(READER.read(source)))[f"{enc}.json#2"].text.startswith("Welcome!")
        assert source.encodings == {enc}


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    path = tmp_path / "rocketchat_message.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    assert read(path) == [Skipped(str(path), "JSON nested deeper than 256 levels after 0 messages")]


def test_folder_without_message_files_is_an_error(tmp_path: Path) -> None:
    shutil.copy(DOWNLOAD / "user.json", tmp_path / "user.json")
    with pytest.raises(ReaderError):
        list(READER.read(Source.open(tmp_path)))


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ROOM,
        ROOM / "falcon-launch.json",
        DOWNLOAD,
        DOWNLOAD / "general.json",
        DUMP,
        DUMP / "rocketchat_message.json",
        RC / "channels_history.json",
        RC / "messages_array.json",
        RC / "truncated",
    ],
    ids=fixture_id,
)
def test_sniff_claims_rocketchat(path: Path) -> None:
    assert READER.sniff(Source.open(path))


@pytest.mark.parametrize(
    "path",
    [
        DOWNLOAD / "channels.json",
        DOWNLOAD / "user.json",
        DOWNLOAD / "project-falcon.json",
        DUMP / "rocketchat_room.json",
        DUMP / "users.json",
    ],
    ids=fixture_id,
)
def test_sniff_leaves_metadata_files_alone(path: Path) -> None:
    assert not READER.sniff(Source.open(path))


@pytest.mark.parametrize("path", other_fixture_paths("rocketchat"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    assert_refuses(READER, path)


NOT_ROCKETCHAT = {
    "generic.jsonl": json.dumps(
        {"id": "1", "conversation": "c", "author": "a", "ts": 1, "text": "x", "msg": "y"}
    ),
    "mattermost.jsonl": json.dumps({"type": "post", "post": {"team": "t", "channel": "c", "message": "m"}}),
    "username_and_more.jsonl": '{"msg": "x", "username": "u", "ts": "2024-01-01T00:00:00Z", "room": "r"}\n',
    "no_ts.json": '[{"msg": "x", "u": {"_id": "1"}}]',
    "telegram.json": json.dumps(
        {"name": "x", "type": "personal_chat", "messages": [{"id": 1, "type": "message"}]}
    ),
    "other_messages.json": json.dumps({"messages": [{"msg": "x", "ts": 1, "user": "u"}], "success": True}),
    "falcon.html": '<meta http-equiv="content-type" content="text/html"><p><strong>u</strong></p>',
}


@pytest.mark.parametrize("name", sorted(NOT_ROCKETCHAT))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_ROCKETCHAT[name], READER)


def test_sniff_refuses_a_folder_with_other_things(tmp_path: Path) -> None:
    shutil.copytree(ROOM, tmp_path / "export")
    assert READER.sniff(Source.open(tmp_path / "export"))
    (tmp_path / "export" / "notes.txt").write_text("not part of the export", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path / "export"))


# --- fuzzing ------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(READER, "general.json", data)


RCISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    *("_id", "rid", "msg", "ts", "u", "username", "name", "t", "type", "tmid", "tcount"),
                    *("editedAt", "file", "files", "attachments", "size", "title", "title_link", "fileId"),
                    *("fileName", "message_link", "image_size", "$date", "$numberLong", "_hidden", "parent"),
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=16,
)


@settings(max_examples=200, deadline=None)
@given(records=st.lists(RCISH, max_size=5), cut=st.integers(min_value=0))
def test_any_rocketchat_shaped_json_gives_messages_skips_or_reader_error(
    records: list[object], cut: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (
            ("lines.json", "\n".join(json.dumps(r) for r in records)),
            ("array.json", json.dumps(records)),
            ("page.json", json.dumps({"messages": records, "success": True})),
        ):
            path = Path(tmp) / name
            path.write_text(text[: cut % (len(text) + 1)], encoding="utf-8")
            sniff_and_read(READER, path)
