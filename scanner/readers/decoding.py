"""Text decoding of entries: encoding detection, decoded lines, UTF-8 streams for ijson."""

from __future__ import annotations

import codecs
import io
import json
import re
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from scanner.errors import ReaderError
from scanner.readers.limits import HEAD_BYTES

if TYPE_CHECKING:
    from scanner.readers.base import Entry

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes, prefer: tuple[str, ...] = ()) -> str:
    """Guess the encoding of a text file from its first bytes: BOM, UTF-8, then charset-normalizer.

    ``prefer`` names the encodings the exporting application is known to write, most likely
    first (``CHINESE_ENCODINGS`` for a Chinese application). charset-normalizer often takes
    short text in them for something else (short GB18030 for Korean cp949 or a Latin code
    page), so when its guess is neither Unicode nor one of ``prefer``, the first of ``prefer``
    that decodes the bytes (a character cut by the end of ``head`` allowed) wins.
    """
    guess = _detect(head)
    return _preferred(head, guess, prefer) if prefer else guess


# The encodings of Chinese applications' exports (QQ, WeChat): GB18030 first, as it covers
# GBK and GB2312 and decodes whatever bytes the others decode.
CHINESE_ENCODINGS = ("gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp936")


def _preferred(head: bytes, guess: str, prefer: tuple[str, ...]) -> str:
    try:
        norm = codecs.lookup(guess).name
    except LookupError:
        return guess
    if norm.startswith("utf") or norm in {codecs.lookup(p).name for p in prefer}:
        return guess
    for enc in prefer:
        for cut in range(4):  # the head may end inside a character
            try:
                head[: len(head) - cut].decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    return guess


def _detect(head: bytes) -> str:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    if not head:
        return "utf-8"
    # UTF-16 without a BOM: many NULs in alternating positions.
    if head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the head boundary
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        return "utf-8"
    # Single-byte Latin code pages are hard to tell apart on short samples; Windows-1252 is
    # by far the most common in chat exports, so it wins whenever it decodes the bytes.
    if best.encoding in _LATIN_SINGLE_BYTE:
        try:
            head.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding


_LATIN_SINGLE_BYTE = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_9", "iso8859_15", "mac_latin2"}
)


def read_text(entry: Entry) -> tuple[str, str]:
    """Decode a whole (text) entry; returns (text, encoding). Undecodable bytes become U+FFFD."""
    with entry.open() as fh:
        data = fh.read()
    enc = detect_encoding(data[:HEAD_BYTES])
    return data.decode(enc, errors="replace"), enc


def iter_lines(entry: Entry) -> tuple[Iterator[str], str]:
    """Stream decoded lines (newline kept) of an entry, and the encoding assumed."""
    enc = detect_encoding(entry.head())
    fh = entry.open()

    def gen() -> Iterator[str]:
        with io.TextIOWrapper(fh, encoding=enc, errors="replace", newline="") as text:
            yield from text

    return gen(), enc


def load_json(entry: Entry) -> Any:
    """Parse a (small) JSON entry; raises ReaderError with the location on bad JSON."""
    text, _ = read_text(entry)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderError(entry.location, f"invalid JSON at line {exc.lineno} column {exc.colno}") from None


# ijson's C backend (yajl2_c) crashes the interpreter (SIGSEGV) when int() refuses a number
# longer than Python's int-string limit (4,300 digits by default). So the limit is raised to a
# size that still converts in milliseconds, and every stream fed to ijson refuses a longer run
# of digits before the parser sees it (a message holding 100,000 digits in a row is no chat).
MAX_DIGIT_RUN = 100_000
if 0 < sys.get_int_max_str_digits() < MAX_DIGIT_RUN + 1:
    sys.set_int_max_str_digits(MAX_DIGIT_RUN + 1)
_ASCII_DIGITS = "0123456789"
# A run longer than the limit, tried only where a run starts (the look-behind), so a run
# just under the limit is scanned once, not once per digit.
_LONG_DIGIT_RUN = re.compile(rf"(?<![0-9])[0-9]{{{MAX_DIGIT_RUN + 1}}}")


class DigitRunTooLong(ValueError):
    """A run of digits longer than MAX_DIGIT_RUN: refused before ijson parses it."""


class Utf8Stream(io.RawIOBase):
    """Bytes of ``fh`` decoded from ``encoding`` and re-encoded as UTF-8, for ijson.

    Undecodable bytes become U+FFFD, as in ``read_text``; a BOM is dropped. A run of more
    than MAX_DIGIT_RUN digits raises DigitRunTooLong (a ValueError, so IJSON_ERRORS covers it).
    """

    def __init__(self, fh: IO[bytes], encoding: str, limit: int | None = None) -> None:
        self._text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        self._pending = b""
        self._first = True
        self._left = limit  # characters still to read, for sniffing
        self._run = 0  # digits at the end of what was read so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = len(buffer)
        while len(self._pending) < want:
            size = max(want // 4, 1)
            if self._left is not None:
                size = min(size, self._left)
                if size <= 0:
                    break
                self._left -= size
            chunk = self._text.read(size)
            if not chunk:
                break
            if self._first:
                chunk, self._first = chunk.removeprefix("\ufeff"), False
            self._check_digits(chunk)
            self._pending += chunk.encode("utf-8", errors="replace")
        out, self._pending = self._pending[:want], self._pending[want:]
        buffer[: len(out)] = out
        return len(out)

    def _check_digits(self, chunk: str) -> None:
        # Runs are found by the regex engine, not one match object per run in Python: chat
        # text is full of short numbers, and that loop was most of the time spent reading.
        lead = len(chunk) - len(chunk.lstrip(_ASCII_DIGITS))
        if self._run + lead > MAX_DIGIT_RUN or _LONG_DIGIT_RUN.search(chunk):
            raise DigitRunTooLong(f"a number longer than {MAX_DIGIT_RUN} digits")
        tail = len(chunk) - len(chunk.rstrip(_ASCII_DIGITS))
        self._run = tail + (self._run if tail == len(chunk) else 0)

    def close(self) -> None:
        if not self.closed:
            self._text.close()
        super().close()


def open_utf8(entry: Entry, limit: int | None = None) -> tuple[IO[bytes], str]:
    """A UTF-8 byte stream of ``entry`` whatever its encoding (for ijson), and the encoding assumed.

    ``limit`` caps the characters read (for sniffing).
    """
    enc = detect_encoding(entry.head(HEAD_BYTES))
    return io.BufferedReader(Utf8Stream(entry.open(), enc, limit)), enc


def head_text(entry: Entry, n: int = HEAD_BYTES, prefer: tuple[str, ...] = ()) -> str:
    """The first ``n`` bytes of an entry, decoded (for sniffing); see ``detect_encoding``."""
    head = entry.head(n)
    return head.decode(detect_encoding(head, prefer), errors="replace")


def first_char(entry: Entry) -> str:
    """The first character that is not white space or a BOM, in the file's own encoding."""
    return head_text(entry, 256).lstrip("\ufeff \t\r\n")[:1]


def text_lines(entry: Entry, encoding: str) -> Iterator[str]:
    """Decoded lines of an entry without their line ends, a leading BOM dropped.

    With ``newline=""`` a line ends in exactly one of ``\\n``, ``\\r\\n``, ``\\r``, so stripping
    both characters is exact.
    """
    fh = entry.open()
    with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
        for n, raw in enumerate(text):
            yield raw.rstrip("\r\n").lstrip("\ufeff") if n == 0 else raw.rstrip("\r\n")


def strip_eol(line: str) -> str:
    """A line without its line end (one of ``\\r\\n``, ``\\n``, ``\\r``)."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line
