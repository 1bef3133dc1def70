"""The Discord reader against the third-party samples in ../shared (EXPECTED.md, "Discord").

Counts are user-authored messages (types Default and Reply, bots included), distinct
author ids, and system messages (every other type). Skipped when the samples are absent.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.discord import DiscordReader
from scanner.readers.telegram import TelegramReader

READER = DiscordReader()
HAND = "2026-01-01--00-00-00"
REAL = "channels/zulip-discord server - Text Channels - general [1519311538035490958].json"
FILES = {
    # path under discord/zulip: (user-authored, distinct authors incl. bots, bots, system)
    f"{HAND}/Test Server - Text - general [100].json": (5, 3, 1, 2),
    f"{HAND}/Test Server - Text - random [101].json": (1, 1, 0, 0),
    f"{HAND}/Test Server - general - Test Thread [200].json": (2, 2, 0, 0),
    f"{HAND}/Direct Messages - Alice Smith [DM001].json": (2, 2, 0, 0),
    f"{HAND}/Direct Messages - Alice Smith, Bob Jones, Charlie Brown [GDM001].json": (2, 2, 0, 0),
    HAND: (12, 3, 1, 2),
    REAL: (11, 1, 0, 1),
}
BOT_IDS = {"bot001"}
PLUS7 = timezone(timedelta(hours=7))


def read(path: Path) -> list[Message]:
    source = Source.open(path)
    assert READER.sniff(source), path
    items = list(READER.read(source))
    assert not [i for i in items if isinstance(i, Skipped)], path
    return [i for i in items if isinstance(i, Message)]


def users(msgs: list[Message]) -> list[Message]:
    return [m for m in msgs if m.kind is MessageKind.USER]


@pytest.mark.parametrize("name", sorted(FILES))
def test_counts(real_fixtures: Path, name: str) -> None:
    msgs = read(real_fixtures / "discord" / "zulip" / name)
    user = users(msgs)
    authors = {m.author.id for m in user}
    expected = FILES[name]
    assert (len(user), len(authors), len(authors & BOT_IDS), len(msgs) - len(user)) == expected


def test_whole_corpus_folder(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "discord" / "zulip")
    assert len(users(msgs)) == 23  # EXPECTED.md corpus total for Discord


def test_hand_made_folder_details(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "discord" / "zulip" / HAND)
    humans = Counter(m.author.id for m in users(msgs) if m.author.id not in BOT_IDS)
    assert humans == {"user001": 6, "user002": 5}
    ids = {m.message_id: m for m in msgs}
    assert ids["msg003"].reply_to == "msg001" and ids["msg003"].kind is MessageKind.USER
    join = ids["msg004"]
    assert join.kind is MessageKind.SYSTEM and join.text == "Welcome to the server!"
    assert join.timestamp == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert ids["msg007"].kind is MessageKind.SYSTEM
    assert ids["msg006"].text == "Hello <@user002>, check <#101> and @everyone"
    assert ids["msg005"].author.name == "Test Bot" and ids["msg005"].kind is MessageKind.USER
    [att] = ids["msg002"].attachments
    assert (att.name, att.size) == ("test-upload.png", 1024)
    thread = ids["msg201"]
    assert thread.thread_id == "200" and thread.conversation.kind is ConversationKind.CHANNEL
    assert (
        ids["dm001"].conversation.kind is ConversationKind.DM and ids["dm001"].conversation.member_count == 2
    )
    assert ids["gdm001"].conversation.kind is ConversationKind.GROUP
    assert ids["gdm001"].conversation.name == "Alice Smith, Bob Jones, Charlie Brown"
    assert ids["msg001"].conversation.name == "Test Server / Text / general"


def test_real_exporter_output_details(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "discord" / "zulip" / REAL)
    ids = {m.message_id: m for m in msgs}
    assert ids["1519312230385057824"].kind is MessageKind.SYSTEM  # GuildMemberJoin
    assert ids["1519313051889963128"].edited
    assert ids["1519313051889963128"].timestamp == datetime(2026, 6, 24, 19, 7, 39, 42000, tzinfo=PLUS7)
    assert ids["1519313109049806910"].text == ""
    assert [(a.name, a.size) for a in ids["1519313109049806910"].attachments] == [("textfile.txt", 7)]
    assert ids["1519313109049806910"].attachments[0].path == "media/textfile-4c786ca69cbbb240.txt"
    assert ids["1519313218810544328"].text == "" and not ids["1519313218810544328"].attachments
    assert ids["1519312865599684608"].text == "\U0001f4af"
    assert ids["1519312655884750991"].text == "**Bold** *italic* __underline__"
    assert {m.author.name for m in users(msgs)} == {"pieter"}


def _corpus(real: Path) -> list[Path]:
    paths = [p for p in sorted(real.rglob("*")) if p.relative_to(real).parts[0] != "discord"]
    return [p for p in paths if p.is_file() or p.is_dir()]


def test_discord_claims_nothing_else_in_the_corpus(real_fixtures: Path) -> None:
    assert [p for p in _corpus(real_fixtures) if READER.sniff(Source.open(p))] == []


def test_telegram_does_not_claim_the_discord_samples(real_fixtures: Path) -> None:
    paths = [real_fixtures / "discord", *sorted((real_fixtures / "discord").rglob("*"))]
    assert [p for p in paths if TelegramReader().sniff(Source.open(p))] == []
