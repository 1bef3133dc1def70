"""Masked context: the words around a value, so a finding can be judged without the export.

A snippet is about ``WIDTH`` characters either side of the value, taken from the text part
that holds it, with every value detected in that part masked (the value itself too, unless
the scan shows values; the others stay masked even then). A value the window's edge would
cut is masked whole, never shown in part. Whitespace runs become one space; the window is
cut only between grapheme clusters (an emoji with its modifiers, a letter with its accents
stay whole) and, in spaced scripts, at a word's edge when one is near; a cut end is
marked with ``…``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 40
ELLIPSIS = "…"
_BLANKS = re.compile(r"\s+")
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# Masks a detected value: (entity, value) -> preview.
Masker = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class Span:
    """A detected value: offsets into the part and its entity type."""

    start: int
    end: int
    entity: str


def _joins_previous(text: str, i: int) -> bool:
    """True when a cut before ``text[i]`` would split a grapheme cluster (approximately
    UAX #29: marks, joiners, variation selectors, emoji modifiers, tags, Hangul jamo,
    regional-indicator pairs, CR LF)."""
    if i <= 0 or i >= len(text):
        return False
    ch, prev = text[i], text[i - 1]
    cp, pp = ord(ch), ord(prev)
    if prev == "\r" and ch == "\n":
        return True
    if prev == "\u200d" or ch in "\u200c\u200d":
        return True
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:  # skin tones, tag characters
        return True
    if 0x1160 <= cp <= 0x11FF and 0x1100 <= pp <= 0x11FF:  # Hangul vowel/final jamo
        return True
    if 0x1F1E6 <= cp <= 0x1F1FF and 0x1F1E6 <= pp <= 0x1F1FF:
        # A flag is a pair: count the regional indicators before ``prev``.
        run = 0
        j = i - 1
        while j >= 0 and 0x1F1E6 <= ord(text[j]) <= 0x1F1FF:
            run += 1
            j -= 1
        return run % 2 == 1
    return False


def _cut_left(text: str, at: int) -> int:
    while at > 0 and _joins_previous(text, at):
        at -= 1
    return at


def _cut_right(text: str, at: int) -> int:
    while at < len(text) and _joins_previous(text, at):
        at += 1
    return at


# A cut inside a word moves to the word's edge, inward, when one is this close.
_WORD_SLACK = 12


def _in_word(text: str, at: int) -> bool:
    """True when ``at`` lies between two letters or digits of a spaced script (not Han)."""
    if at <= 0 or at >= len(text):
        return False
    a, b = text[at - 1], text[at]
    return a.isalnum() and b.isalnum() and not (_HAN.match(a) or _HAN.match(b))


def _word_left(text: str, lo: int, limit: int) -> int:
    if not _in_word(text, lo):
        return lo
    for at in range(lo, min(lo + _WORD_SLACK, limit)):
        if text[at].isspace():
            return at + 1
    return lo


def _word_right(text: str, hi: int, limit: int) -> int:
    if not _in_word(text, hi):
        return hi
    for at in range(hi - 1, max(hi - _WORD_SLACK, limit) - 1, -1):
        if text[at].isspace():
            return at
    return hi


def _groups(spans: Sequence[Span]) -> list[tuple[int, int, list[Span]]]:
    """Overlapping spans merged: (start, end, members), in text order."""
    out: list[tuple[int, int, list[Span]]] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.end <= s.start:
            continue
        if out and s.start < out[-1][1]:
            start, end, members = out[-1]
            out[-1] = (start, max(end, s.end), [*members, s])
        else:
            out.append((s.start, s.end, [s]))
    return out


def snippet(
    text: str,
    value: Span,
    spans: Sequence[Span],
    masker: Masker,
    show_value: bool = False,
    width: int = WIDTH,
) -> str:
    """The masked context of ``value`` in ``text``; ``spans`` are every value detected there.

    ``value`` is masked like the others unless ``show_value``; a value overlapping another
    one is masked with it (nothing of either shows).
    """
    start = max(0, min(value.start, len(text)))
    end = max(start, min(value.end, len(text)))
    groups = _groups([*spans, Span(start, end, value.entity)])
    lo = _word_left(text, _cut_left(text, max(0, start - width)), start)
    hi = _word_right(text, _cut_right(text, min(len(text), end + width)), end)
    # A value across an edge is taken in whole (and masked), so no part of it shows.
    for g_start, g_end, _ in groups:
        if g_start < lo < g_end:
            lo = g_start
        if g_start < hi < g_end:
            hi = g_end
    pieces: list[str] = []
    at = lo
    for g_start, g_end, members in groups:
        if g_end <= lo or g_start >= hi:
            continue
        pieces.append(text[at:g_start])
        pieces.append(_shown(text, g_start, g_end, members, start, end, masker, show_value))
        at = g_end
    pieces.append(text[at:hi])
    body = _BLANKS.sub(" ", "".join(pieces)).strip()
    left = ELLIPSIS if text[:lo].strip() else ""
    right = ELLIPSIS if text[hi:].strip() else ""
    return f"{left}{body}{right}"


def _shown(
    text: str,
    g_start: int,
    g_end: int,
    members: list[Span],
    start: int,
    end: int,
    masker: Masker,
    show_value: bool,
) -> str:
    if show_value and g_start == start and g_end == end:
        return text[g_start:g_end]
    # Masked as the widest value of the group (the one its text is).
    return masker(max(members, key=lambda s: s.end - s.start).entity, text[g_start:g_end])
