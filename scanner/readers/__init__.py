"""The reader registry and format detection.

``READERS`` is in sniffing order: the most specific layouts first, the generic contract
formats last, so a Slack day file is never taken for generic JSON.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from scanner.errors import ReaderError, UsageError
from scanner.model import Skipped
from scanner.readers.base import Reader, Source
from scanner.readers.discord import DiscordReader
from scanner.readers.generic import CsvReader, JsonlReader
from scanner.readers.googlechat import GoogleChatReader
from scanner.readers.imessage import IMessageReader
from scanner.readers.lanying import LanyingReader
from scanner.readers.line import LineReader
from scanner.readers.matrix import MatrixReader
from scanner.readers.mattermost import MattermostReader
from scanner.readers.meta import InstagramReader, MessengerReader
from scanner.readers.qq import QQReader
from scanner.readers.rocketchat import RocketChatReader
from scanner.readers.signal import SignalReader
from scanner.readers.slack import SlackReader
from scanner.readers.teams import TeamsReader
from scanner.readers.telegram import TelegramReader
from scanner.readers.wechat import WeChatReader
from scanner.readers.whatsapp import WhatsAppReader
from scanner.readers.zulip import ZulipReader

READERS: tuple[Reader, ...] = (
    SlackReader(),
    TelegramReader(),
    WhatsAppReader(),
    TeamsReader(),
    DiscordReader(),
    MattermostReader(),
    ZulipReader(),
    RocketChatReader(),
    GoogleChatReader(),
    MessengerReader(),
    InstagramReader(),
    MatrixReader(),
    WeChatReader(),
    QQReader(),
    LineReader(),
    SignalReader(),
    IMessageReader(),
    LanyingReader(),
    JsonlReader(),
    CsvReader(),
)

UNRECOGNISED = "not a recognised chat export format"


def get_reader(name: str) -> Reader:
    for reader in READERS:
        if reader.name == name:
            return reader
    names = ", ".join(r.name for r in READERS)
    raise UsageError(f"unknown input format '{name}' (known: {names}; see 'chatsweep formats')")


def _sniff(source: Source) -> Reader | None:
    for reader in READERS:
        try:
            if reader.sniff(source):
                return reader
        except ReaderError:
            continue
    return None


def detect(
    path: Path, forced: str | None = None, exclude: Collection[Path] = ()
) -> tuple[list[tuple[Source, Reader]], list[Skipped]]:
    """The inputs found at ``path``, each with its reader, and the files nobody could read.

    A folder or zip that no reader claims as a whole is split into its top-level children,
    each detected on its own (so ``examples/`` holding a Slack folder and a WhatsApp file
    works). Files and folders in ``exclude`` (chatsweep's own outputs) are left out.
    Raises ReaderError when ``path`` itself cannot be read or recognised.
    """
    source = Source.open(path, exclude)
    if forced is not None:
        return [(source, get_reader(forced))], []
    found: list[tuple[Source, Reader]] = []
    skipped: list[Skipped] = []
    _detect_into(source, found, skipped)
    if not found and source.kind == "file":
        raise ReaderError(
            str(path), f"{UNRECOGNISED}; choose one with --input-format (see 'chatsweep formats')"
        )
    return found, skipped


def _detect_into(source: Source, found: list[tuple[Source, Reader]], skipped: list[Skipped]) -> None:
    reader = _sniff(source)
    if reader is not None:
        found.append((source, reader))
        return
    if source.kind == "file":
        skipped.append(Skipped(source.display, UNRECOGNISED))
        return
    folders: list[str] = []
    for entry in source.entries():
        if "/" in entry.name:
            top = entry.name.split("/", 1)[0]
            if top not in folders:
                folders.append(top)
        elif source.is_zip_entry(entry):
            try:
                nested = Source.nested(entry, _child_path(source, entry.name), source.depth)
            except ReaderError as exc:
                skipped.append(Skipped(exc.location, exc.reason))
                continue
            _detect_into(nested, found, skipped)
        else:
            _detect_into(Source.single(entry, _child_path(source, entry.name)), found, skipped)
    for top in folders:
        _detect_into(Source.subtree(source, top + "/", _child_path(source, top)), found, skipped)


def _child_path(source: Source, name: str) -> Path:
    if source.kind == "zip":
        return Path(f"{source.path}!{name}")
    return source.path / name
