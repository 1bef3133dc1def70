"""Google Chat / Hangouts reader: goldens over a synthetic Takeout, Google's dates, threads,
Hangouts (both shapes), sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.googlechat import GoogleChatReader, parse_google_date
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
GC = FIXTURES / "googlechat"
ROOT = str(FIXTURES) + "/"
TAKEOUT = GC / "Takeout"
GROUPS = TAKEOUT / "Google Chat" / "Groups"
DM = GROUPS / "DM a1b2c3AAAAE"
SPACE = GROUPS / "Space AAAAx9y8z7w"
HANGOUTS = TAKEOUT / "Hangouts" / "Hangouts.json"
READER = GoogleChatReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("googlechat_takeout", TAKEOUT),
        ("googlechat_hangouts_2015", GC / "hangouts_2015"),
        ("googlechat_truncated", GC / "truncated"),
    ],
)
def test_goldens(name: str, path: Path, update_goldens: bool) -> None:
    assert_golden(name, read(path), update_goldens, root=ROOT)


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "takeout-20240306T000000Z-001.zip"
    zip_tree(TAKEOUT, archive, "Takeout/")
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!Takeout/")
    from_dir = serialise(read(TAKEOUT), root=f"{TAKEOUT}/")
    for item in from_zip:
        for att in item.get("attachments", []):
            if att["path"]:
                att["path"] = att["path"].removeprefix("Takeout/")  # paths are inside the input
    assert from_zip == from_dir


# --- Google's dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tuesday, January 3, 2023 at 9:01:02 AM UTC", datetime(2023, 1, 3, 9, 1, 2, tzinfo=UTC)),
        ("Tuesday, January 3, 2023 at 9:01:02\u202fPM UTC", datetime(2023, 1, 3, 21, 1, 2, tzinfo=UTC)),
        ("Tuesday, January 3, 2023 at 9:01:02\u00a0PM UTC", datetime(2023, 1, 3, 21, 1, 2, tzinfo=UTC)),
        ("Monday, January 1, 2024 at 12:00:00 AM UTC", datetime(2024, 1, 1, 0, 0, tzinfo=UTC)),
        ("Monday, January 1, 2024 at 12:30:00 PM UTC", datetime(2024, 1, 1, 12, 30, tzinfo=UTC)),
        ("Monday, January 1, 2024 at 13:05:00 UTC", datetime(2024, 1, 1, 13, 5, tzinfo=UTC)),
        ("Thursday, November 3, 2016 at 11:59:50 AM UTC", datetime(2016, 11, 3, 11, 59, 50, tzinfo=UTC)),
        ("Sunday, Sept 1, 2019 at 8:00:00 AM GMT", datetime(2019, 9, 1, 8, 0, tzinfo=UTC)),
        (
            "Monday, January 1, 2024 at 1:05:00 PM PST",
            datetime(2024, 1, 1, 13, 5, tzinfo=timezone(timedelta(hours=-8))),
        ),
        (
            "Monday, January 1, 2024 at 1:05:00 PM GMT+05:30",
            datetime(2024, 1, 1, 13, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("Monday, January 1, 2024 at 1:05:00 PM", datetime(2024, 1, 1, 13, 5)),  # no zone: naive
        ("Monday, January 1, 2024 at 1:05:00 PM XYZT", datetime(2024, 1, 1, 13, 5)),  # unknown zone: naive
    ],
)
def test_google_dates(text: str, expected: datetime) -> None:
    parsed = parse_google_date(text)
    assert parsed == expected
    assert parsed is not None and (parsed.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "Smarch 3, 2023 at 9:01:02 AM UTC",
        "January 32, 2023 at 9:01 AM UTC",
        "January 3, 2023 at 13:01 PM",
    ],
)
def test_bad_google_dates_are_none(text: str) -> None:
    assert parse_google_date(text) is None


# --- Google Chat ------------------------------------------------------------------------------


def test_conversations_from_group_info() -> None:
    msgs = by_id(read(TAKEOUT))
    dm = msgs["a1b2c3AAAAE/TOPICdm0001/TOPICdm0001"].conversation
    assert (dm.id, dm.name, dm.kind, dm.member_count) == (
        "DM a1b2c3AAAAE",
        "Jane Placeholder, Rob Example",
        ConversationKind.DM,
        2,
    )
    space = msgs["AAAAx9y8z7w/T1launch/T1launch"].conversation
    assert (space.name, space.kind, space.member_count) == ("Falcon Launch 🚀", ConversationKind.CHANNEL, 4)
    assert space.members == ("Jane Placeholder", "Rob Example", "王美", "Falcon Bot")


def test_messages_threads_edits_deletions() -> None:
    msgs = by_id(read(TAKEOUT))
    first = msgs["a1b2c3AAAAE/TOPICdm0001/TOPICdm0001"]
    assert first.text == "Hi Rob, the door code is 4711"
    assert (first.author.id, first.author.name) == ("jane.placeholder@example.com", "Jane Placeholder")
    assert first.timestamp == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    # U+202F before AM/PM
    assert msgs["a1b2c3AAAAE/TOPICdm0002/TOPICdm0002"].timestamp == datetime(
        2024, 3, 5, 10, 1, 30, tzinfo=UTC
    )
    assert msgs["a1b2c3AAAAE/TOPICdm0003/TOPICdm0003"].edited
    assert not first.edited
    gone = msgs["a1b2c3AAAAE/TOPICdm0004/TOPICdm0004"]
    assert gone.deleted and gone.text == ""
    root, reply = msgs["AAAAx9y8z7w/T1launch/T1launch"], msgs["AAAAx9y8z7w/T1launch/M2reply00"]
    # a topic's first message is not marked as a thread: flat DMs open a topic per message
    assert (root.thread_id, root.reply_to) == (None, None)
    assert first.thread_id is None
    assert (reply.thread_id, reply.reply_to) == ("T1launch", "AAAAx9y8z7w/T1launch/T1launch")
    bot = msgs["AAAAx9y8z7w/T3build/T3build"]
    assert bot.kind is MessageKind.USER and bot.author.name == "Falcon Bot"
    # no message_id: <file>#<index>, the file as named inside the export
    assert "Google Chat/Groups/Space AAAAx9y8z7w/messages.json#4" in msgs


def test_attachments_keep_their_export_path() -> None:
    msgs = by_id(read(TAKEOUT))
    [photo] = msgs["a1b2c3AAAAE/TOPICdm0002/TOPICdm0002"].attachments
    assert (photo.name, photo.path) == (
        "whiteboard.png",
        "Google Chat/Groups/DM a1b2c3AAAAE/File-2024-03-05.png",
    )
    [acct] = msgs["Google Chat/Groups/Space AAAAx9y8z7w/messages.json#4"].attachments
    # JSON has "?account_id=3" (written \\u003d); the file on disk has "_account_id=3"
    assert acct.name == "4926929847130562072?account_id=3.png"
    assert acct.path == "Google Chat/Groups/Space AAAAx9y8z7w/File-4926929847130562072_account_id=3.png"


def test_skips_and_truncation() -> None:
    skipped = [s for s in read(TAKEOUT) if isinstance(s, Skipped)]
    assert skipped == [Skipped(f"{SPACE}/messages.json#/messages/5", "record is not an object")]
    items = read(GC / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)] == [
        "AAAAx9y8z7w/T1launch/T1launch",
        "AAAAx9y8z7w/T1launch/M2reply00",
    ]
    assert items[-1] == Skipped(
        f"{GC}/truncated/Groups/Space AAAAtrunc01/messages.json", "invalid or truncated JSON after 2 messages"
    )


def test_group_folder_and_lone_file() -> None:
    folder = by_id(read(DM))
    assert folder["a1b2c3AAAAE/TOPICdm0001/TOPICdm0001"].conversation.member_count == 2
    lone = by_id(read(DM / "messages.json"))
    conv = lone["a1b2c3AAAAE/TOPICdm0001/TOPICdm0001"].conversation
    # alone, the file's folder still names and types the conversation
    assert (conv.id, conv.kind, conv.member_count) == ("DM a1b2c3AAAAE", ConversationKind.DM, None)


def test_bom_and_utf16_are_decoded(tmp_path: Path) -> None:
    text = (SPACE / "messages.json").read_text(encoding="utf-8")
    for enc in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{enc}.json"
        path.write_text(text, encoding=enc)
        source = Source.open(path)
        assert READER.sniff(source)
        assert by_id(list(READER.read(source)))["AAAAx9y8z7w/T2docs/T2docs"].text.endswith("请看")
        assert source.encodings == {enc}


# --- Hangouts -----------------------------------------------------------------------------------


def test_hangouts_events() -> None:
    msgs = by_id(read(HANGOUTS))
    first = msgs["7-H0Z7-000100"]
    # TEXT, bold TEXT, LINE_BREAK, TEXT and LINK segments, concatenated
    assert first.text == "My new number is +44 20 7946 0000\nsee https://example.com/falcon"
    assert first.timestamp == datetime(2019, 2, 25, 10, 0, tzinfo=UTC)
    assert (first.author.id, first.author.name) == ("100000000000000000001", "Jane Placeholder")
    assert first.platform == "googlechat"
    conv = first.conversation
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "UgxDMjanerob0001",
        "Jane Placeholder, Rob Example",
        ConversationKind.DM,
        2,
    )
    second = msgs["7-H0Z7-000101"]
    assert second.text == "Got it\n收到"  # a LINE_BREAK without text is a newline
    assert [a.name for a in second.attachments] == ["IMG_20190225_100100.jpg"]
    assert msgs["7-H0Z7-000102"].kind is MessageKind.SYSTEM  # a hangout call
    assert msgs["7-H0Z7-000103"].kind is MessageKind.USER  # an SMS
    group = msgs["7-H0Z7-000211"]
    assert (group.conversation.name, group.conversation.kind) == ("Falcon crew", ConversationKind.GROUP)
    assert msgs["7-H0Z7-000210"].kind is MessageKind.SYSTEM  # ADD_USER
    rename = msgs["7-H0Z7-000212"]
    assert (rename.kind, rename.text) == (MessageKind.SYSTEM, "Falcon crew")
    stranger = msgs["7-H0Z7-000213"]
    assert stranger.author.name == "100000000000000000099"  # not among the participants
    assert first.location == f"{HANGOUTS}#/conversations/0/events/0"
    assert group.location == f"{HANGOUTS}#/conversations/1/events/1"


def test_hangouts_pre_2018_shape() -> None:
    [msg] = read(GC / "hangouts_2015" / "Hangouts.json")
    assert isinstance(msg, Message)
    assert msg.text == "Happy new year"
    assert msg.timestamp == datetime(2015, 1, 1, tzinfo=UTC)
    assert (msg.conversation.id, msg.conversation.kind) == ("UgyLEGACY0003", ConversationKind.DM)
    assert msg.author.name == "Rob Example"


def test_hangouts_events_before_their_conversation(tmp_path: Path) -> None:
    doc = json.loads(HANGOUTS.read_text(encoding="utf-8"))
    conv = doc["conversations"][0]
    doc["conversations"][0] = {"events": conv["events"][:1], "conversation": conv["conversation"]}
    path = tmp_path / "Hangouts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    first = by_id(read(path))["7-H0Z7-000100"]
    assert (first.conversation.id, first.author.id) == ("UgxDMjanerob0001", "100000000000000000001")


def test_a_group_without_messages_is_not_a_skip(tmp_path: Path) -> None:
    shutil.copytree(TAKEOUT / "Google Chat", tmp_path / "Google Chat")
    empty = tmp_path / "Google Chat" / "Groups" / "DM zzzzzzAAAAE"
    empty.mkdir()
    (empty / "messages.json").write_text('{\n  "messages": []\n}', encoding="utf-8")
    (empty / "group_info.json").write_text('{"members": []}', encoding="utf-8")
    source = Source.open(tmp_path)
    assert READER.sniff(source)
    items = list(READER.read(source))
    assert [s.location for s in items if isinstance(s, Skipped)] == [
        f"{tmp_path}/Google Chat/{SPACE.relative_to(TAKEOUT / 'Google Chat')}/messages.json#/messages/5"
    ]


def test_folder_without_chat_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "archive_browser.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(ReaderError):
        list(READER.read(Source.open(tmp_path)))


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        TAKEOUT,
        TAKEOUT / "Google Chat",
        GROUPS,
        DM,
        DM / "messages.json",
        HANGOUTS,
        TAKEOUT / "Hangouts",
        GC / "hangouts_2015" / "Hangouts.json",
        GC / "truncated",
        GC,
    ],
    ids=fixture_id,
)
def test_sniff_claims_google_chat(path: Path) -> None:
    assert READER.sniff(Source.open(path))


@pytest.mark.parametrize("name", ["group_info.json", "user_info.json"])
def test_sniff_leaves_metadata_files_alone(name: str) -> None:
    path = DM / name if name == "group_info.json" else next(TAKEOUT.rglob(name))
    assert not READER.sniff(Source.open(path))


@pytest.mark.parametrize("path", other_fixture_paths("googlechat"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    assert_refuses(READER, path)


NOT_GOOGLE = {
    "messages.json": json.dumps({"messages": []}),
    "telegram.json": json.dumps(
        {"name": "x", "type": "personal_chat", "messages": [{"id": 1, "type": "message"}]}
    ),
    "creator_not_object.json": json.dumps({"messages": [{"creator": "Jane", "created_date": "x"}]}),
    "conversations_other.json": json.dumps({"conversations": [{"id": 1, "title": "a chat-gpt export"}]}),
    "gemini.json": json.dumps({"conversations": [{"id": "1", "title": "t", "messages": [{"role": "user"}]}]}),
    "Hangouts.txt": json.dumps({"conversations": []}),
}


@pytest.mark.parametrize("name", sorted(NOT_GOOGLE))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_GOOGLE[name], READER)


def test_sniff_refuses_a_takeout_with_other_products(tmp_path: Path) -> None:
    shutil.copytree(TAKEOUT / "Google Chat", tmp_path / "Google Chat")
    assert READER.sniff(Source.open(tmp_path))
    (tmp_path / "Mail").mkdir()
    (tmp_path / "Mail" / "All mail.mbox").write_text("From x\n", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path))


# --- fuzzing ------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(READER, "messages.json", data)


GOOGLEISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    *("creator", "created_date", "updated_date", "text", "topic_id", "message_id", "name"),
                    *("attached_files", "export_name", "original_name", "email", "deletion_metadata"),
                    *("conversation", "conversation_id", "id", "participant_data", "fallback_name", "events"),
                    *("sender_id", "gaia_id", "timestamp", "event_id", "event_type", "chat_message"),
                    *("message_content", "segment", "type", "attachment", "embed_item"),
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=16,
)


@settings(max_examples=200, deadline=None)
@given(
    messages=st.lists(GOOGLEISH, max_size=4),
    conversations=st.lists(GOOGLEISH, max_size=3),
    cut=st.integers(0),
)
def test_any_google_shaped_json_gives_messages_skips_or_reader_error(
    messages: list[object], conversations: list[object], cut: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, doc in (
            ("messages.json", {"messages": messages}),
            ("Hangouts.json", {"conversations": conversations}),
        ):
            text = json.dumps(doc)
            path = Path(tmp) / name
            path.write_text(text[: cut % (len(text) + 1)], encoding="utf-8")
            sniff_and_read(READER, path)
