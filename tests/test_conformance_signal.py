"""The Signal reader against the third-party sample in ../shared (EXPECTED.md, "Signal").

chat-miner's ``test/signal/test_export.txt``: 2 messages by 2 authors, one of them multi-line.
There are no public iMessage (imessage-exporter) or Lanying samples; those readers are
covered by synthetic fixtures only. Skipped when the samples are absent.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.imessage import IMessageReader
from scanner.readers.lanying import LanyingReader
from scanner.readers.signal import SignalReader
from scanner.readers.whatsapp import WhatsAppReader

READER = SignalReader()


@pytest.fixture
def sample(real_fixtures: Path) -> Path:
    path = real_fixtures / "signal" / "chat-miner" / "test_export.txt"
    if not path.is_file():
        pytest.skip("no Signal sample")
    return path


def test_chat_miner_sample(sample: Path) -> None:
    source = Source.open(sample)
    assert READER.sniff(source)
    items = list(READER.read(source))
    assert not [i for i in items if isinstance(i, Skipped)]
    msgs = [m for m in items if isinstance(m, Message)]
    assert [m.kind for m in msgs] == [MessageKind.USER, MessageKind.USER]
    assert [(m.message_id, m.author.name, m.timestamp, m.text) for m in msgs] == [
        ("L1", "Jane Doe", datetime(2019, 12, 24, 12, 23), "Hello John!"),
        ("L2", "John Doe", datetime(2020, 1, 17, 21, 49), "Hello\nJane!"),
    ]
    assert len({m.author.id for m in msgs}) == 2
    conv = msgs[0].conversation
    assert (conv.name, conv.kind, conv.member_count) == ("test_export", ConversationKind.DM, 2)
    assert msgs[1].location == f"{sample}:2"


def test_sample_is_left_to_the_signal_reader(sample: Path) -> None:
    source = Source.open(sample)
    for reader in (WhatsAppReader(), IMessageReader(), LanyingReader()):
        assert not reader.sniff(source), reader.name


def test_signal_refuses_the_other_real_samples(real_fixtures: Path) -> None:
    others = [p for p in sorted(real_fixtures.rglob("*")) if p.is_file() and "signal" not in p.parts]
    assert others
    for path in others:
        assert not READER.sniff(Source.open(path)), path.relative_to(real_fixtures)
    for reader in (IMessageReader(), LanyingReader()):
        for path in others:
            assert not reader.sniff(Source.open(path)), (reader.name, path.relative_to(real_fixtures))
