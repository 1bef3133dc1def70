"""Streaming JSON (ijson) capped in depth, JSON Lines, and sniffing a first JSON record."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Collection, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import ijson

from scanner.errors import ReaderError
from scanner.model import Skipped
from scanner.readers.decoding import detect_encoding, open_utf8
from scanner.readers.limits import HEAD_BYTES, SNIFF_JSON_CHARS
from scanner.readers.oserrors import READ_ERRORS

if TYPE_CHECKING:
    from scanner.readers.base import Entry, Source

# --- streaming JSON (ijson) -------------------------------------------------------------
#
# Exports reach gigabytes, so JSON is streamed: only the values a reader wants are built,
# one at a time. Two tools, both capped at MAX_JSON_DEPTH levels so hostile nesting cannot
# grow memory or the stack: ``stream_values`` picks values by their ijson prefix, and
# ``build_value``/``skip_value`` build or pass over the value at the cursor of a
# ``basic_parse`` event stream, for readers that walk the structure themselves (ijson's
# ``items`` keeps a prefix string per level: quadratic in the depth of hostile input).

# Real exports nest fewer than 10 levels.
MAX_JSON_DEPTH = 256
# What ijson raises on bad input; yajl2_c reports an integer too long for int() as
# SystemError (wrapping the ValueError). ijson's messages quote the input: a reason built
# from them would leak content, so readers say where the break is, never what it read.
IJSON_ERRORS = (ijson.JSONError, ValueError, SystemError)
# What ``build_value`` returns for a value nested deeper than its cap.
TOO_DEEP: Any = object()


class JsonTooDeep(Exception):
    """The document nests deeper than MAX_JSON_DEPTH (hostile input; never recursed into)."""


class JsonTruncated(ValueError):
    """The events ended inside a value (ijson normally raises first; this is the fallback).

    A ValueError, so ``IJSON_ERRORS`` covers it.
    """


def open_json(source: Source, entry: Entry) -> Generator[Skipped, None, IO[bytes] | None]:
    """The entry as a UTF-8 stream for ijson, its encoding noted on the source.

    When it cannot be opened, yields the Skipped and returns None; use it as
    ``stream = yield from open_json(source, entry)`` in a reader's generator.
    """
    try:
        stream, encoding = open_utf8(entry)
    except ReaderError as exc:
        yield Skipped(exc.location, exc.reason)
        return None
    source.encodings.add(encoding)
    return stream


def parse_events(stream: IO[bytes], buf_size: int = 64 * 1024) -> Iterator[tuple[str, str, Any]]:
    """``ijson.parse``'s ``(prefix, event, value)`` events, in time and memory linear in the input.

    ijson's own ``parse`` joins the whole path into every event's prefix, and its C backend
    makes the events of a whole read buffer before the first is seen: 100 KB of ``[`` cost
    minutes and gigabytes before a depth check could stop them. Here each level's prefix is
    made once, and nesting beyond MAX_JSON_DEPTH raises JsonTooDeep. ijson errors propagate.
    """
    prefixes = [""]  # prefixes[-1]: the prefix of the values at the current level
    for event, value in ijson.basic_parse(stream, buf_size=buf_size):
        if event == "map_key":
            parent = prefixes[-2]
            yield parent, event, value
            prefixes[-1] = f"{parent}.{value}" if len(prefixes) > 2 else value
        elif event == "start_map" or event == "start_array":
            if len(prefixes) > MAX_JSON_DEPTH:
                raise JsonTooDeep
            here = prefixes[-1]
            yield here, event, value
            if event == "start_map":
                prefixes.append(here)  # replaced by the first key's prefix
            else:
                prefixes.append(f"{here}.item" if here else "item")
        elif event == "end_map" or event == "end_array":
            prefixes.pop()
            yield prefixes[-1], event, value
        else:
            yield prefixes[-1], event, value


def stream_values(
    stream: IO[bytes],
    wanted: frozenset[str],
    building: list[bool] | None = None,
    buf_size: int = 64 * 1024,
) -> Iterator[tuple[str, tuple[int, ...], Any]]:
    """Yield ``(prefix, indices, value)`` for every value whose ijson prefix is in ``wanted``.

    ``indices`` are the positions of the value in each enclosing array, outermost first (for
    JSON pointers); a prefix ending in ``item`` matches only an array element (not a key
    named "item"). Only wanted values are built, one at a time, so memory holds one record,
    not the file. ijson errors propagate; nesting beyond MAX_JSON_DEPTH raises JsonTooDeep.
    ``building[0]``, when given, says whether a wanted value was being built when it stopped.
    """
    is_array: list[bool] = []
    index: list[int] = []
    builder: Any = None
    built_prefix = ""
    built_at: tuple[int, ...] = ()
    built_depth = 0
    for prefix, event, value in parse_events(stream, buf_size):
        if event == "end_map" or event == "end_array":
            is_array.pop()
            index.pop()
            if builder is not None:
                builder.event(event, value)
                if len(is_array) == built_depth:
                    if building is not None:
                        building[0] = False
                    yield built_prefix, built_at, builder.value
                    builder = None
            continue
        if event == "map_key":
            if builder is not None:
                builder.event(event, value)
            continue
        if is_array and is_array[-1]:
            index[-1] += 1
        starts = event == "start_map" or event == "start_array"
        if builder is not None:
            builder.event(event, value)
        elif prefix in wanted and (not prefix.endswith("item") or (is_array and is_array[-1])):
            at = tuple(i for a, i in zip(is_array, index, strict=True) if a)
            if starts:
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                built_prefix, built_at, built_depth = prefix, at, len(is_array)
                if building is not None:
                    building[0] = True
            else:
                yield prefix, at, value
        if starts:
            if len(is_array) >= MAX_JSON_DEPTH:
                raise JsonTooDeep
            is_array.append(event == "start_array")
            index.append(-1)


@dataclass(frozen=True, slots=True)
class JsonHit:
    """A value ``json_walk`` found: the path pattern it matched, its JSON pointer, its
    position in each enclosing array (outermost first), the value."""

    pattern: str
    pointer: str
    indices: tuple[int, ...]
    value: Any


def json_prefix(pattern: str) -> str:
    """The ijson prefix of a path pattern: ``messages/*`` → ``messages.item`` (``*``: any array element)."""
    return ".".join("item" if part == "*" else part for part in pattern.split("/"))


def json_pointer(pattern: str, indices: tuple[int, ...]) -> str:
    """The JSON pointer of a value matched by ``pattern`` at ``indices``: ``/messages/3``."""
    at = iter(indices)
    return "".join(f"/{next(at, 0) if part == '*' else _escape(part)}" for part in pattern.split("/"))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


TOO_DEEP_REASON = "JSON nested deeper than {depth} levels after {n} {noun}"


def json_walk(
    entry: Entry,
    stream: IO[bytes],
    patterns: Collection[str],
    noun: str = "messages",
    too_deep: str = TOO_DEEP_REASON,
) -> Iterator[JsonHit | Skipped]:
    """The values of a JSON entry whose paths match ``patterns`` (``messages/*``,
    ``conversations/*/events/*``), in document order, one built at a time.

    Where the document breaks (invalid, truncated, or nested beyond MAX_JSON_DEPTH) one
    Skipped at the entry says after how many records (``noun``: values matched by a pattern
    with ``*``; ``too_deep`` words the nesting case), and the walk stops: what was read
    stays read. ijson's messages quote the input, so reasons are built from structure.
    """
    by_prefix = {json_prefix(p): p for p in patterns}
    count = 0
    try:
        for prefix, indices, value in stream_values(stream, frozenset(by_prefix)):
            pattern = by_prefix[prefix]
            if len(indices) != pattern.count("*"):
                continue  # an object with a key named "item", not an array: nothing to point at
            count += "*" in pattern  # records; a top-level key's value is not one
            yield JsonHit(pattern, json_pointer(pattern, indices), indices, value)
    except JsonTooDeep:
        yield Skipped(entry.location, too_deep.format(depth=MAX_JSON_DEPTH, n=count, noun=noun))
    except IJSON_ERRORS:
        yield Skipped(entry.location, f"invalid or truncated JSON after {count} {noun}")


def sniff_values(
    entry: Entry, wanted: frozenset[str], limit: int = SNIFF_JSON_CHARS
) -> Iterator[tuple[str, tuple[int, ...], Any]]:
    """The wanted values (as ``stream_values`` gives them) among the entry's first ``limit``
    characters, for sniffing: it stops quietly where the window cuts the document, where the
    document is broken or nests too deep, or when it cannot be read.

    When the window ends inside a string of a wanted value (a first message holding a 10 MB
    pasted log), the document is read on, up to MAX_SNIFF_LINE characters, so a long first
    record is judged whole rather than refused; a large structure is never read on for.
    """
    seen = 0
    for window, buf_size in ((limit, 64 * 1024), (MAX_SNIFF_LINE, LONG_RECORD_BUFFER)):
        building = [False]
        try:
            stream, _ = open_utf8(entry, window)
        except ReaderError:
            return
        with stream:
            try:
                for n, item in enumerate(stream_values(stream, wanted, building, buf_size)):
                    if n >= seen:  # the second pass repeats what the first one gave
                        seen += 1
                        yield item
                return
            except JsonTooDeep:
                return
            except IJSON_ERRORS:
                pass
        if not building[0] or entry.size <= window or not _cut_in_string(entry, window):
            return


def _cut_in_string(entry: Entry, window: int) -> bool:
    head = entry.head(window)
    return cut_inside_string(head.decode(detect_encoding(head[:HEAD_BYTES]), errors="replace"), SNIFF_DEPTH)


# ijson's C lexer rescans a token that spans its read buffer: reading on through a long string
# uses a buffer this large, so the rescans stay few (the cost grows with the square of the
# string's length over the buffer's).
LONG_RECORD_BUFFER = 4 * 1024 * 1024
# How deep a sniffed record's long string may lie (document, array, record, nested content).
SNIFF_DEPTH = 8


def build_value(event: str, value: Any, events: Iterator[tuple[str, Any]], max_depth: int) -> Any:
    """The value that ``event`` (a ``basic_parse`` event) starts, built from the following
    events; a scalar as it is. ``TOO_DEEP`` when it nests more than ``max_depth`` levels (the
    events are then left inside it); raises JsonTruncated when the events end inside it.

    ijson's ObjectBuilder, inlined: this loop is where reading a large export spends its time.
    """
    if event != "start_map" and event != "start_array":
        return value
    top: dict[str, Any] | list[Any] = {} if event == "start_map" else []
    stack: list[dict[str, Any] | list[Any]] = [top]
    key = ""
    for ev, val in events:
        if ev == "map_key":
            key = val
            continue
        if ev == "end_map" or ev == "end_array":
            stack.pop()
            if not stack:
                return top
            continue
        parent = stack[-1]
        item: Any = val
        if ev == "start_map" or ev == "start_array":
            if len(stack) >= max_depth:
                return TOO_DEEP
            item = {} if ev == "start_map" else []
            stack.append(item)
        if isinstance(parent, dict):
            parent[key] = item
        else:
            parent.append(item)
    raise JsonTruncated


def skip_value(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Consume the value that ``event`` starts without building it; JsonTruncated when the
    events end inside it."""
    if event != "start_map" and event != "start_array":
        return
    depth = 1
    for ev, _ in events:
        if ev == "start_map" or ev == "start_array":
            depth += 1
        elif ev == "end_map" or ev == "end_array":
            depth -= 1
            if depth == 0:
                return
    raise JsonTruncated


def first_json_value(entry: Entry, limit: int) -> Any:
    """The first top-level JSON value among the entry's first ``limit`` characters, for
    sniffing: a value cut by the limit (or broken) as far as it was read; None when the entry
    cannot be read or the value nests deeper than MAX_JSON_DEPTH.

    When the limit cuts a string (a first message holding a 10 MB pasted log), the entry is
    read once more past it, up to MAX_SNIFF_LINE characters, as far as the end of the object
    or array holding that string, so the value is judged with its first record whole.
    """
    value, events, cut = _first_value(entry, limit, None, 64 * 1024)
    if cut and entry.size > limit and _cut_in_string(entry, limit):
        value, _, _ = _first_value(entry, MAX_SNIFF_LINE, events + 1, LONG_RECORD_BUFFER)
    return value


def _first_value(entry: Entry, limit: int, max_events: int | None, buf_size: int) -> tuple[Any, int, bool]:
    """(the value as far as read, events read, whether the read was cut or broken); with
    ``max_events``, reading stops when the container of that event closes."""
    try:
        stream, _ = open_utf8(entry, limit)
    except ReaderError:
        return None, 0, False
    builder = ijson.ObjectBuilder()
    depth = events = 0
    stop_below = -1  # the depth of the container of event ``max_events``, once seen
    with stream:
        try:
            for event, value in ijson.basic_parse(stream, multiple_values=True, buf_size=buf_size):
                depth += event in ("start_map", "start_array")
                depth -= event in ("end_map", "end_array")
                if depth > MAX_JSON_DEPTH:
                    return None, events, False
                builder.event(event, value)
                events += 1
                if events == max_events:
                    stop_below = depth
                if depth == 0 or depth < stop_below:
                    break  # the first top-level value, or the record holding the cut string
        except IJSON_ERRORS:
            return getattr(builder, "value", None), events, True  # cut by the limit: judge what was read
    return getattr(builder, "value", None), events, False


# --- JSON Lines and CSV -----------------------------------------------------------------


def json_object(line: str | None) -> dict[str, Any] | None:
    """A line parsed as a JSON object (sniffing JSON Lines); None when it is not one."""
    if line is None or not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def json_lines(entry: Entry, lines: Iterable[str]) -> Iterator[tuple[int, str, Any] | Skipped]:
    """``(line number, location, value)`` for each non-blank line of a JSON Lines file, or a
    Skipped for a line that is not JSON (saying the column, never the content). ``lines`` are
    the entry's decoded lines (``iter_lines``); a BOM on the first is dropped."""
    for n, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff") if n == 1 else raw
        if not line.strip():
            continue
        location = f"{entry.location}:{n}"
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            col = getattr(exc, "colno", None)
            yield Skipped(location, f"invalid JSON at column {col}" if col else "invalid JSON")
            continue
        yield n, location, value


# --- the first record of a JSON Lines file ----------------------------------------------


# A JSON string (possessive: an unterminated one fails at once), a bracket, or a lone quote:
# the start of a string that runs past the end of the text.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]|"')


def cut_inside_string(text: str, max_depth: int) -> bool:
    """Whether JSON ``text`` (a head cut from a longer document) ends inside a string nested
    at most ``max_depth`` levels deep: a long field of a record, like a pasted log, rather
    than a large structure. Sniffers read on past their window only then."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok == '"':
            return 0 < depth <= max_depth
        if tok in "{[":
            depth += 1
        elif tok in "}]":
            depth -= 1
    return False


# Names that say "one JSON value a line": the first line of such a file is read on past the
# head whatever it holds (a record with 200,000 members or attachments is still one record).
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
# The longest first line read to sniff a JSON Lines file (characters): a first record is read
# whole up to here, never a whole minified document into memory.
MAX_SNIFF_LINE = 64 * 1024 * 1024


def first_line_object(entry: Entry) -> dict[str, Any] | None:
    """The first non-blank line of a JSON Lines entry, parsed, if it is one JSON object.

    A first line longer than HEAD_BYTES is read whole (up to MAX_SNIFF_LINE characters; memory
    holds that line only) when the entry is named as JSON Lines (``.jsonl``, ``.ndjson``), or
    when the head ends inside a string field of the object (a 10 MB pasted log in ``text``).
    Otherwise a head that ends inside nested structure is a large JSON document, not JSON
    Lines, and is never read whole to find out. (Not ijson: its C lexer rescans a token that
    spans its read buffer, so one long string costs time quadratic in its length.) None when
    the line is not a JSON object or cannot be read.
    """
    head = entry.head()
    encoding = detect_encoding(head)
    start = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if not start.startswith("{"):
        return None
    named_lines = entry.suffix in JSON_LINES_SUFFIXES
    if "\n" not in start and len(head) >= HEAD_BYTES and not named_lines and not cut_inside_string(start, 2):
        return None
    try:
        fh = entry.open()
    except ReaderError:
        return None
    try:
        with io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="") as text:
            while True:
                raw = text.readline(MAX_SNIFF_LINE + 1)
                if not raw:
                    return None
                if len(raw) > MAX_SNIFF_LINE:
                    return None  # longer than any record we sniff: not read on
                line = raw.strip().lstrip("\ufeff")
                if line:
                    return json_object(line)
    except READ_ERRORS:
        return None
