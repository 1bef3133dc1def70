"""Text from a chat export, made safe to show: no control or direction character acts.

Chat text, author names, file names inside archives and server error messages are written
by strangers. Shown raw, an ESC sequence clears a terminal or fakes a line, and a
right-to-left override (U+202E) makes "exe.txt" read "txt.exe" or reverses a name in a
report. Everything shown to a person goes through :func:`visible_controls`, which
replaces each such character with a visible escape (``\\x1b``, ``\\u202e``) so the reader
sees that it was there.
"""

from __future__ import annotations

import re

# C0 controls (but tab and newline, which a caller may keep), DEL and C1 controls.
_C0_C1 = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Invisible format characters that change how text around them is ordered or read:
# bidi marks, embeddings, overrides and isolates, zero-width characters, the BOM.
# U+2028/U+2029 break a line in some viewers while a one-line field looks whole elsewhere.
_FORMAT = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile(f"[{_C0_C1}{_FORMAT}\t\n\r]")
_KEEP_LINES = re.compile(f"[{_C0_C1}{_FORMAT}]")
# What JSON text may still hold raw once json.dumps has escaped C0 (it leaves DEL, C1 and
# format characters as they are when ensure_ascii is off).
_JSON_RAW = re.compile(f"[\x7f-\x9f{_FORMAT}]")


def _escape(match: re.Match[str]) -> str:
    cp = ord(match.group(0))
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def visible_controls(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control and invisible format character shown as an escape.

    Tabs and line breaks are escaped too unless ``keep_newlines`` (for multi-line
    snippets); a one-line field such as a name or a path stays one line.
    """
    pattern = _KEEP_LINES if keep_newlines else _ANY
    return pattern.sub(_escape, text)


def has_bidi_controls(text: str) -> bool:
    """True when ``text`` holds a character that reorders the text around it."""
    return _BIDI.search(text) is not None


def one_line(text: str, limit: int = 500) -> str:
    """A terminal-safe single line: controls escaped, cut to ``limit`` characters."""
    safe = visible_controls(text)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def control_segments(text: str, keep_newlines: bool = False) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, is_escape)`` pairs: plain text, and the visible escape of
    each control or format character (what :func:`visible_controls` puts in its place).

    A renderer that can style (HTML) marks the escapes so a reader notices them.
    """
    pattern = _KEEP_LINES if keep_newlines else _ANY
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((_escape(match), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def json_escape_invisible(json_text: str) -> str:
    """JSON text with every raw DEL, C1 and format character written as a ``\\uXXXX`` escape.

    Such characters can only stand inside JSON strings, and the escape parses back to the
    same character, so the data is unchanged; only a person reading the file (or a terminal
    printing it) no longer has the text around it reordered or hidden.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)
