"""Discord reader: goldens over synthetic DiscordChatExporter JSON and CSV, sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.discord import DiscordReader
from scanner.readers.generic import CsvReader, JsonlReader
from scanner.readers.locale_dates import locale_time as _csv_time
from scanner.readers.slack import SlackReader
from scanner.readers.telegram import TelegramReader
from tests.golden import assert_golden, serialise
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_none_claim,
    assert_refuses,
    assert_refuses_written,
    fixture_id,
    json_like,
    other_fixture_paths,
    sniff_and_read_any,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DISCORD = FIXTURES / "discord"
EXPORT = DISCORD / "export"
GENERAL = "Example Guild - Text Channels - general [900000000000000011]"
READER = DiscordReader()
CET = timezone(timedelta(hours=1))


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens --------------------------------------------------------------------------


def test_json_export_golden(update_goldens: bool) -> None:
    assert_golden("discord_export", read(EXPORT), update_goldens, root=str(DISCORD))


def test_csv_golden(update_goldens: bool) -> None:
    assert_golden("discord_csv", read(DISCORD / "csv"), update_goldens, root=str(DISCORD))


def test_csv_day_first_golden(update_goldens: bool) -> None:
    assert_golden("discord_csv_day_first", read(DISCORD / "csv_day_first"), update_goldens, root=str(DISCORD))


def test_truncated_golden(update_goldens: bool) -> None:
    assert_golden("discord_truncated", read(DISCORD / "truncated"), update_goldens, root=str(DISCORD))


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "discord.zip"
    zip_tree(EXPORT, archive, "dce/")
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!dce/")
    from_dir = serialise(read(EXPORT), root=f"{EXPORT}/")
    for item in from_zip:
        for att in item.get("attachments", []):
            if att["path"]:  # paths are inside the input: the zip keeps its wrapping folder
                att["path"] = att["path"].removeprefix("dce/")
    assert from_zip == from_dir
    assert source.encodings == {"utf-8"}


# --- JSON behaviour -------------------------------------------------------------------


def test_parts_of_one_channel_are_one_conversation_in_part_order() -> None:
    items = read(EXPORT)
    general = [m for m in items if isinstance(m, Message) and m.conversation.id == "900000000000000011"]
    assert [m.message_id[-1] for m in general] == list("12345678")
    assert {m.conversation for m in general} == {general[0].conversation}
    conv = general[0].conversation
    assert (conv.name, conv.kind, conv.member_count) == (
        "Example Guild / Text Channels / general",
        ConversationKind.CHANNEL,
        None,
    )
    assert general[4].location == f"{EXPORT}/{GENERAL} [part 2].json#/messages/0"


def test_types_replies_edits_bots() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["920000000000000001"].kind is MessageKind.SYSTEM  # GuildMemberJoin
    assert msgs["920000000000000006"].kind is MessageKind.SYSTEM  # ChannelPinnedMessage
    reply = msgs["920000000000000003"]
    assert reply.kind is MessageKind.USER and reply.reply_to == "920000000000000002"
    assert reply.text == "Thanks, will do.\nSecond line with a token ghp_000000000000000000000000000000000000"
    assert msgs["920000000000000008"].reply_to is None  # a forward is not a reply
    assert msgs["920000000000000004"].edited and not reply.edited
    bot = msgs["920000000000000005"]
    assert bot.kind is MessageKind.USER and bot.author.name == "ExampleBot" and bot.text == ""
    assert msgs["920000000000000002"].timestamp == datetime(2024, 3, 5, 9, 1, 0, 500000, tzinfo=CET)
    assert msgs["920000000000000002"].author.name == "Jane Placeholder"  # nickname, not user name
    assert msgs["920000000000000002"].author.id == "910000000000000001"


def test_attachments_local_and_remote() -> None:
    msgs = by_id(read(EXPORT))
    [local] = msgs["920000000000000004"].attachments
    assert (local.name, local.size, local.path) == (
        "budget 2024.pdf",
        18234,
        f"{GENERAL}.json_Files/budget-2024-3F2A9C.pdf",  # Windows separator normalised
    )
    [remote] = msgs["920000000000000007"].attachments
    assert (remote.name, remote.size, remote.path) == ("scan 001.png", 52001, None)


def test_dm_group_and_thread_conversations() -> None:
    msgs = by_id(read(EXPORT))
    dm = msgs["920000000000000201"].conversation
    assert (dm.id, dm.name, dm.kind, dm.member_count) == (
        "900000000000000033",
        "Rob Example",
        ConversationKind.DM,
        2,
    )
    assert msgs["920000000000000202"].kind is MessageKind.SYSTEM  # Call
    group = msgs["920000000000000301"].conversation
    assert (group.kind, group.member_count) == (ConversationKind.GROUP, None)
    thread = msgs["920000000000000102"]
    assert thread.thread_id == "900000000000000022"
    assert thread.conversation.name == "Example Guild / general / Release plan"
    assert msgs["920000000000000101"].kind is MessageKind.SYSTEM  # ThreadCreated


def test_truncated_file_keeps_what_came_before() -> None:
    items = read(DISCORD / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)] == [
        "920000000000000001",
        "920000000000000002",
        "920000000000000003",
    ]
    assert items[-1] == Skipped(
        f"{DISCORD}/truncated/{GENERAL}.json", "invalid or truncated JSON after 3 messages"
    )


def test_broken_records_are_skipped_with_a_pointer(tmp_path: Path) -> None:
    doc = json.loads((EXPORT / f"{GENERAL}.json").read_text(encoding="utf-8"))
    doc["messages"].insert(1, "not a message")
    path = tmp_path / f"{GENERAL}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    items = read(path)
    assert items[1] == Skipped(f"{path}#/messages/1", "message is not a JSON object")
    assert len(by_id(items)) == 4


def test_utf16_and_bom_files_are_decoded(tmp_path: Path) -> None:
    text = (EXPORT / f"{GENERAL}.json").read_text(encoding="utf-8")
    for enc in ("utf-16", "utf-8-sig"):
        path = tmp_path / f"{enc}.json"
        path.write_text(text, encoding=enc)
        source = Source.open(path)
        assert READER.sniff(source)
        assert len(by_id(list(READER.read(source)))) == 4
        assert source.encodings == {enc}


def test_json_without_ids_or_channel_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "Guild - Cat - chan [12345].json"
    path.write_text(
        json.dumps({"guild": None, "messages": [{"type": "Default", "content": "hi"}], "channel": None}),
        encoding="utf-8",
    )
    [msg] = read(path)
    assert isinstance(msg, Message)
    assert msg.message_id == "Guild - Cat - chan [12345].json#0"
    assert msg.conversation.id == "12345"


def test_folder_without_dce_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "x.png").write_bytes(b"png")
    with pytest.raises(ReaderError):
        read(tmp_path)


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"guild": null, "channel": {"id": "1"}, "messages": [' + "[" * 100_000, encoding="utf-8")
    items = read(path)
    assert items == [
        Skipped(f"{path}#/messages/0", "JSON nested deeper than 256 levels; file not read further")
    ]


# --- CSV behaviour --------------------------------------------------------------------


def test_csv_rows() -> None:
    items = read(DISCORD / "csv")
    msgs = by_id(items)
    name = f"{GENERAL}.csv"
    assert list(msgs) == [f"{name}#2", f"{name}#3", f"{name}#4", f"{name}#6", f"{name}#7"]
    assert msgs[f"{name}#2"].kind is MessageKind.SYSTEM  # "Joined the server."
    assert msgs[f"{name}#3"].text == 'Welcome! Say "hi", then read the rules.'
    two = msgs[f"{name}#4"]
    assert two.text.startswith("Two lines:\nmy SSN") and two.timestamp == datetime(2024, 3, 5, 13, 2)
    assert two.timestamp_naive
    assert msgs[f"{name}#6"].timestamp == datetime(2024, 3, 13, 0, 3)  # 12:03 AM
    assert [(a.name, a.path) for a in msgs[f"{name}#6"].attachments] == [
        ("report final.pdf", None),
        ("photo-9F3A.jpg", "media/photo-9F3A.jpg"),
    ]
    assert msgs[f"{name}#7"].author.name == "ExampleBot#1234"
    conv = msgs[f"{name}#2"].conversation
    assert (conv.id, conv.name, conv.kind) == (
        "900000000000000011",
        "Example Guild / Text Channels / general",
        ConversationKind.CHANNEL,
    )


def test_csv_day_first_is_decided_per_file() -> None:
    msgs = [m for m in read(DISCORD / "csv_day_first") if isinstance(m, Message)]
    assert [m.timestamp for m in msgs] == [datetime(2024, 3, 5, 9, 1), datetime(2024, 3, 13, 17, 45)]
    assert msgs[0].conversation.kind is ConversationKind.DM and msgs[0].conversation.name == "Rob Example"


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("3/5/2024 9:00 AM", None, datetime(2024, 3, 5, 9, 0)),
        ("3/5/2024 12:00 PM", None, datetime(2024, 3, 5, 12, 0)),
        ("3/5/2024 7:06\u202fPM", None, datetime(2024, 3, 5, 19, 6)),
        ("05/03/2024 19:06", True, datetime(2024, 3, 5, 19, 6)),
        ("05.03.2024 19:06", True, datetime(2024, 3, 5, 19, 6)),
        ("2024/3/5 19:06", None, datetime(2024, 3, 5, 19, 6)),
        ("2024. 3. 5. 오후 7:06", None, datetime(2024, 3, 5, 19, 6)),
        ("05-Mar-24 07:06 PM", None, datetime(2024, 3, 5, 19, 6)),
        ("2024-03-05T19:06:00.123+01:00", None, datetime(2024, 3, 5, 19, 6, 0, 123000, tzinfo=CET)),
        ("31/02/2024 10:00", True, None),
        ("yesterday", None, None),
        ("", None, None),
    ],
)
def test_csv_dates(text: str, day_first: bool | None, expected: datetime | None) -> None:
    assert _csv_time(text, day_first) == expected


def test_csv_short_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x [1].csv"
    path.write_text('AuthorID,Author,Date,Content,Attachments,Reactions\n"1","a"\n"1","a","","hi","",""\n')
    items = read(path)
    assert items[0] == Skipped(f"{path}:2", "CSV row has 2 of 6 columns")
    assert isinstance(items[1], Message) and items[1].text == "hi"


# --- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        EXPORT,
        EXPORT / f"{GENERAL}.json",
        EXPORT / f"{GENERAL} [part 2].json",
        DISCORD / "truncated",
        DISCORD / "csv",
        DISCORD / "csv" / f"{GENERAL}.csv",
        DISCORD / "csv_day_first",
        DISCORD,
    ],
)
def test_sniff_claims_discord(path: Path) -> None:
    assert READER.sniff(Source.open(path))


@pytest.mark.parametrize("path", other_fixture_paths("discord"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    assert_refuses(READER, path)


NOT_DISCORD = {
    "telegram.json": json.dumps(
        {
            "name": "Chat",
            "type": "personal_chat",
            "id": 1,
            "messages": [{"id": 1, "type": "message", "date": "x"}],
        }
    ),
    "telegram_with_channel.json": json.dumps(
        {"channel": {"id": 1, "name": "x"}, "messages": [{"id": 1, "type": "message", "date": "x"}]}
    ),
    "guild_without_channel.json": json.dumps({"guild": {"id": "1"}, "messages": []}),
    "messages_not_list.json": json.dumps(
        {"guild": None, "channel": {"id": "1", "type": "x"}, "messages": {}}
    ),
    "other_messages.json": json.dumps(
        {
            "guild": None,
            "channel": {"id": "1", "type": "x"},
            "messages": [{"ts": "1.2", "text": "a", "user": "U"}],
        }
    ),
    "list.json": json.dumps([{"guild": None, "channel": {"id": "1"}, "messages": []}]),
    "header_only_text.csv": "AuthorID,Author,Date,Content\n",
    "generic.csv": "id,conversation,author,timestamp,text\n1,c,a,1,x\n",
    "json_as_txt.txt": json.dumps({"guild": None, "channel": {"id": "1", "type": "x"}, "messages": []}),
}


@pytest.mark.parametrize("name", sorted(NOT_DISCORD))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_DISCORD[name], READER)


def test_folder_with_other_things_is_left_to_the_caller(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "dce")
    (tmp_path / "dce" / "notes.txt").write_text("not part of the export", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path / "dce"))


def test_other_readers_refuse_discord_files() -> None:
    paths = [EXPORT, *sorted(DISCORD.rglob("*.json")), *sorted(DISCORD.rglob("*.csv")), DISCORD / "csv"]
    assert_none_claim((SlackReader(), TelegramReader(), JsonlReader(), CsvReader()), paths)


# --- fuzzing --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".csv"])
@settings(max_examples=150, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(suffix: str, data: bytes) -> None:
    sniff_and_read_any(READER, f"x [1]{suffix}", data)


DISCORDISH = json_like(
    [
        *("id", "type", "timestamp", "timestampEdited", "content", "author", "name", "nickname"),
        *("attachments", "url", "fileName", "fileSizeBytes", "reference", "messageId"),
    ],
)


@settings(max_examples=200, deadline=None)
@given(
    messages=st.lists(DISCORDISH, max_size=4),
    channel=DISCORDISH,
    guild=DISCORDISH,
    cut=st.integers(min_value=0),
)
def test_any_dce_shaped_json_gives_messages_skips_or_reader_error(
    messages: list[object], channel: object, guild: object, cut: int
) -> None:
    text = json.dumps({"guild": guild, "channel": channel, "messages": messages, "messageCount": 1})
    sniff_and_read_any(READER, "x [1].json", text[: cut % (len(text) + 1)])


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.text(max_size=12), max_size=7), max_size=6))
def test_any_dce_shaped_csv_gives_messages_skips_or_reader_error(rows: list[list[str]]) -> None:
    body = "".join(",".join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)
    sniff_and_read_any(
        READER, "x [1].csv", "AuthorID,Author,Date,Content,Attachments,Reactions\n" + body, must_claim=True
    )
