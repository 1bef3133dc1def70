"""The reader registry and format detection.

``READERS`` is in sniffing order: the most specific layouts first, the generic contract
formats last, so a Slack day file is never taken for generic JSON.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from pathlib import Path

from scanner.errors import ReaderError, UsageError
from scanner.model import Skipped
from scanner.readers.base import READ_ERRORS, ZIP_MAGIC, Entry, Reader, Source, os_reason
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

log = logging.getLogger(__name__)

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
HINT = "choose one with --input-format (see 'chatsweep formats')"
EMPTY = "empty file"
TELEGRAM_HTML = "a Telegram HTML export: re-export it as JSON (Settings › Export chat history › Format: JSON)"
# Telegram Desktop names its HTML pages messages.html, messages2.html, …
_TELEGRAM_PAGE = re.compile(r"messages\d*\.html?")
_TELEGRAM_MARKERS = (b'class="page_wrap"', b"<title>Exported Data</title>", b'class="message default')
# The exporters whose output the WeChat, iMessage and Signal readers read.
SQLITE_TOOLS = (
    "export the chats with a tool first (WeChat: WeChatMsg/MemoTrace to HTML or CSV; "
    "iMessage: imessage-exporter --format txt; Signal Desktop: signal-export (sigexport) "
    "to Markdown or JSON)"
)
SQLITE = f"an SQLite database, not a chat export: {SQLITE_TOOLS}"
DATABASE_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3", ".db3"})
OFFICE = "an Office document, not a chat export: save the chat as text, CSV or JSON first"
# Office Open XML and OpenDocument are zips; read as zips they would spill their XML parts.
OFFICE_SUFFIXES = frozenset(
    {".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm", ".odt", ".ods", ".odp", ".epub"}
)
ARCHIVE = "a {} archive: unpack it first (only zip archives are read directly)"
# Magic bytes at the start of a file, most specific first: what a file is when no reader
# claims it, so the reason says what to do instead of "choose a format".
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF, not a chat export"),
    (b"SQLite format 3\x00", SQLITE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OFFICE),  # OLE2: .doc, .xls, .ppt, .msg
    (b"\x89PNG\r\n\x1a\n", "an image (PNG), not a chat export"),
    (b"\xff\xd8\xff", "an image (JPEG), not a chat export"),
    (b"GIF87a", "an image (GIF), not a chat export"),
    (b"GIF89a", "an image (GIF), not a chat export"),
    (b"II*\x00", "an image (TIFF), not a chat export"),
    (b"MM\x00*", "an image (TIFF), not a chat export"),
    (b"BM", "an image (BMP), not a chat export"),
    (b"\x7fELF", "an executable program, not a chat export"),
    (b"MZ", "an executable program, not a chat export"),
    (b"\xcf\xfa\xed\xfe", "an executable program, not a chat export"),
    (b"\xce\xfa\xed\xfe", "an executable program, not a chat export"),
    (b"\xfe\xed\xfa\xcf", "an executable program, not a chat export"),
    (b"\xfe\xed\xfa\xce", "an executable program, not a chat export"),
    (b"\x1f\x8b", ARCHIVE.format("gzip")),
    (b"7z\xbc\xaf\x27\x1c", ARCHIVE.format("7-Zip")),
    (b"Rar!\x1a\x07", ARCHIVE.format("RAR")),
    (b"BZh", ARCHIVE.format("bzip2")),
    (b"\xfd7zXZ\x00", ARCHIVE.format("xz")),
    (b"ID3", "audio, not a chat export"),
    (b"OggS", "audio or video, not a chat export"),
)
SNIFF_MAGIC_BYTES = 4096


def unrecognised_reason(entry: Entry) -> str:
    """Why no reader claims ``entry``, as something a person can act on.

    Read errors, emptiness, known non-chat file kinds (by magic bytes) and Telegram's HTML
    export each get their own reason; only text that nothing places is "not a recognised
    chat export format".
    """
    try:
        with entry.open() as fh:
            head = fh.read(SNIFF_MAGIC_BYTES)
    except ReaderError as exc:
        return exc.reason
    except READ_ERRORS as exc:
        return os_reason(exc) if isinstance(exc, OSError) else "cannot read: damaged file"
    if not head:
        return EMPTY
    if _is_telegram_html(entry.basename or entry.location, head):
        return TELEGRAM_HTML
    text = _is_text(head)
    for magic, reason in _MAGIC:
        # Short printable magics ("MZ", "BM", "BZh", "ID3") also start ordinary words.
        if head.startswith(magic) and (
            len(magic) >= 4 or not text or not magic.isascii() or not magic.isalnum()
        ):
            return reason
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "an image (HEIC/AVIF), not a chat export"
    if head[4:8] == b"ftyp":
        return "audio or video, not a chat export"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "an image (WebP), not a chat export"
    if head[:4] == b"RIFF":
        return "audio or video, not a chat export"
    if head[257:262] == b"ustar":
        return ARCHIVE.format("tar")
    if entry.suffix in OFFICE_SUFFIXES:
        return OFFICE
    if head[:4] == ZIP_MAGIC:
        return "a zip archive no chat export reader recognises"
    if text:
        return UNRECOGNISED
    if entry.suffix in DATABASE_SUFFIXES:
        # WeChat's MSG*.db and EnMicroMsg.db are SQLCipher: no SQLite header, random bytes.
        return f"an encrypted or unknown database, not a chat export: {SQLITE_TOOLS}"
    return f"{UNRECOGNISED} (binary data of an unknown kind)"


def _is_telegram_html(name: str, head: bytes) -> bool:
    base = name.replace("\\", "/").rpartition("/")[2].rpartition("!")[2].lower()
    return _TELEGRAM_PAGE.fullmatch(base) is not None and any(m in head for m in _TELEGRAM_MARKERS)


def _is_text(head: bytes) -> bool:
    """Whether ``head`` looks like text in some encoding (few control bytes; UTF-16 allowed)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in head:
        # UTF-16 without a BOM: the NULs of ASCII-range text all on one side of each pair.
        even, odd = head[0::2], head[1::2]
        return any(
            a.count(0) > len(a) * 9 // 10 and b.count(0) < len(b) // 10 for a, b in ((even, odd), (odd, even))
        )
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls <= len(head) // 100


