"""Line-oriented text exports: a header line starts each message, other lines continue it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from scanner.model import Skipped
from scanner.readers.decoding import strip_eol

if TYPE_CHECKING:
    from scanner.readers.base import Entry


# --- line-oriented text exports (a header line starts each message) --------------------


class _Shaped(Protocol):
    @property
    def shape(self) -> Hashable: ...


_H = TypeVar("_H", bound=_Shaped)
_T = TypeVar("_T")


def dominant_headers(lines: Iterable[str], parse: Callable[[str], _H | None], window: int) -> Iterator[_H]:
    """The header lines of the file's dominant shape, in file order.

    ``parse`` reads a line (without its line end) as a header, or None. A pasted line from
    another chat, or a date at the start of a body line, also parses as a header; exports
    are uniform, so the shape most common among the first ``window`` headers (ties: the one
    seen first) is the file's, and only headers of that shape are yielded.
    """
    decided = False
    dominant: Hashable = None
    pending: list[_H] = []  # the first headers, until the shape is decided
    for raw in lines:
        h = parse(strip_eol(raw))
        if h is None:
            continue
        if decided:
            if h.shape == dominant:
                yield h
            continue
        pending.append(h)
        if len(pending) < window:
            continue
        dominant, decided = _most_common(p.shape for p in pending), True
        yield from (p for p in pending if p.shape == dominant)
        pending.clear()
    if not decided and pending:
        dominant = _most_common(p.shape for p in pending)
        yield from (p for p in pending if p.shape == dominant)


def _most_common(shapes: Iterable[Hashable]) -> Hashable:
    """The most common shape; ties go to the one seen first (Counter keeps insertion order)."""
    counts = Counter(shapes)
    best = max(counts.values())
    return next(shape for shape, n in counts.items() if n == best)


@dataclass(slots=True)
class TextBlock(Generic[_T]):
    """One message of a line-oriented export: its header, where it starts, its text lines."""

    header: _T
    line: int  # 1-based line the message (or this part of a long one) starts on
    parts: list[str]
    size: int  # characters in ``parts``, line breaks counted


def header_blocks(
    entry: Entry,
    lines: Iterable[str],
    start: Callable[[str], _T | None],
    body: Callable[[_T], str | None],
    max_chars: int,
    *,
    after_blank: bool = False,
    preamble: str = "non-empty line(s) before the first header",
) -> Iterator[TextBlock[_T] | Skipped]:
    """The messages of a line-oriented export, in order: a line for which ``start`` gives a
    header starts one, every other line continues it. ``body`` gives the text on the header
    line, or None when the text starts on the next line. With ``after_blank`` a header starts
    a message only at the top of the file or after a blank line (exports that separate
    messages so: a header-like line pasted inside a message stays in it).

    Non-empty lines before the first header are reported as one Skipped (``preamble`` says
    what they are). A message longer than ``max_chars`` is cut at a line boundary, so one
    header followed by gigabytes of lines cannot exhaust memory: each part keeps the header
    and starts at its own line.
    """
    current: TextBlock[_T] | None = None
    stray = 0
    prev_blank = True
    for n, raw in enumerate(lines, start=1):
        line = strip_eol(raw)
        h = start(line)
        if h is not None and (prev_blank or not after_blank):
            if current is not None:
                yield current
            elif stray:
                yield Skipped(f"{entry.location}:1", f"{stray} {preamble}")
            text = body(h)
            current = TextBlock(h, n, [] if text is None else [text], len(text or ""))
        elif current is None:
            stray += bool(line.strip())
        elif current.size + len(line) > max_chars and current.parts:
            yield current
            current = TextBlock(current.header, n, [line], len(line))
        else:
            current.parts.append(line)
            current.size += len(line) + 1
        prev_blank = not line.strip()
    if current is not None:
        yield current


def split_author(rest: str) -> tuple[str | None, str]:
    """``Name: text`` → (name, text); a line without ``Name: `` → (None, rest), a notice.

    The name ends at the first ": " (a body may hold more colons). ``Name:`` at the end of
    the line, its only colon, is a message whose body starts on the next line.
    """
    i = rest.find(": ")
    if i > 0:
        return rest[:i], rest[i + 2 :]
    if len(rest) > 1 and rest.endswith(":") and rest.find(":") == len(rest) - 1:
        return rest[:-1], ""
    return None, rest
