"""The Zulip, WeChat, QQ and LINE readers against the third-party corpus in ../shared.

The corpus holds no export of these four formats (EXPECTED.md; the shared notes, section 4,
list them as gaps), so conformance here means: none of the four claims any real sample of
another format, and a forced read of one yields no user message and never crashes. The
first test fails when samples of these formats are added, so their counts get checked here.
Skipped when the corpus is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.errors import ReaderError
from scanner.model import Message, MessageKind, Skipped
from scanner.readers.base import Reader, Source
from scanner.readers.line import LineReader
from scanner.readers.qq import QQReader
from scanner.readers.wechat import WeChatReader
from scanner.readers.zulip import ZulipReader

READERS: tuple[Reader, ...] = (ZulipReader(), WeChatReader(), QQReader(), LineReader())
PLATFORMS = re.compile(r"zulip|wechat|weixin|qq|line", re.IGNORECASE)


def corpus_paths(real: Path) -> list[Path]:
    """Every sample file and folder of the corpus (folders are inputs too)."""
    return sorted(p for p in real.rglob("*") if p.name not in ("EXPECTED.md", "SOURCES.md"))


def test_the_corpus_has_no_samples_of_these_formats(real_fixtures: Path) -> None:
    expected = (real_fixtures / "EXPECTED.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1] for line in expected.splitlines() if line.startswith("| `")]
    assert rows, "EXPECTED.md has no summary table"
    assert not [r for r in rows if PLATFORMS.search(r.split("/")[0])]
    assert not [p for p in real_fixtures.iterdir() if p.is_dir() and PLATFORMS.fullmatch(p.name)]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
def test_no_real_sample_is_claimed(real_fixtures: Path, reader: Reader) -> None:
    claimed = [p for p in [real_fixtures, *corpus_paths(real_fixtures)] if reader.sniff(Source.open(p))]
    assert claimed == []


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
def test_forced_reads_of_real_samples_yield_no_user_messages(real_fixtures: Path, reader: Reader) -> None:
    for path in corpus_paths(real_fixtures):
        if not path.is_file():
            continue
        try:
            items = list(reader.read(Source.open(path)))
        except ReaderError:
            continue
        assert all(isinstance(i, Message | Skipped) for i in items), path
        users = [i for i in items if isinstance(i, Message) and i.kind is MessageKind.USER]
        assert users == [], path
        # Reasons never quote the sample's text.
        for item in items:
            if isinstance(item, Skipped):
                assert "Doe" not in item.reason and "Lorem" not in item.reason, path


def test_text_samples_are_refused_by_every_text_sniffer(real_fixtures: Path) -> None:
    """The Signal and WhatsApp text samples (EXPECTED.md) belong to their own readers."""
    texts = [p for p in corpus_paths(real_fixtures) if p.suffix == ".txt"]
    assert any("signal" in p.parts for p in texts) and any("whatsapp" in p.parts for p in texts)
    for reader in (QQReader(), LineReader(), WeChatReader()):
        assert not [p for p in texts if reader.sniff(Source.open(p))], reader.name
