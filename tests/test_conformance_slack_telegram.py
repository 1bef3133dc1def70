"""The Slack and Telegram readers against the third-party sample corpus (shared/fixtures/real).

Expected numbers come from shared/fixtures/real/EXPECTED.md: user-authored messages
(kind user, bots included), distinct author ids, and a few exact ids, times and texts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.model import Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.slack import SlackReader
from scanner.readers.telegram import TelegramReader


def read(reader: SlackReader | TelegramReader, path: Path) -> list[Message]:
    source = Source.open(path)
    assert reader.sniff(source), path
    items = list(reader.read(source))
    assert not [i for i in items if isinstance(i, Skipped)], path
    return [i for i in items if isinstance(i, Message)]


def user_authored(msgs: list[Message]) -> list[Message]:
    return [m for m in msgs if m.kind is MessageKind.USER]


# --- Slack ----------------------------------------------------------------------------

SLACK_FILES = {
    # path under slack/zulip: (user-authored, distinct authors, system)
    "test_slack_importer": (9, 3, 4),
    "test_slack_importer/random/2017-06-25.json": (1, 1, 1),
    "test_slack_importer/random/2018-01-20.json": (8, 3, 3),
    "exported_messages_fixtures/normal_messages.json": (1, 1, 1),
    "exported_messages_fixtures/normal_thread.json": (4, 2, 0),
    "exported_messages_fixtures/thread_with_broadcast_reply.json": (3, 2, 0),
    "exported_messages_fixtures/message_with_variety_files_and_rich_text.json": (1, 1, 0),
}


@pytest.mark.parametrize("name", sorted(SLACK_FILES))
def test_slack_counts(real_fixtures: Path, name: str) -> None:
    msgs = read(SlackReader(), real_fixtures / "slack" / "zulip" / name)
    users = user_authored(msgs)
    expected = SLACK_FILES[name]
    assert (len(users), len({m.author.id for m in users}), len(msgs) - len(users)) == expected


def test_slack_importer_details(real_fixtures: Path) -> None:
    msgs = read(SlackReader(), real_fixtures / "slack" / "zulip" / "test_slack_importer")
    ids = {m.message_id: m for m in msgs}
    first = ids["1498401071.279035"]
    assert first.text == "edfadfa" and first.author.id == "U6006P1CN"
    assert first.timestamp == datetime(2017, 6, 25, 14, 31, 11, 279035, tzinfo=UTC)
    assert first.conversation.name == "random"  # no channels.json in this folder
    per_author: dict[str, int] = {}  # EXPECTED.md counts these for the 2018-01-20 day file
    for m in user_authored(msgs):
        if "2018-01-20.json#/" in m.location:
            per_author[m.author.id] = per_author.get(m.author.id, 0) + 1
    assert per_author == {"U8W3QFGQ5": 5, "U6006P1CN": 2, "U8VAHEVUY": 1}
    # file_share is user-authored; its generated text already holds the comment
    share = ids["1516457078.000065"]
    assert share.kind is MessageKind.USER
    assert share.text.endswith("and commented: test upload attachment")
    assert [(a.name, a.size, a.mime) for a in share.attachments] == [("dirac72.md", 5755, "text/plain")]
    # identical texts stay separate messages
    assert [m.text for m in msgs].count("@everyone") == 2
    assert [m.text for m in msgs].count("<!channel>") == 2
    # names from users.json, including the \\u-escaped Devanagari/Chinese display name
    assert ids["1516457416.000062"].author.name == "汉语 हिन्दी"
    assert ids["1516454537.000093"].author.name == "Steve"


def test_slack_threads_and_broadcast(real_fixtures: Path) -> None:
    base = real_fixtures / "slack" / "zulip" / "exported_messages_fixtures"
    thread = {m.message_id: m for m in read(SlackReader(), base / "normal_thread.json")}
    # the reply's ts is earlier than its root's: still a reply of that root
    assert thread["1449868294.000007"].reply_to == "1539868294.000007"
    assert thread["1539868294.000007"].thread_id == "1539868294.000007"
    broadcast = read(SlackReader(), base / "thread_with_broadcast_reply.json")
    assert [m.message_id for m in broadcast] == [
        "1434139102.000002",
        "1434139103.000002",
        "1434139104.000002",
    ]
    assert broadcast[2].text == "everyone should see this" and broadcast[2].reply_to == "1434139102.000002"


def test_slack_single_object_file(real_fixtures: Path) -> None:
    path = (
        real_fixtures / "slack/zulip/exported_messages_fixtures/message_with_variety_files_and_rich_text.json"
    )
    [msg] = read(SlackReader(), path)
    assert msg.message_id == "1772636065.551219"
    assert msg.text == "message with *files  <@U074VRHQ11T>* \nF07A32DC2GG"
    assert msg.timestamp == datetime(2026, 3, 4, 14, 54, 25, 551219, tzinfo=UTC)
    assert [a.name for a in msg.attachments] == ["Untitled", "channels.json"]


@pytest.mark.parametrize(
    "name",
    [
        "channels.json",
        "dms.json",
        "mpims.json",
        "test_slack_importer/users.json",
        "test_slack_importer/integration_logs.json",
        "exported_messages_fixtures/users.json",
    ],
)
def test_slack_metadata_files_alone_are_not_message_files(real_fixtures: Path, name: str) -> None:
    assert not SlackReader().sniff(Source.open(real_fixtures / "slack" / "zulip" / name))


# --- Telegram -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_telegram_chat_miner(real_fixtures: Path, name: str) -> None:
    msgs = read(TelegramReader(), real_fixtures / "telegram" / "chat-miner" / name)
    users = user_authored(msgs)
    assert len(users) == 2 and len(msgs) == 2
    assert [m.author.name for m in users] == ["Author 1", "Author 2"]
    assert len({m.author.id for m in users}) == 2
    assert [m.timestamp for m in msgs] == [
        datetime(2018, 12, 5, 10, 39, 10, tzinfo=UTC),
        datetime(2018, 12, 5, 10, 49, 24, tzinfo=UTC),
    ]
    assert [m.text for m in msgs] == ["Minimal Message", "Link:https://telegram.org/"]
    # no "id" in these files: <file>#<index>
    assert [m.message_id for m in msgs] == [f"{name}#0", f"{name}#1"]


def test_telegram_batch_export_names_its_chat(real_fixtures: Path) -> None:
    msgs = read(TelegramReader(), real_fixtures / "telegram" / "chat-miner" / "test_batch_export.json")
    assert {m.conversation.name for m in msgs} == {"Chatname"}


# --- no reader claims another's files -------------------------------------------------


def _corpus(real: Path, platform: str) -> list[Path]:
    paths = [p for p in sorted(real.rglob("*")) if p.relative_to(real).parts[0] != platform]
    return [p for p in paths if p.is_file() or p.is_dir()]


def test_slack_claims_nothing_else_in_the_corpus(real_fixtures: Path) -> None:
    claimed = [p for p in _corpus(real_fixtures, "slack") if SlackReader().sniff(Source.open(p))]
    assert claimed == []


def test_telegram_claims_nothing_else_in_the_corpus(real_fixtures: Path) -> None:
    claimed = [p for p in _corpus(real_fixtures, "telegram") if TelegramReader().sniff(Source.open(p))]
    assert claimed == []
