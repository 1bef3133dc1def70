"""Microsoft Graph JSON as exports write it: fields in camelCase (Graph) or PascalCase (export
tools), records paged in ``value`` lists, in plain lists, or one after another, streamed with
a depth cap. What a record is, the reader says (Teams: a chatMessage)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ijson

from scanner.model import Skipped
from scanner.readers.base import (
    IJSON_ERRORS,
    MAX_JSON_DEPTH,
    TOO_DEEP,
    Entry,
    JsonTruncated,
    Source,
    build_value,
    open_json,
    skip_value,
)

_PASCAL: dict[str, str] = {}


def get(obj: Any, key: str) -> Any:
    """``obj[key]`` in camelCase (Graph) or PascalCase (export tool); None if absent."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    if value is None:
        pascal = _PASCAL.get(key)
        if pascal is None:
            pascal = _PASCAL.setdefault(key, key[:1].upper() + key[1:])
        value = obj.get(pascal)
    return value


def key_of(obj: dict[str, Any], key: str) -> str:
    """The spelling of ``key`` that ``obj`` holds (camelCase or PascalCase)."""
    return key if key in obj else key[:1].upper() + key[1:]


def is_page(obj: Any, is_record: Callable[[Any], bool]) -> bool:
    return isinstance(obj, dict) and isinstance(get(obj, "value"), list) and not is_record(obj)


def list_objects(source: Source, entry: Entry) -> Iterator[dict[str, Any] | Skipped]:
    """Objects of a (metadata) JSON list file, streamed; a broken file yields one Skipped.

    Built from ``basic_parse`` events with a depth cap: ``ijson.items`` keeps a prefix string
    per level, which makes memory quadratic in the nesting depth of hostile input.
    """
    count = 0
    stream = yield from open_json(source, entry)
    if stream is None:
        return
    with stream:
        events = ijson.basic_parse(stream)
        try:
            first = next(events, None)
            if first is None or first[0] != "start_array":
                yield Skipped(entry.location, "not a JSON list")
                return
            for event, value in events:
                if event == "end_array":
                    return
                item = build_value(event, value, events, MAX_JSON_DEPTH - 1)
                if item is TOO_DEEP:
                    yield Skipped(
                        entry.location,
                        f"JSON nested deeper than {MAX_JSON_DEPTH} levels after {count} records",
                    )
                    return
                count += 1
                if isinstance(item, dict):
                    yield item
        except IJSON_ERRORS:  # JsonTruncated included
            yield Skipped(entry.location, f"invalid JSON after {count} records")


@dataclass(slots=True)
class Found:
    """A value at a message position: its JSON pointer and the value (or TOO_DEEP)."""

    pointer: str
    value: Any


def walk(
    events: Iterator[tuple[str, Any]], is_record: Callable[[Any], bool], fields: frozenset[str]
) -> Iterator[Found]:
    """Every record position of a file: ``[record…]``, ``{"value": [record…]}``, ``[page…]``,
    one record object (keeping only ``fields``, lower-cased, of it), or several such values
    one after another. ``is_record`` tells a record from a page.

    Pointers are JSON pointers into the top-level value; the k-th (k ≥ 1) of several
    concatenated values is prefixed ``[k]``.
    """
    for index, (event, _value) in enumerate(events):
        prefix = f"[{index}]" if index else ""
        if event == "start_array":
            for i, (ev, val) in enumerate(events):
                if ev == "end_array":
                    break
                built = build_value(ev, val, events, MAX_JSON_DEPTH - 1)
                if is_page(built, is_record):
                    for j, item in enumerate(get(built, "value")):
                        yield Found(f"{prefix}/{i}/value/{j}", item)
                else:
                    yield Found(f"{prefix}/{i}", built)
                    if built is TOO_DEEP:
                        return
            else:
                raise JsonTruncated
        elif event == "start_map":
            yield from _walk_object(events, prefix, fields)
        else:
            yield Found(prefix, NOT_A_RECORD)  # a scalar


def _walk_object(events: Iterator[tuple[str, Any]], prefix: str, fields: frozenset[str]) -> Iterator[Found]:
    """A top-level object: a page (its ``value`` items streamed) or one record."""
    top: dict[str, Any] = {}
    paged = False
    for ev, key in events:
        if ev == "end_map":
            break
        ev2, val = next(events, ("", None))
        if not ev2:
            raise JsonTruncated
        if key in ("value", "Value") and ev2 == "start_array":
            paged = True
            for j, (ev3, val3) in enumerate(events):
                if ev3 == "end_array":
                    break
                built = build_value(ev3, val3, events, MAX_JSON_DEPTH - 2)
                yield Found(f"{prefix}/{key}/{j}", built)
                if built is TOO_DEEP:
                    return
            else:
                raise JsonTruncated
        elif isinstance(key, str) and key.lower() in fields:
            built = build_value(ev2, val, events, MAX_JSON_DEPTH - 1)
            if built is TOO_DEEP:
                yield Found(prefix, built)
                return
            top[key] = built
        else:
            skip_value(ev2, events)
    else:
        raise JsonTruncated
    if not paged:
        yield Found(prefix, top or None)


NOT_A_RECORD = object()
