"""The Teams reader against the third-party samples in ../shared (EXPECTED.md, "Microsoft Teams").

Counts are user-authored messages (messageType message with a sender), distinct author ids,
and system events. The folder is de-duplicated by (conversation, Id) across per-user files.
Skipped when the samples are absent.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.teams import TeamsReader

READER = TeamsReader()
ROOT = "TeamsData_ZulipChat"
TEAM = "7c050abd-3cbb-448b-a9de-405f54cc14b2"
PIETER = "88cbf3c2-0810-4d32-aa19-863c12bf7be9"
ZOE = "5dbe468a-1e96-4aaa-856d-cdf825081e11"
WILL = "9bd4aca7-99cf-4b1b-a16d-e25717dc9414"
ALYA = "3c6ee395-529d-4681-b5f7-582c707570f6"
FILES = {
    # path under microsoft_teams/zulip: (user-authored, distinct authors, system)
    f"{ROOT}/teams/{TEAM}/messages_{TEAM}.json": (4, 3, 3),
    f"{ROOT}/users/{PIETER}/messages_{PIETER}.json": (6, 2, 3),
    f"{ROOT}/users/{ZOE}/messages_{ZOE}.json": (1, 1, 1),
    ROOT: (10, 3, 6),  # de-duplicated: 11 and 7 without
}


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
    msgs = read(real_fixtures / "microsoft_teams" / "zulip" / name)
    user = users(msgs)
    assert (len(user), len({m.author.id for m in user}), len(msgs) - len(user)) == FILES[name]


def test_folder_per_author_and_dedup(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "microsoft_teams" / "zulip" / ROOT)
    names = {PIETER: "Pieter K", ALYA: "Alya Abbott", WILL: "Will Begon"}
    assert Counter(names[m.author.id] for m in users(msgs)) == {
        "Pieter K": 5,
        "Alya Abbott": 2,
        "Will Begon": 3,
    }
    ids = [m.message_id for m in msgs]
    assert ids.count("1760014861662") == 1 and ids.count("1760014861194") == 1
    # the copy read is the first one met: users are read in name order, so Zoe's file
    dup = next(m for m in msgs if m.message_id == "1760014861662")
    assert f"users/{ZOE}/messages_{ZOE}.json#/0" in dup.location


def test_channel_thread_and_html(real_fixtures: Path) -> None:
    msgs = {m.message_id: m for m in read(real_fixtures / "microsoft_teams" / "zulip" / ROOT)}
    root = msgs["1755167284801"]
    assert root.text.startswith("I question the need for interrupts.")
    assert root.text.endswith("collaborating in this manner.")
    assert root.thread_id == "1755167284801" and root.reply_to is None
    assert root.timestamp == datetime(2025, 8, 14, 10, 28, 4, 801000, tzinfo=UTC)
    conv = root.conversation
    assert (conv.name, conv.kind, conv.member_count) == ("Core team / General", ConversationKind.CHANNEL, 2)
    assert conv.members == ("Alya Abbott", "Pieter K")
    replies = [m for m in msgs.values() if m.reply_to == "1755167284801"]
    assert len(replies) == 3 and all(m.thread_id == "1755167284801" for m in replies)
    assert msgs["1755192369203"].text == "Good question! I dunno"
    assert msgs["1755192395975"].text == 'print("hi")'
    will = msgs["1760014782392"]
    assert will.text == "Message from a deactivated user!\U0001f47b"
    assert will.author.name == "Will Begon" and not will.edited  # a reaction is not an edit
    assert msgs["1760015524547"].kind is MessageKind.SYSTEM
    assert msgs["1760015524547"].author.id == "62b732f7-fc71-40bc-b27d-35efcb0509de"  # an application


def test_chats(real_fixtures: Path) -> None:
    msgs = {m.message_id: m for m in read(real_fixtures / "microsoft_teams" / "zulip" / ROOT)}
    assert msgs["1754976555179"].text == "I'm in!"
    assert msgs["1755004986602"].edited and not msgs["1755004988802"].edited
    dm = msgs["1754976555179"].conversation
    assert (dm.kind, dm.member_count, dm.name) == (ConversationKind.DM, 2, "Alya Abbott, Pieter K")
    linked = msgs["1755005011115"].text
    assert linked.startswith("Iago 3:25 PM\nAs a first step,") and linked.endswith("\nimage")
    group = msgs["1760014861662"].conversation
    assert (
        group.kind is ConversationKind.GROUP and group.id == "19:9738fef44f39480baff12e585aa9685e@thread.v2"
    )
    assert msgs["1760014807888"].conversation.name == "Pieter K, Will Begon"  # Will is in no user list


def test_teams_folder_inside_a_zip(real_fixtures: Path, tmp_path: Path) -> None:
    import zipfile

    base = real_fixtures / "microsoft_teams" / "zulip"
    archive = tmp_path / "teams.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((base / ROOT).rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(base).as_posix())
    msgs = read(archive)
    assert len(users(msgs)) == 10 and len(msgs) == 16


def _corpus(real: Path) -> list[Path]:
    paths = [p for p in sorted(real.rglob("*")) if p.relative_to(real).parts[0] != "microsoft_teams"]
    return [p for p in paths if p.is_file() or p.is_dir()]


def test_teams_claims_nothing_else_in_the_corpus(real_fixtures: Path) -> None:
    assert [p for p in _corpus(real_fixtures) if READER.sniff(Source.open(p))] == []
