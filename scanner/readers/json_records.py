"""Records of JSON list files: parsed whole when small (a break names its line), streamed
one record at a time when large (memory holds one record), and the head of a file for
sniffing. Used by readers of exports made of JSON lists (Slack day files and directories)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import ijson

from scanner.errors import ReaderError
from scanner.model import Skipped
from scanner.readers.base import (
    HEAD_BYTES,
    IJSON_ERRORS,
    MAX_JSON_DEPTH,
    READ_ERRORS,
    TOO_DEEP,
    Entry,
    JsonTooDeep,
    Source,
    Utf8Stream,
    build_value,
    cut_inside_string,
    detect_encoding,
    open_json,
    open_utf8,
    read_text,
    stream_values,
)

# A top-level object, for files that may hold one record instead of a list: its records.
_Single = Callable[[Entry, dict[str, Any]], Iterator[tuple[str, Any] | Skipped]]


def list_records(
    source: Source, entry: Entry, not_a_list: str, single: _Single | None = None
) -> Iterator[tuple[str, Any] | Skipped]:
    """``(location, record)`` for each record of a JSON list file (``<file>#/<index>``); a file
    whose top level is no list gives one Skipped saying ``not_a_list``, unless it is an object
    and ``single`` reads it."""
    if entry.size <= WHOLE_FILE_BYTES:
        yield from _parsed_records(source, entry, not_a_list, single)
    else:
        yield from _streamed_records(source, entry, not_a_list, single)


# Files up to this size are parsed whole, as they always were: the error of a broken
# one says its line and column, and none of its records is read. Larger ones are streamed
# one record at a time (a 200 MB file does not take 700 MB): a break there loses
# only the records after it, and the reason says how many were read.
WHOLE_FILE_BYTES = 4 * 1024 * 1024
# ijson's C lexer rescans a token that spans its read buffer, so a long string costs time
# quadratic in (length / buffer): a 1 MB buffer keeps a message of tens of MB linear enough
# (Slack caps a message at 40,000 characters).
STREAM_BUFFER = 1024 * 1024


def _parsed_records(
    source: Source, entry: Entry, not_a_list: str, single: _Single | None
) -> Iterator[tuple[str, Any] | Skipped]:
    """``(location, record)`` for each record of a (small) file parsed whole."""
    try:
        text, enc = read_text(entry)
    except ReaderError as exc:
        yield Skipped(exc.location, exc.reason)
        return
    source.encodings.add(enc)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(entry.location, f"invalid JSON at line {exc.lineno} column {exc.colno}")
        return
    except (ValueError, RecursionError):
        yield Skipped(entry.location, "invalid JSON (number too long or nesting too deep)")
        return
    del text
    if single is not None and isinstance(value, dict):
        yield from single(entry, value)
    elif isinstance(value, list):
        for index, record in enumerate(value):
            yield f"{entry.location}#/{index}", record
    else:
        yield Skipped(entry.location, not_a_list)


def _streamed_records(
    source: Source, entry: Entry, not_a_list: str, single: _Single | None
) -> Iterator[tuple[str, Any] | Skipped]:
    """``(location, record)`` for each record of a file streamed with ijson: memory holds one
    record at a time. Nesting beyond MAX_JSON_DEPTH or a break ends the file with a Skipped."""
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    count = 0
    with stream:
        try:
            events = ijson.basic_parse(stream, buf_size=STREAM_BUFFER, use_float=True)
            event, value = next(events, ("", None))
            if event == "start_map" and single is not None:
                record = build_value(event, value, events, MAX_JSON_DEPTH)
                if record is TOO_DEEP:
                    yield Skipped(entry.location, "JSON nested too deep; not read")
                    return
                yield from single(entry, record)
            elif event == "start_array":
                for event, value in events:
                    if event == "end_array":
                        break
                    record = build_value(event, value, events, MAX_JSON_DEPTH)
                    if record is TOO_DEEP:
                        yield Skipped(
                            entry.location, f"JSON nested too deep after {count} records; rest not read"
                        )
                        return
                    yield f"{entry.location}#/{count}", record
                    count += 1
            else:
                yield Skipped(entry.location, not_a_list)
                return
            for _ in events:
                pass  # anything after the value is an error, as json.loads would say
        except (*IJSON_ERRORS, *READ_ERRORS):
            yield Skipped(entry.location, f"invalid JSON after {count} records; rest of file not read")


def metadata_records(source: Source, entry: Entry) -> Iterator[dict[str, Any] | Skipped]:
    """Objects of a metadata list file, streamed (a large org's user directory is big).

    A broken file yields what was read before the break, then one Skipped.
    """
    count = 0
    try:
        stream, enc = open_utf8(entry)
    except ReaderError as exc:
        yield Skipped(exc.location, exc.reason)
        return
    source.encodings.add(enc)
    with stream:
        try:
            for _, _, item in stream_values(stream, _TOP_ITEMS):
                count += 1
                if isinstance(item, dict):
                    yield item
        except IJSON_ERRORS:
            # ijson's messages quote the input, so the reason is built from structure only.
            yield Skipped(entry.location, f"invalid JSON after {count} records")
        except JsonTooDeep:
            yield Skipped(entry.location, f"JSON nested too deep after {count} records; rest not read")


_TOP_ITEMS = frozenset({"item"})


def sniff_value(entry: Entry, limit: int, count: int) -> Any:
    """The parsed file if it fits in ``limit`` bytes, else the first ``count`` records of its
    top-level list."""
    data = entry.head(limit)
    if not data:
        return None
    text = data.decode(detect_encoding(data[:HEAD_BYTES]), errors="replace").lstrip("\ufeff \t\r\n")
    if len(data) < limit or entry.size <= len(data):
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return None
    if not text.startswith("["):
        return None
    records: list[Any] = []
    try:
        stream = Utf8Stream(io.BytesIO(text.encode("utf-8", errors="replace")), "utf-8")
        # basic_parse, not ijson.items: its prefix per level made a head of '[' cost minutes.
        events = ijson.basic_parse(io.BufferedReader(stream))
        next(events)  # the list's start_array
        for event, value in events:
            if event == "end_array":
                break
            record = build_value(event, value, events, MAX_JSON_DEPTH)
            if record is TOO_DEEP:
                break
            records.append(record)
            if len(records) >= count:
                break
    except IJSON_ERRORS:
        pass  # the head cuts the list; judge on what was read
    if records or not cut_inside_string(text, 2):
        return records
    # The first record is longer than the window because of one long field (a pasted
    # log): read on to its end. A head cut inside nested structure is judged as it is.
    return first_records(entry, 1)


def first_records(entry: Entry, count: int) -> list[Any]:
    """The first ``count`` records of a top-level list, streamed from the entry itself."""
    records: list[Any] = []
    try:
        stream, _ = open_utf8(entry)
    except ReaderError:
        return records
    with stream:
        try:
            events = ijson.basic_parse(stream, buf_size=STREAM_BUFFER, use_float=True)
            if next(events, ("", None))[0] != "start_array":
                return records
            for event, value in events:
                if event == "end_array":
                    break
                record = build_value(event, value, events, MAX_JSON_DEPTH)
                if record is TOO_DEEP:
                    break
                records.append(record)
                if len(records) >= count:
                    break
        except (*IJSON_ERRORS, *READ_ERRORS):
            pass  # judge on what was read
    return records