def _is_office_zip(source: Source) -> bool:
    return source.path.suffix.lower() in OFFICE_SUFFIXES or any(
        n in ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml") for n in source.names()
    )


def _telegram_html_folder(source: Source) -> bool:
    """A Telegram Desktop HTML export: nothing but HTML pages at its top (messages.html,
    messages2.html, …) beside its css/, js/ and media folders."""
    root = source.strip_root()
    top = [e for e in source.entries() if e.name.startswith(root) and "/" not in e.name[len(root) :]]
    if not top or any(e.suffix not in (".html", ".htm") for e in top):
        return False
    entry = source.get(root + "messages.html")
    return entry is not None and _is_telegram_html("messages.html", entry.head(SNIFF_MAGIC_BYTES))


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
    path: Path,
    forced: str | None = None,
    exclude: Collection[Path] = (),
    reports: list[Skipped] | None = None,
) -> tuple[list[tuple[Source, Reader]], list[Skipped]]:
    """The inputs found at ``path``, each with its reader, and what cannot be read.

    A folder or zip that no reader claims as a whole is split into its top-level children,
    each detected on its own (so ``examples/`` holding a Slack folder and a WhatsApp file
    works). Files and folders in ``exclude`` (chatsweep's own outputs) are left out.
    Everything found but not read (an unrecognised or unreadable file, a symbolic link, an
    unsafe zip member, an unlistable folder) is in the second list, with its reason.
    chatsweep's own reports met in the tree are not input and not unread: they are left
    out of that list and appended to ``reports`` when the caller passes one.
    Raises ReaderError when ``path`` itself cannot be read or recognised.
    """
    source = Source.open(path, exclude)
    skipped: list[Skipped] = list(source.skipped)
    own = source.reports
    if forced is not None:
        if reports is not None:
            reports.extend(own)
        return [(source, get_reader(forced))], skipped
    found: list[tuple[Source, Reader]] = []
    _detect_into(source, found, skipped, own)
    if reports is not None:
        reports.extend(own)
    for item in own:
        log.info("%s: %s", item.location, item.reason)
    if not found and source.kind == "file":
        reason = skipped[0].reason if skipped else UNRECOGNISED
        if reason == UNRECOGNISED:
            reason = f"{UNRECOGNISED}; {HINT}"
        raise ReaderError(str(path), reason)
    if not found and source.kind == "zip" and _is_office_zip(source):
        raise ReaderError(str(path), OFFICE)
    return found, skipped


def _detect_into(
    source: Source, found: list[tuple[Source, Reader]], skipped: list[Skipped], own: list[Skipped]
) -> None:
    reader = _sniff(source)
    if reader is not None:
        found.append((source, reader))
        return
    if source.kind == "file":
        entries = source.entries()
        reason = unrecognised_reason(entries[0]) if entries else EMPTY
        skipped.append(Skipped(source.display, reason))
        return
    if _telegram_html_folder(source):
        skipped.append(Skipped(source.display, TELEGRAM_HTML))
        return
    folders: list[str] = []
    for entry in source.entries():
        if "/" in entry.name:
            top = entry.name.split("/", 1)[0]
            if top not in folders:
                folders.append(top)
        elif entry.suffix in OFFICE_SUFFIXES:
            skipped.append(Skipped(entry.location, OFFICE))
        elif source.is_zip_entry(entry):
            try:
                nested = Source.nested(entry, _child_path(source, entry.name), source.depth)
            except ReaderError as exc:
                skipped.append(Skipped(exc.location, exc.reason))
                continue
            skipped.extend(nested.skipped)
            own.extend(nested.reports)
            if _is_office_zip(nested):
                skipped.append(Skipped(entry.location, OFFICE))
                continue
            _detect_into(nested, found, skipped, own)
        else:
            _detect_into(Source.single(entry, _child_path(source, entry.name)), found, skipped, own)
    for top in folders:
        _detect_into(Source.subtree(source, top + "/", _child_path(source, top)), found, skipped, own)


def _child_path(source: Source, name: str) -> Path:
    if source.kind == "zip":
        return Path(f"{source.path}!{name}")
    return source.path / name
