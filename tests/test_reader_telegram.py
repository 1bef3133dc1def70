"""Telegram reader: goldens over synthetic result.json files (chat, account, truncated), sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.telegram import TelegramReader
from tests.golden import assert_golden, serialise
from tests.reader_contract import ARBITRARY_BYTES, json_like, sniff_and_read_any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TELEGRAM = FIXTURES / "telegram"
SINGLE = TELEGRAM / "ChatExport_2024-03-05"
ACCOUNT = TELEGRAM / "DataExport_2024-03-05"
SLACK = FIXTURES / "slack"


def read(path: Path) -> list[Message | Skipped]:
    return list(TelegramReader().read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens --------------------------------------------------------------------------


def test_single_chat_golden(update_goldens: bool) -> None:
    assert_golden("telegram_single_chat", read(SINGLE), update_goldens, root=str(TELEGRAM))


def test_account_golden(update_goldens: bool) -> None:
    assert_golden("telegram_account", read(ACCOUNT / "result.json"), update_goldens, root=str(TELEGRAM))


def test_truncated_golden(update_goldens: bool) -> None:
    assert_golden("telegram_truncated", read(TELEGRAM / "truncated"), update_goldens, root=str(TELEGRAM))


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "telegram.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(SINGLE / "result.json", "ChatExport_2024-03-05/result.json")
    source = Source.open(archive)
    assert TelegramReader().sniff(source)
    from_zip = serialise(TelegramReader().read(source), root=f"{archive}!ChatExport_2024-03-05/")
    from_dir = serialise(read(SINGLE), root=f"{SINGLE}/")
    for item in from_zip:
        for att in item.get("attachments", []):
            # paths are inside the input: the zip keeps the export folder
            if att["path"]:
                att["path"] = att["path"].removeprefix("ChatExport_2024-03-05/")
    assert from_zip == from_dir
    assert source.encodings == {"utf-8"}


# --- behaviour ------------------------------------------------------------------------


def test_text_entities_concatenate_without_separator() -> None:
    msgs = by_id(read(SINGLE))
    assert msgs["3"].text == "Note: call me on +44 20 7946 0000 or see the wiki👍"
    assert msgs["1"].text == "" and msgs["1"].kind is MessageKind.SYSTEM
    assert msgs["1"].author.id == "user1000001" and msgs["1"].author.name == "Jane Placeholder"


def test_ids_replies_edits_and_times() -> None:
    items = read(SINGLE)
    msgs = by_id(items)
    assert msgs["4"].reply_to == "3" and msgs["4"].edited
    assert not msgs["3"].edited
    assert msgs["2"].timestamp == datetime(2024, 3, 5, 10, 1, tzinfo=UTC)
    # no date_unixtime: the local time of the exporting machine, naive and flagged
    assert msgs["9"].timestamp == datetime(2024, 3, 5, 11, 8)
    assert msgs["9"].timestamp_naive
    # no id: <file>#<index in messages>
    assert "result.json#9" in msgs
    skipped = [s for s in items if isinstance(s, Skipped)]
    assert skipped == [Skipped(f"{SINGLE}/result.json#/messages/10", "record is not an object")]


def test_authors_and_attachments() -> None:
    msgs = by_id(read(SINGLE))
    assert msgs["8"].author.id == "user1000099" and msgs["8"].author.name == "user1000099"  # deleted account
    photo = msgs["5"].attachments
    assert [(a.name, a.size, a.mime, a.path) for a in photo] == [
        (
            "photo_1@05-03-2024_11-04-00.jpg",
            48213,
            None,
            "photos/photo_1@05-03-2024_11-04-00.jpg",  # inside the input (the export folder)
        )
    ]
    missing = msgs["6"].attachments[0]
    assert (missing.name, missing.size, missing.path) == ("budget-2024.xlsx", 18234, None)
    assert msgs["7"].attachments[0].mime == "application/pdf"


def test_conversation_kinds() -> None:
    items = read(ACCOUNT)
    convs = {m.conversation.id: m.conversation for m in items if isinstance(m, Message)}
    assert {cid: (c.name, c.kind, c.member_count) for cid, c in convs.items()} == {
        "1000002": ("Rob Example", ConversationKind.DM, 2),
        "2000001": ("Example News", ConversationKind.CHANNEL, None),
        "1000001": ("Saved Messages", ConversationKind.DM, 1),
        "3000001": ("Old Team", ConversationKind.GROUP, None),
    }
    single = by_id(read(SINGLE))["2"].conversation
    assert (single.id, single.name, single.kind) == ("1987654321", "Example Team ☕", ConversationKind.GROUP)


def _chat(chat_type: str, username: str | None, chat_id: int = 1234567890) -> dict[str, object]:
    chat: dict[str, object] = {"name": "Demo news", "type": chat_type, "id": chat_id}
    if username is not None:
        chat["username"] = username
    message = {"id": 42, "type": "message", "date": "2024-03-05T16:00:00", "from": "Demo", "text": "hi"}
    return {**chat, "messages": [message]}


@pytest.mark.parametrize(
    ("chat_type", "username", "permalink"),
    [
        ("public_channel", "demo_news", "https://t.me/demo_news/42"),
        ("public_supergroup", "@demo_chat", "https://t.me/demo_chat/42"),
        ("public_channel", None, None),  # the export does not say the username
        ("private_channel", "demo_news", None),  # only a public chat's username opens it
        ("public_channel", "no", None),  # not a Telegram username (5-32 characters)
        ("public_channel", "bad/../name", None),
    ],
)
def test_public_chats_link_by_username_when_the_export_gives_it(
    tmp_path: Path, chat_type: str, username: str | None, permalink: str | None
) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(_chat(chat_type, username)), encoding="utf-8")
    [message] = [m for m in read(path) if isinstance(m, Message)]
    assert message.message_id == "42"
    assert message.permalink == permalink


def test_account_chats_keep_their_own_username(tmp_path: Path) -> None:
    chats = [_chat("public_channel", "demo_news"), _chat("public_channel", None, 99)]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"about": "x", "chats": {"list": chats}}), encoding="utf-8")
    links = [m.permalink for m in read(path) if isinstance(m, Message)]
    assert links == ["https://t.me/demo_news/42", None]


def test_account_locations_are_json_pointers() -> None:
    msgs = by_id(read(ACCOUNT))
    assert msgs["301"].location == f"{ACCOUNT}/result.json#/left_chats/list/0/messages/0"
    assert msgs["7"].location == f"{ACCOUNT}/result.json#/chats/list/1/messages/0"


def test_truncated_file_keeps_what_came_before() -> None:
    items = read(TELEGRAM / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)] == ["1", "2", "3"]
    assert items[-1] == Skipped(
        f"{TELEGRAM}/truncated/result.json", "invalid or truncated JSON after 3 messages"
    )


def test_utf16_and_bom_files_are_decoded(tmp_path: Path) -> None:
    text = (SINGLE / "result.json").read_text(encoding="utf-8")
    for enc in ("utf-16", "utf-8-sig"):
        path = tmp_path / f"{enc}.json"
        path.write_text(text, encoding=enc)
        source = Source.open(path)
        assert TelegramReader().sniff(source)
        assert by_id(list(TelegramReader().read(source)))["5"].text == "白板照片"
        assert source.encodings == {enc}


def test_folder_without_result_json_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "messages.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(ReaderError):
        list(TelegramReader().read(Source.open(tmp_path)))


def test_valid_json_that_is_not_telegram_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"foo": [1, 2]}', encoding="utf-8")
    assert read(path) == [Skipped(str(path), "not a Telegram export (no messages or chats list)")]


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"messages": [' + "[" * 100_000, encoding="utf-8")
    items = read(path)
    assert items == [Skipped(str(path), "JSON nested deeper than 256 levels after 0 messages")]


# --- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        SINGLE,
        SINGLE / "result.json",
        ACCOUNT,
        ACCOUNT / "result.json",
        TELEGRAM / "truncated" / "result.json",
    ],
)
def test_sniff_claims_telegram(path: Path) -> None:
    assert TelegramReader().sniff(Source.open(path))


def test_sniff_claims_an_account_export_whose_chats_are_far_down(tmp_path: Path) -> None:
    account = json.loads((ACCOUNT / "result.json").read_text(encoding="utf-8"))
    account["other_data"] = {"about": "filler", "blobs": ["x" * 1000] * 3000}  # 3 MB before "chats"
    account = {k: account[k] for k in ("about", "personal_information", "other_data", "chats")}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(account, indent=1, ensure_ascii=False), encoding="utf-8")
    assert TelegramReader().sniff(Source.open(path))
    assert len(by_id(read(path))) == 5


def test_sniff_claims_an_empty_chat(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(
        '{"name": "Rob Example", "type": "personal_chat", "id": 1, "messages": []}', encoding="utf-8"
    )
    assert TelegramReader().sniff(Source.open(path))


NOT_TELEGRAM = {
    "discord.json": json.dumps(
        {
            "guild": {"id": "1", "name": "G"},
            "channel": {"id": "2", "name": "general"},
            "messages": [
                {"id": "3", "type": "Default", "timestamp": "2024-03-05T10:00:00+00:00", "content": "hi"}
            ],
        }
    ),
    "discord_message_typed.json": json.dumps(
        {"guild": {"id": "1"}, "messages": [{"id": "3", "type": "message", "date": "2024-03-05"}]}
    ),
    "generic.jsonl": '{"id": "1", "conversation": "c", "author": "a", "timestamp": 1709632800, "text": "x"}'
    + "\n",
    "generic_messages.json": '{"messages": [{"id": "1", "author": "a", "timestamp": 1, "text": "x"}]}',
    "empty_messages.json": '{"messages": []}',
    "slack_list.json": (SLACK / "message_list.json").read_text(encoding="utf-8"),
    "slack_object.json": (SLACK / "single_message.json").read_text(encoding="utf-8"),
    "slack_users.json": (SLACK / "export" / "users.json").read_text(encoding="utf-8"),
    "instagram.json": json.dumps(
        {
            "participants": [{"name": "A"}],
            "messages": [{"sender_name": "A", "timestamp_ms": 1, "content": "hi"}],
        }
    ),
    "result.txt": (SINGLE / "result.json").read_text(encoding="utf-8"),
}


@pytest.mark.parametrize("name", sorted(NOT_TELEGRAM))
def test_sniff_refuses_other_formats(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(NOT_TELEGRAM[name], encoding="utf-8")
    assert not TelegramReader().sniff(Source.open(path))


def test_sniff_refuses_slack_exports(tmp_path: Path) -> None:
    for path in (SLACK / "export", *sorted(SLACK.rglob("*.json"))):
        assert not TelegramReader().sniff(Source.open(path)), path
    # even when a Slack folder carries a file named like Telegram's
    shutil.copytree(SLACK / "export", tmp_path / "export")
    (tmp_path / "export" / "result.json").write_text('{"ok": true}', encoding="utf-8")
    assert not TelegramReader().sniff(Source.open(tmp_path / "export"))


# --- fuzzing --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(TelegramReader(), "result.json", data)


TELEGRAMISH = json_like(
    ["id", "type", "date", "date_unixtime", "from", "from_id", "text", "photo", "file", "edited"],
    list_size=4,
)


@settings(max_examples=200, deadline=None)
@given(messages=st.lists(TELEGRAMISH, max_size=4), chat=TELEGRAMISH, cut=st.integers(min_value=0))
def test_any_telegram_shaped_json_gives_messages_skips_or_reader_error(
    messages: list[object], chat: object, cut: int
) -> None:
    doc = {"chats": {"list": [{"name": "x", "type": chat, "messages": messages}]}, "messages": messages}
    text = json.dumps(doc)
    sniff_and_read_any(TelegramReader(), "result.json", text[: cut % (len(text) + 1)])
