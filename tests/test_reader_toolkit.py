"""The reader toolkit beside base.py: the entry reader, the JSON walk by path patterns,
sniffing past the window, line blocks, HTML to text."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from scanner.errors import ReaderError
from scanner.model import Message, Skipped
from scanner.readers.base import (
    Entry,
    Source,
    header_blocks,
    isolated,
    json_pointer,
    json_prefix,
    json_walk,
    read_each,
    sniff_each,
    sniff_values,
)
from scanner.readers.html_text import html_to_text
from scanner.readers.limits import MAX_MESSAGE_CHARS, SNIFF_JSON_CHARS


def entry(name: str, data: bytes, location: str | None = None) -> Entry:
    return Entry(name, location or f"/in/{name}", len(data), lambda: io.BytesIO(data))


def broken(name: str) -> Entry:
    def opener() -> IO[bytes]:
        raise PermissionError(13, "Permission denied")

    return Entry(name, f"/in/{name}", 10, opener)


def source_of(kind: str, *entries: Entry) -> Source:
    return Source(Path("/in"), list(entries), kind, screen=False)


def lines_of(e: Entry) -> Iterator[Message | Skipped]:
    """A toy format: each line stands for a record, given back as a Skipped holding it."""
    with e.open() as fh:
        for n, line in enumerate(fh.read().decode().splitlines(), 1):
            yield Skipped(f"{e.location}:{n}", line)


# --- HTML to text ------------------------------------------------------------------------


def test_nbsp_is_white_space_so_a_value_split_by_it_reads_as_one() -> None:
    assert html_to_text("<p>call&nbsp;+44&nbsp;20&nbsp;7946&nbsp;0000</p>") == "call +44 20 7946 0000"


def test_img_gives_its_alt_text() -> None:
    assert (
        html_to_text('<p>passport <img alt="scan.jpg" src="x.png"> attached</p>')
        == "passport scan.jpg attached"
    )
    assert html_to_text('<p>no alt <img src="x.png"> here</p>') == "no alt here"


# --- the entry reader --------------------------------------------------------------------


def test_a_broken_entry_is_one_skip_and_the_rest_are_read() -> None:
    good = entry("a.txt", b"one\ntwo")
    source = source_of("dir", good, broken("b.txt"), entry("c.txt", b"three"))
    items = [i for i in read_each(source, lines_of) if isinstance(i, Skipped)]
    assert [i.reason for i in items if i.location.startswith("/in/a.txt")] == ["one", "two"]
    assert Skipped("/in/b.txt", "cannot read: permission denied") in items
    assert [i.reason for i in items if i.location.startswith("/in/c.txt")] == ["three"]


def test_a_failure_part_way_keeps_what_was_read() -> None:
    def failing(e: Entry) -> Iterator[Message | Skipped]:
        yield Skipped(f"{e.location}:1", "first")
        raise OSError(5, "Input/output error")

    items = list(isolated(entry("x.txt", b""), failing))
    assert items == [Skipped("/in/x.txt:1", "first"), Skipped("/in/x.txt", "read failed: OSError")]


def test_a_single_file_input_fails_as_the_input() -> None:
    with pytest.raises(ReaderError):
        list(read_each(source_of("file", broken("")), lines_of))


def test_entries_not_ours_are_skipped_with_the_reason_unless_empty() -> None:
    source = source_of("zip", entry("a.txt", b"one"), entry("b.bin", b"\0"), entry("c.bin", b""))
    items = list(read_each(source, lines_of, accept=lambda e: e.suffix == ".txt", not_ours="not ours"))
    assert items == [Skipped("/in/a.txt:1", "one"), Skipped("/in/b.bin", "not ours")]


def test_sniff_each_looks_at_non_empty_entries_only() -> None:
    source = source_of("dir", entry("a.txt", b"x"), entry("b.txt", b""))
    assert sniff_each(source, lambda e: e.size > 0)
    assert not sniff_each(source_of("dir", entry("b.txt", b"")), lambda e: True)
    assert sniff_each(source_of("file", entry("", b"x")), lambda e: True)


# --- JSON walk by path patterns --------------------------------------------------------


def walk(doc: bytes, *patterns: str) -> list[object]:
    e = entry("d.json", doc)
    return [
        hit if isinstance(hit, Skipped) else (hit.pattern, hit.pointer, hit.value)
        for hit in json_walk(e, io.BytesIO(doc), patterns)
    ]


def test_patterns_become_prefixes_and_pointers() -> None:
    assert json_prefix("conversations/*/events/*") == "conversations.item.events.item"
    assert json_pointer("conversations/*/events/*", (2, 5)) == "/conversations/2/events/5"
    assert json_pointer("a~b/c/*", (0,)) == "/a~0b/c/0"


def test_walk_yields_matches_with_pointers_in_document_order() -> None:
    doc = json.dumps({"title": "T", "messages": [{"text": "a"}, 3], "other": [1]}).encode()
    assert walk(doc, "title", "messages/*") == [
        ("title", "/title", "T"),
        ("messages/*", "/messages/0", {"text": "a"}),
        ("messages/*", "/messages/1", 3),
    ]


def test_a_key_named_item_is_not_an_array_element() -> None:
    doc = json.dumps({"messages": {"item": {"text": "not an element"}}}).encode()
    assert walk(doc, "messages/*") == []


def test_a_broken_document_ends_the_walk_with_one_skip_counting_records() -> None:
    assert walk(b'{"title": "T", "messages": [{"a": 1}, {"b": ', "title", "messages/*") == [
        ("title", "/title", "T"),
        ("messages/*", "/messages/0", {"a": 1}),
        Skipped("/in/d.json", "invalid or truncated JSON after 1 messages"),
    ]
    deep = b'{"messages": [' + b"[" * 300 + b"]" * 300 + b"]}"
    assert walk(deep, "messages/*") == [
        Skipped("/in/d.json", "JSON nested deeper than 256 levels after 0 messages")
    ]


# --- sniffing past the window ------------------------------------------------------------


def test_a_first_record_longer_than_the_window_is_read_whole() -> None:
    long_text = "x" * (SNIFF_JSON_CHARS + 10)
    doc = json.dumps({"messages": [{"text": long_text, "creator": {}}]}).encode()
    found = list(sniff_values(entry("m.json", doc), frozenset(["messages.item"])))
    assert len(found) == 1 and found[0][2]["text"] == long_text


def test_a_large_structure_is_not_read_on_for() -> None:
    many = list(range(SNIFF_JSON_CHARS // 4))  # no strings: the window cannot end inside one
    doc = json.dumps({"messages": [{"members": many}]}).encode()
    assert list(sniff_values(entry("m.json", doc), frozenset(["messages.item"]))) == []


# --- line blocks -------------------------------------------------------------------------


def test_blocks_after_blank_lines_keep_a_pasted_header_inside_the_message() -> None:
    lines = ["H one", "body", "H pasted", "", "H two", "more"]
    blocks = list(
        header_blocks(
            entry("c.txt", b""),
            lines,
            lambda line: line if line.startswith("H ") else None,
            lambda h: None,
            MAX_MESSAGE_CHARS,
            after_blank=True,
        )
    )
    assert [(b.header, b.line, b.parts) for b in blocks if not isinstance(b, Skipped)] == [
        ("H one", 1, ["body", "H pasted", ""]),
        ("H two", 5, ["more"]),
    ]
