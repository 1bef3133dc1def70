"""The Instagram reader against the third-party sample (shared/fixtures/real/instagram), and the
Matrix, Meta, Google Chat and Rocket.Chat readers against the rest of the corpus (no claims).

Expected numbers come from shared/fixtures/real/EXPECTED.md. There are no public samples of
Matrix, Google Chat/Hangouts or Rocket.Chat file exports (shared notes, section 4); those
readers are checked here only for not claiming other platforms' files.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.googlechat import GoogleChatReader
from scanner.readers.matrix import MatrixReader
from scanner.readers.meta import InstagramReader, MessengerReader
from scanner.readers.rocketchat import RocketChatReader

SAMPLE = Path("instagram") / "chat-miner" / "test_export.json"


def test_instagram_chat_miner_sample(real_fixtures: Path) -> None:
    path = real_fixtures / SAMPLE
    source = Source.open(path)
    assert InstagramReader().sniff(source)  # no participants/title: Instagram's minimal shape
    assert not MessengerReader().sniff(source)
    items = list(InstagramReader().read(source))
    assert not [i for i in items if isinstance(i, Skipped)]
    msgs = [i for i in items if isinstance(i, Message)]
    users = [m for m in msgs if m.kind is MessageKind.USER]
    # EXPECTED.md: 2 user-authored messages, 2 authors, newest first
    assert len(users) == 2 and len(msgs) == 2
    assert len({m.author.id for m in users}) == 2
    assert [(m.message_id, m.author.name, m.timestamp, m.text) for m in msgs] == [
        ("test_export.json#0", "John Doe", datetime(2020, 1, 17, 20, 49, tzinfo=UTC), "Hello Jane!"),
        ("test_export.json#1", "Jane Doe", datetime(2019, 12, 24, 11, 23, tzinfo=UTC), "Hello John!"),
    ]
    assert {m.platform for m in msgs} == {"instagram"}
    assert msgs[0].location == f"{path}#/messages/0"
    conv = msgs[0].conversation
    # no participants, title or thread_path: the file names the conversation; its kind is unknown
    assert (conv.id, conv.name, conv.kind, conv.member_count) == (
        "test_export.json",
        "test_export.json",
        ConversationKind.GROUP,
        None,
    )


def test_instagram_sample_folder_is_claimed_as_instagram(real_fixtures: Path) -> None:
    for path in (real_fixtures / "instagram", real_fixtures / "instagram" / "chat-miner"):
        source = Source.open(path)
        assert InstagramReader().sniff(source) and not MessengerReader().sniff(source)
        assert len([m for m in InstagramReader().read(source) if isinstance(m, Message)]) == 2


READERS = (MatrixReader(), MessengerReader(), InstagramReader(), GoogleChatReader(), RocketChatReader())


def _corpus(real: Path) -> list[Path]:
    paths = [real, *sorted(real.rglob("*"))]
    return [p for p in paths if not p.relative_to(real).parts or p.relative_to(real).parts[0] != "instagram"]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
def test_claims_nothing_else_in_the_corpus(real_fixtures: Path, reader: object) -> None:
    claimed = [p for p in _corpus(real_fixtures) if reader.sniff(Source.open(p))]  # type: ignore[attr-defined]
    assert claimed == []
