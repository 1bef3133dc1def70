"""The Mattermost reader against the third-party samples in ../shared (EXPECTED.md, "Mattermost").

Counts are user-authored posts and replies (kind user), distinct author usernames, and the
join/add notices the export stores as ordinary posts (kind system). Skipped when absent.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.generic import JsonlReader
from scanner.readers.mattermost import MattermostReader

READER = MattermostReader()
FILES = {
    # path under mattermost/zulip: (user-authored, distinct authors, system)
    "export.json": (13, 4, 8),
    "guestExport.json": (13, 4, 8),
    "direct_channel/export.json": (10, 4, 1),
    "direct_channel": (10, 4, 1),
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
    msgs = read(real_fixtures / "mattermost" / "zulip" / name)
    user = users(msgs)
    assert (len(user), len({m.author.id for m in user}), len(msgs) - len(user)) == FILES[name]


def test_the_whole_folder(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "mattermost" / "zulip")
    assert len(users(msgs)) == 36  # EXPECTED.md corpus total for Mattermost


def test_export_details(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "mattermost" / "zulip" / "export.json")
    assert Counter(m.author.id for m in users(msgs)) == {"harry": 5, "ron": 5, "malfoy": 2, "snape": 1}
    ids = {m.message_id: m for m in msgs}
    # the reply hangs off a join notice, and is older than it
    root, reply = ids["export.json#14"], ids["export.json#14/r0"]
    assert root.kind is MessageKind.SYSTEM and root.text == "harry joined the channel."
    assert reply.kind is MessageKind.USER and reply.text == "The weather is so hot!"
    assert reply.reply_to == root.message_id == reply.thread_id
    assert reply.timestamp == datetime(2019, 3, 21, 11, 9, 44, 976000, tzinfo=UTC)
    assert root.timestamp == datetime(2019, 3, 21, 11, 10, 57, 86000, tzinfo=UTC)
    added = ids["export.json#22"]
    assert added.text == "ron added to the channel by harry." and added.kind is MessageKind.SYSTEM
    assert ids["export.json#30"].text == ":rofl: 4" and ids["export.json#30"].author.name == "malfoy"
    # snape posts under team gryffindor into a channel of the other team: kept as written
    snape = ids["export.json#33"]
    assert snape.conversation.id == "gryffindor/slytherin-quidditch-team"
    assert snape.author.name == "Severus Snape"
    army = ids["export.json#27"].conversation
    assert (army.name, army.kind, army.member_count) == (
        "Iago Realm / Dumbledores army",
        ConversationKind.CHANNEL,
        2,
    )


def test_guest_export_counts_the_guest(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "mattermost" / "zulip" / "guestExport.json")
    common = next(m.conversation for m in msgs if m.conversation.id == "slytherin/slytherin-common-room")
    assert (common.member_count, common.external_members) == (4, 1)  # malfoy, pansy, snape, sirius
    assert "Sirius Black" in common.members
    assert next(m for m in msgs if m.message_id == "guestExport.json#31").text == ":rofl:4"


def test_direct_channel_details(real_fixtures: Path) -> None:
    msgs = read(real_fixtures / "mattermost" / "zulip" / "direct_channel" / "export.json")
    assert Counter(m.author.id for m in users(msgs)) == {"harry": 5, "ron": 3, "ginny": 1, "voldemort": 1}
    ids = {m.message_id: m for m in msgs}
    dm = ids["export.json#16"]
    assert dm.text == "hey harry" and dm.conversation.kind is ConversationKind.DM
    assert dm.conversation.member_count == 2 and dm.conversation.name == "Harry Potter, Ron Weasley"
    assert [a.name for a in dm.attachments] == ["harry-ron.jpg"]
    group = ids["export.json#18"].conversation
    assert (group.kind, group.member_count) == (ConversationKind.GROUP, 3)
    # a DM between a pair with no direct_channel line
    assert ids["export.json#21"].conversation.id == "direct:harry,voldemort"
    assert ids["export.json#21"].author.name == "Tom Riddle"  # "teams": null does not matter
    assert [a.name for a in ids["export.json#13"].attachments] == ["this is a file"]
    assert ids["export.json#13"].attachments[0].path is None  # the file is not included


def _corpus(real: Path) -> list[Path]:
    paths = [p for p in sorted(real.rglob("*")) if p.relative_to(real).parts[0] != "mattermost"]
    return [p for p in paths if p.is_file() or p.is_dir()]


def test_mattermost_claims_nothing_else_in_the_corpus(real_fixtures: Path) -> None:
    assert [p for p in _corpus(real_fixtures) if READER.sniff(Source.open(p))] == []


def test_generic_jsonl_does_not_claim_the_mattermost_samples(real_fixtures: Path) -> None:
    paths = [real_fixtures / "mattermost", *sorted((real_fixtures / "mattermost").rglob("*"))]
    assert [p for p in paths if JsonlReader().sniff(Source.open(p))] == []
